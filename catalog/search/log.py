"""The search log: what people look for, kept only as far as the potential map needs it (issue 22).

Every product search with a text, on the site (/search) and through ``GET /api/v1/search``, first
page only, is one :class:`SearchLog` row: the normalised text (lower case, trimmed, inner spaces
collapsed), the total number of results, whether filters narrowed it, the searcher's kelurahan (a
user's as :func:`shop.accounts.home.home_kelurahan_code` says; a guest's only when they chose one),
the day in WIB and a keyed hash of the searcher.

What is never stored: a user id, an IP address, a raw session id, a text with ``@`` or a run of six
or more digits (an email address, a phone or card number: perhaps personal data). The hash is an
HMAC-SHA256 under a key derived from ``SECRET_KEY`` of ``u:<user id>``, else of a random id the
guest's session carries (``s:<id>``); an API call without a token has no session, so its stand-in is
the HMAC of the caller's address and User-Agent (hashed, never stored). It serves to count distinct
searchers, nothing else: without the key it cannot be linked to a person.

Requests whose User-Agent contains ``bot``, ``crawl`` or ``spider`` are not logged, and nothing is
when ``SEARCH_LOG`` is off (the page benchmarks turn it off: their load is not people). The worker
rolls the rows up (:mod:`orders.potential.rollup`) and deletes them after ``SEARCH_LOG_DAYS``.
"""
from __future__ import annotations

import hashlib
import hmac
import logging
import re
import secrets
from datetime import date, datetime

from flask import current_app, request, session
from sqlalchemy import Boolean, Date, Index, Integer, String, insert
from sqlalchemy import text as sql_text
from sqlalchemy.orm import Mapped, mapped_column

from catalog.search.types import SearchQuery
from shop.accounts.home import home_kelurahan_code
from shop.accounts.models import User
from shop.db import WIB
from shop.extensions import db

log = logging.getLogger(__name__)

MAX_TERM = 100  # longer texts are cut: nobody types a product name this long
GUEST_KELURAHAN = "home_kelurahan"  # session key: the kelurahan a guest chose
GUEST_ID = "searcher_id"  # session key: the random id behind a guest's hash
_KEY = "catalog.search.log.key"
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


def _key() -> bytes:
    """The hash key, derived from SECRET_KEY once per app (and again if the secret changes)."""
    secret = str(current_app.config["SECRET_KEY"]).encode()
    kept = current_app.extensions.get(_KEY)
    if kept is None or kept[0] != secret:
        kept = current_app.extensions[_KEY] = (
            secret, hmac.new(secret, b"pasar-sentra search-log searcher", hashlib.sha256).digest())
    return kept[1]


def searcher_hash(identity: str) -> str:
    """The keyed hash of ``u:<id>`` or ``s:<session id>``: 32 hex characters."""
    return hmac.new(_key(), identity.encode(), hashlib.sha256).hexdigest()[:32]


def is_logged_request() -> bool:
    """Whether this request's searches are logged: the log is on and the caller is not a robot."""
    if not current_app.config.get("SEARCH_LOG", True):
        return False
    return not _BOTS.search(request.headers.get("User-Agent", ""))


def guest_identity() -> str:
    """A guest's stand-in for a user id: the random id their session carries (given on the first
    logged search), or for a caller without a session (the API) their address and User-Agent."""
    if request.blueprint == "api":
        return f"a:{request.remote_addr}|{request.headers.get('User-Agent', '')}"
    sid = session.get(GUEST_ID)
    if not sid:
        sid = session[GUEST_ID] = secrets.token_urlsafe(16)
    return f"s:{sid}"


def record_search(*, text: str, results: int, filtered: bool, user_id: int | None,
                  kelurahan_code: str | None, when: datetime | None = None) -> bool:
    """Log one first-page search (see the module docstring) and commit. Returns whether it was kept.

    Never raises: a failed write is logged and rolled back, and the search is answered all the same.
    """
    term = normalise(text)
    if term is None:
        return False
    identity = f"u:{user_id}" if user_id is not None else guest_identity()
    day = (when or datetime.now(WIB)).astimezone(WIB).date()
    try:
        if db.session.get_bind().dialect.name == "postgresql":
            # A search lost to a crash in the next instant costs the map nothing; waiting for the WAL's
            # flush would cost every searcher a disk write.
            db.session.execute(sql_text("SET LOCAL synchronous_commit TO OFF"))
        db.session.execute(insert(SearchLog).values(
            day=day, term=term, results=int(results), filtered=filtered, kelurahan_code=kelurahan_code,
            searcher=searcher_hash(identity), rolled_up=False))
        db.session.commit()
    except Exception:  # the log must never cost a searcher their answer
        db.session.rollback()
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
    return bool(query.text.strip()) and query.page == 1 and is_logged_request()


def log_search(query: SearchQuery, total: int, user: User | None) -> bool:
    """Log a search the request made (call only when :func:`is_logged_search`). See :func:`record_search`."""
    kelurahan = home_kelurahan_code(user) if user is not None else guest_kelurahan()
    return record_search(text=query.text, results=total, filtered=bool(query.filters()),
                         user_id=user.id if user is not None else None, kelurahan_code=kelurahan)
