"""The search log: what people look for, kept only as far as the potential map needs it (issue 22).

Every product search with a text, on the site (/search) and through ``GET /api/v1/search``, first
page only, is one :class:`SearchLog` row: the normalised text (lower case, trimmed, inner spaces
collapsed), the total number of results, whether filters narrowed it, the searcher's kelurahan (a
user's as :func:`shop.accounts.home.home_kelurahan_code` says; a guest's only when they chose one),
the day in WIB and a keyed hash of the searcher.

What is never stored: a user id, an IP address, a raw session id, a text with ``@`` or a run of six
or more digits (an email address, a phone or card number: perhaps personal data). The hash is an
HMAC-SHA256, under a key derived from ``SECRET_KEY``, of ``u:<user id>`` for a user, else of
``a:<address>|<User-Agent>`` for a guest or an API call without a token (a guest whose session already
carries a random id from before keeps being counted by it, ``s:<id>``). It serves to count distinct
searchers, nothing else: without the key it cannot be linked to a person, and the address is only
ever an input to the hash, in memory.

Guests. Searching gives a guest no session: a cookie would make the page personal (never kept by
the page cache) and would only have carried a random id. Their address and browser, hashed, count
them instead, the same on a page the app built and on one the cache answered, and the same after
they chose a kelurahan (which does give them a session: the choice lives there, and they are asked
on a page of its own, ``GET /search/tempat-tinggal``, so that the search page has no form token).
People behind one address with the same browser count as one, and a guest whose address changes
counts again: the figures are of searchers, approximately, never of people one could name.

When the row is written. Logging must not slow a search down (the budget is 1 ms), so a request
only queues its search (a hash and a few values, no query) in its process's
:class:`SearchLogWriter`, which writes once the response has been sent (``call_on_close``: in
gunicorn's sync worker, after the body has gone out), one INSERT in a short transaction of its own
(``synchronous_commit`` off on PostgreSQL). A user who did not choose a kelurahan is placed by that
write (their latest address), not by the request. A failed write logs a warning and keeps the
searches for the next write; a process that stops writes what it holds; a search is never answered
with an error because of the log.

Pages kept by the page cache. A text search's first page is public for a guest without a session,
so :mod:`shop.pagecache` keeps it, with :func:`count_cached_answers`'s payload (the text, its total,
whether filtered: what the page shows, nothing about who asked). Each answer the cache gives, 200 or
304, runs :func:`log_cached_search`: the same row as the app would write for that guest. Such a page
is sent ``Cache-Control: public, no-cache``, so that browsers and shared caches ask the server each
time and every search is counted.

Requests whose User-Agent contains ``bot``, ``crawl`` or ``spider`` are not logged, and nothing is
when ``SEARCH_LOG`` is off (the page benchmarks turn it off: their load is not people). The worker
rolls the rows up (:mod:`orders.potential.rollup`) and deletes them after ``SEARCH_LOG_DAYS``.
"""
from __future__ import annotations

import atexit
import hashlib
import hmac
import logging
import re
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask import (
    Flask,
    Response,
    after_this_request,
    current_app,
    has_request_context,
    request,
    session,
)
from sqlalchemy import (
    Boolean,
    Connection,
    Date,
    Engine,
    Index,
    Integer,
    String,
    create_engine,
    insert,
)
from sqlalchemy.orm import Mapped, mapped_column

from catalog.search.types import SearchQuery
from shop.accounts.home import address_kelurahan
from shop.accounts.models import User
from shop.caching import on_hit
from shop.db import WIB
from shop.extensions import db

log = logging.getLogger(__name__)

MAX_TERM = 100  # longer texts are cut: nobody types a product name this long
GUEST_KELURAHAN = "home_kelurahan"  # session key: the kelurahan a guest chose
GUEST_ID = "searcher_id"  # session key: the random id behind a guest's hash (given before issue 22's cache)
CACHED_SEARCH = "search_log"  # the page cache's name for log_cached_search
MAX_PENDING = 10_000  # searches a process keeps while the database does not take them
_KEY = "catalog.search.log.key"
_WRITER = "catalog.search.log.writer"
_WRITE_SCHEDULED = "pasar.search_log.write_scheduled"  # environ: this request's write is arranged
_BOTS = re.compile(r"bot|crawl|spider", re.IGNORECASE)
_PERSONAL = re.compile(r"@|\d{6,}")
_SPACES = re.compile(r"\s+")


class SearchLog(db.Model):
    """One logged search. ``rolled_up`` turns true once :mod:`orders.potential.rollup` has counted it."""

    __tablename__ = "search_log"
    __table_args__ = (
        Index("ix_search_log_pending", "rolled_up", "id"),
        Index("ix_search_log_day", "day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date)  # WIB
    term: Mapped[str] = mapped_column(String(MAX_TERM))
    results: Mapped[int] = mapped_column(Integer)
    filtered: Mapped[bool] = mapped_column(Boolean, default=False)  # filters narrowed the results
    kelurahan_code: Mapped[str | None] = mapped_column(String(13))
    searcher: Mapped[str] = mapped_column(String(32))  # hex HMAC (128 bits)
    rolled_up: Mapped[bool] = mapped_column(Boolean, default=False)


def normalise(text: str | None) -> str | None:
    """The text as the log keeps it, or None when it must not be kept (empty, ``@``, 6+ digits)."""
    term = _SPACES.sub(" ", (text or "").strip().lower())[:MAX_TERM].strip()
    if not term or _PERSONAL.search(term):
        return None
    return term


def _key(app: Flask) -> bytes:
    """The hash key, derived from SECRET_KEY once per app (and again if the secret changes)."""
    secret = str(app.config["SECRET_KEY"]).encode()
    kept = app.extensions.get(_KEY)
    if kept is None or kept[0] != secret:
        kept = app.extensions[_KEY] = (
            secret, hmac.new(secret, b"pasar-sentra search-log searcher", hashlib.sha256).digest())
    return kept[1]


def searcher_hash(identity: str, app: Flask | None = None) -> str:
    """The keyed hash of ``u:<id>``, ``a:<address>|<User-Agent>`` or ``s:<session id>``: 32 hex characters."""
    return hmac.new(_key(app or current_app), identity.encode(), hashlib.sha256).hexdigest()[:32]


def is_logged_request() -> bool:
    """Whether this request's searches are logged: the log is on and the caller is not a robot."""
    if not current_app.config.get("SEARCH_LOG", True):
        return False
    return not _BOTS.search(request.headers.get("User-Agent", ""))


def is_searched_text(query: SearchQuery) -> bool:
    """Whether ``query`` is a search the log keeps when a person asks it: a text, the first page."""
    return bool(query.text.strip()) and query.page == 1


def address_identity(remote_addr: str | None, user_agent: str | None) -> str:
    """A guest's stand-in for a user id: their address and User-Agent (only ever hashed, never kept)."""
    return f"a:{remote_addr}|{user_agent or ''}"


def guest_identity() -> str:
    """A guest's stand-in for a user id (see the module docstring): the random id their session carries
    when an earlier version gave it one, else their address and User-Agent. A search gives no session."""
    sid = session.get(GUEST_ID) if request.blueprint != "api" else None
    if sid:
        return f"s:{sid}"
    return address_identity(request.remote_addr, request.headers.get("User-Agent"))


@dataclass(frozen=True)
class PendingSearch:
    """A logged search waiting for its write: the row to be, and (only in memory, never stored) the user
    whose home kelurahan the write reads from their latest address, when they did not choose one."""

    day: date
    term: str
    results: int
    filtered: bool
    kelurahan_code: str | None
    searcher: str
    home_of: int | None = None


class SearchLogWriter:
    """The searches a process logged and has not written yet, written on a short connection of their own.

    A request adds its search and has the writer run once its response is out (:func:`_write_after`):
    in gunicorn's sync worker the body has been sent by then, so the searcher never waits for the
    insert. Searches a failed write left behind (the database was away) stay queued, up to
    :data:`MAX_PENDING`, for the next write, and a process that stops writes what it holds (``atexit``).

    On PostgreSQL the writer has a small engine of its own (:func:`_log_engine`), so that a write is
    one round trip, the INSERT, where the app's engine would add a ping, BEGIN, ``SET LOCAL`` and COMMIT:
    the worker is free for the next request sooner, and spends less CPU per search.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = _log_engine(engine)
        self._pending: deque[PendingSearch] = deque(maxlen=MAX_PENDING)
        self._lock = threading.Lock()
        atexit.register(self.close)

    def close(self) -> None:
        """Write what is queued and let go of the writer's own connection (at process exit)."""
        self.write()
        if self.engine.dialect.name == "postgresql":
            self.engine.dispose()

    def add(self, search: PendingSearch) -> None:
        with self._lock:
            if len(self._pending) == MAX_PENDING:
                log.warning("search log queue full: the oldest search is dropped")
            self._pending.append(search)

    def pending(self) -> int:
        return len(self._pending)

    def discard(self) -> None:
        """Forget the queued searches unwritten (tests: a response never closed leaves its search here)."""
        with self._lock:
            self._pending.clear()

    def write(self) -> int:
        """Write every queued search in one transaction (one multi-row INSERT). Returns how many were
        written. Never raises: on a failure they are queued again, and a warning is logged."""
        with self._lock:
            batch = list(self._pending)
            self._pending.clear()
        if not batch:
            return 0
        try:
            with self.engine.begin() as conn:  # one statement, whole or nothing, even in autocommit
                conn.execute(insert(SearchLog.__table__), [_row(conn, search) for search in batch])
        except Exception:  # the log must never cost a searcher their answer
            log.warning("%d search(es) not logged yet, kept for the next write", len(batch), exc_info=True)
            with self._lock:
                self._pending.extendleft(reversed(batch))
            return 0
        return len(batch)


def _log_engine(engine: Engine) -> Engine:
    """The engine the log writes with: on PostgreSQL a pool of its own beside ``engine``'s (same URL), in
    autocommit and with ``synchronous_commit`` off on its connections (a search lost to a server crash
    in the next instant costs the map nothing; waiting for the WAL's flush would cost each write a disk
    write), without a ping on checkout (a dropped connection fails one write, whose searches are kept
    for the next). On SQLite, ``engine`` itself: its connections carry the WAL and busy-timeout pragmas,
    and a write there is one local call."""
    if engine.dialect.name != "postgresql":
        return engine
    return create_engine(engine.url, pool_size=1, max_overflow=4, pool_pre_ping=False,
                         isolation_level="AUTOCOMMIT", connect_args={"options": "-c synchronous_commit=off"})


def _row(conn: Connection, search: PendingSearch) -> dict[str, object]:
    kelurahan = search.kelurahan_code
    if kelurahan is None and search.home_of is not None:
        kelurahan = conn.execute(address_kelurahan(search.home_of)).scalar()
    return {"day": search.day, "term": search.term, "results": search.results, "filtered": search.filtered,
            "kelurahan_code": kelurahan, "searcher": search.searcher, "rolled_up": False}


def writer(app: Flask | None = None) -> SearchLogWriter:
    """This app's writer (one per app and process)."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    found = app.extensions.get(_WRITER)
    if found is None:
        with app.app_context():
            found = app.extensions[_WRITER] = SearchLogWriter(db.engine)
    return found


def _write_after(found: SearchLogWriter) -> None:
    """Have ``found`` write once the response of this request has been sent (once per request)."""
    if request.environ.get(_WRITE_SCHEDULED):
        return
    request.environ[_WRITE_SCHEDULED] = True

    @after_this_request
    def write_on_close(response: Response) -> Response:
        response.call_on_close(found.write)
        return response


def record_search(*, text: str, results: int, filtered: bool, user_id: int | None,
                  kelurahan_code: str | None, when: datetime | None = None, home_of: int | None = None) -> bool:
    """Log one first-page search (see the module docstring). Returns whether it is kept.

    In a request the row is written after the response has been sent; outside one, at once. A user
    without a chosen kelurahan is passed as ``home_of`` (their id), and the write reads where they live.
    Never raises: a failed write is logged as a warning and retried with the next one.
    """
    term = normalise(text)
    if term is None:
        return False
    try:
        identity = f"u:{user_id}" if user_id is not None else guest_identity()
        day = (when or datetime.now(WIB)).astimezone(WIB).date()
        found = writer()
        found.add(PendingSearch(day=day, term=term, results=int(results), filtered=filtered,
                                kelurahan_code=kelurahan_code, searcher=searcher_hash(identity),
                                home_of=home_of if kelurahan_code is None else None))
        if has_request_context():
            _write_after(found)
        else:
            found.write()
    except Exception:  # the log must never cost a searcher their answer
        log.warning("search not logged", exc_info=True)
        return False
    return True


def guest_kelurahan() -> str | None:
    """The kelurahan a guest chose on the search page (kept in their session), if any."""
    return session.get(GUEST_KELURAHAN) if request.blueprint != "api" else None


def choose_guest_kelurahan(code: str | None, known_kelurahan: set[str]) -> bool:
    """Keep (or with an empty ``code``, forget) the kelurahan a guest says they live in. False: unknown."""
    code = (code or "").strip()
    if not code:
        session.pop(GUEST_KELURAHAN, None)
        return True
    if code not in known_kelurahan:
        return False
    session[GUEST_KELURAHAN] = code
    return True


def is_logged_search(query: SearchQuery) -> bool:
    """Whether this search is one the log keeps: a text, the first page, a person asking."""
    return is_searched_text(query) and is_logged_request()


def count_cached_answers(query: SearchQuery, total: int) -> None:
    """Have every answer a page cache gives for this public search page in place of the app logged too
    (:func:`log_cached_search`): a guest's search counts whether the page was built or kept."""
    if current_app.config.get("SEARCH_LOG", True):
        on_hit(CACHED_SEARCH, (query.text, int(total), bool(query.filters())))


def log_cached_search(app: Flask, environ: dict[str, Any], payload: tuple) -> Callable[[], object] | None:
    """The page cache answers a kept search page (see :func:`count_cached_answers`): log it as the app
    would have for a guest without a session (no kelurahan; their address and User-Agent, hashed).
    Returns the write, for the cache to run once the page has been sent."""
    if not app.config.get("SEARCH_LOG", True) or _BOTS.search(environ.get("HTTP_USER_AGENT", "")):
        return None
    text, results, filtered = payload
    term = normalise(text)
    if term is None:
        return None
    found = writer(app)
    found.add(PendingSearch(
        day=datetime.now(WIB).date(), term=term, results=results, filtered=filtered, kelurahan_code=None,
        searcher=searcher_hash(address_identity(environ.get("REMOTE_ADDR"), environ.get("HTTP_USER_AGENT")), app)))
    return found.write


def log_search(query: SearchQuery, total: int, user: User | None) -> bool:
    """Log a search the request made (call only when :func:`is_logged_search`). See :func:`record_search`."""
    if user is None:
        return record_search(text=query.text, results=total, filtered=bool(query.filters()), user_id=None,
                             kelurahan_code=guest_kelurahan())
    # A user who did not choose lives at their latest address: read by the write, after the response.
    return record_search(text=query.text, results=total, filtered=bool(query.filters()), user_id=user.id,
                         kelurahan_code=user.kelurahan_code or None, home_of=user.id)
