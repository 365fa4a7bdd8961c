"""Versions of the public pages, kept in the database and moved in the same transaction as the change.

A cached page records the scopes it depends on (always :data:`SITE`, plus e.g. ``sentra:12``)
and the sum of their versions when it was built; it is served only while that sum is still
current. Versions only grow, so a sum changes whenever one of its scopes moves.

Writers never touch versions themselves. Whoever knows what a change means for the public
pages *notes* it on the session (:func:`note_scopes`, or :func:`note_ids` with a kind whose
resolver turns ids into scopes at commit, e.g. variant ids into their sentra and category);
just before the outermost commit the pending ORM changes are flushed, the notes resolved and
every noted scope bumped in one statement, in scope order (the last rows a transaction locks,
always in the same order: two writers never wait on each other in a cycle, and a checkout holds
its sentra's row only while it commits). A rollback drops the notes with the changes. So the
change and its new version commit together, whichever process (a web worker, the CLI, the
outbox worker) made it.

Reading is the hit path's one query: :class:`VersionReader` keeps its own autocommit
connection per process and thread, outside SQLAlchemy's pool.
"""
from __future__ import annotations

import functools
import logging
import os
import random
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib import import_module
from typing import Any

from sqlalchemy import bindparam, event, inspect
from sqlalchemy.engine import Dialect, Engine
from sqlalchemy.orm import Session

from shop.pagecache.models import PageVersion

log = logging.getLogger(__name__)

SITE = "site"
"""The scope every page depends on: what no narrower scope explains (reference data, bulk writes)."""

EXPLAINED = "page_versions_explained"
"""Execution option of a bulk write whose page changes are noted otherwise (or that changes nothing
shown): the stock UPDATEs, noted through their stock movements; a no-op UPDATE that takes a lock."""

Resolver = Callable[[Session, set[int]], Iterable[str]]
_resolvers: dict[str, Resolver] = {}
_NOTES = "page_version_notes"
_STEP = 1 << 16  # a bump adds 1..65536
_START = (1 << 32, 1 << 40)  # a new row starts somewhere in here; sums of a few stay far below 2**63


@dataclass
class _Notes:
    scopes: set[str] = field(default_factory=set)
    ids: dict[str, set[int]] = field(default_factory=dict)
    committing: bool = False  # the commit's bump ran: a later note (a late flush) bumps at once


def register_resolver(kind: str, resolver: Resolver) -> None:
    """``resolver(session, ids)`` gives the scopes of the ids noted as ``kind`` (run at commit)."""
    _resolvers[kind] = resolver


def _notes(session: Session) -> _Notes:
    notes = session.info.get(_NOTES)
    if notes is None:
        notes = session.info[_NOTES] = _Notes()
    return notes


def note_scopes(session: Session, *scopes: str) -> None:
    """These scopes' pages change with this transaction."""
    notes = _notes(session)
    notes.scopes.update(scopes)
    if notes.committing:
        _bump(session, notes)


def note_ids(session: Session, kind: str, ids: Iterable[int]) -> None:
    """The pages of these rows (``kind`` names their resolver) change with this transaction."""
    if kind not in _resolvers:
        raise KeyError(f"no page-version resolver for {kind!r}")
    notes = _notes(session)
    notes.ids.setdefault(kind, set()).update(i for i in ids if i is not None)
    if notes.committing:
        _bump(session, notes)


def _upsert(session: Session):
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert


def _scopes_to_bump(session: Session, notes: _Notes) -> list[str]:
    """Every noted scope, resolved and in lock order (empty: nothing to bump); clears the notes."""
    scopes = set(notes.scopes)
    for kind, ids in notes.ids.items():
        if ids:
            scopes.update(_resolvers[kind](session, ids))
    notes.scopes.clear()
    notes.ids.clear()
    if not scopes or not _has_table(session):
        return []
    return sorted(scopes)


def _bump_statement(session: Session, notes: _Notes) -> Any | None:
    """The statement that bumps every noted scope (None: nothing to bump); clears the notes."""
    scopes = _scopes_to_bump(session, notes)
    if not scopes:
        return None
    return _upsert_versions(_upsert(session), [{"scope": scope, "version": _start()} for scope in scopes])


def _start() -> int:
    return random.randrange(*_START)


def _upsert_versions(insert: Any, rows: Any) -> Any:
    statement = insert(PageVersion).values(rows)
    return statement.on_conflict_do_update(
        index_elements=[PageVersion.scope],
        set_={"version": PageVersion.version + statement.excluded.version % _STEP + 1},
    )


@functools.cache
def _driver_bump_sql(dialect: Dialect, count: int) -> tuple[str, dict[str, Any]]:
    """The bump of ``count`` scopes as the driver's SQL, with parameters ``bump_scope_<i>``/``bump_version_<i>``:
    compiled once per size (a checkout bumps two to four scopes), not once per checkout."""
    rows = [{"scope": bindparam(f"bump_scope_{i}", type_=PageVersion.scope.type),
             "version": bindparam(f"bump_version_{i}", type_=PageVersion.version.type)} for i in range(count)]
    insert = import_module(f"sqlalchemy.dialects.{dialect.name}").insert
    compiled = _upsert_versions(insert, rows).compile(dialect=dialect)
    return str(compiled), dict(compiled.params)  # the params hold the statement's own constants


def _bump(session: Session, notes: _Notes) -> None:
    statement = _bump_statement(session, notes)
    if statement is not None:
        session.connection().execute(statement)


def bump_for_driver_commit(session: Session) -> tuple[str, dict[str, Any]] | None:
    """The noted bump as the driver's SQL and parameters, for a COMMIT sent past the session.

    ``catalog.stock`` commits a checkout's reservation through the driver's pipeline; it sends
    this (when not None) after its own statements and before that COMMIT, so the versions still
    move in the change's transaction, locked last. Flushes first; the notes are then spent, and
    the session's own commit afterwards has nothing left to bump.
    """
    if session.new or session.dirty or session.deleted:
        session.flush()
    notes = session.info.get(_NOTES)
    scopes = [] if notes is None else _scopes_to_bump(session, notes)
    if not scopes:
        return None
    sql, constants = _driver_bump_sql(session.get_bind().dialect, len(scopes))
    params = dict(constants)
    for i, scope in enumerate(scopes):
        params[f"bump_scope_{i}"], params[f"bump_version_{i}"] = scope, _start()
    return sql, params


_databases_with_table: set[str] = set()


def _has_table(session: Session) -> bool:
    """Whether the schema has the table yet (not while an old schema is being upgraded); asked once per database."""
    url = str(session.get_bind().url)
    if url in _databases_with_table:
        return True
    if not inspect(session.connection()).has_table(PageVersion.__tablename__):
        return False
    _databases_with_table.add(url)
    return True


def _before_commit(session: Session) -> None:
    if session.in_nested_transaction():  # a savepoint's release: the outermost commit bumps
        return
    if session.new or session.dirty or session.deleted:
        session.flush()  # the changes still pending are noted by the flush events
    notes = session.info.get(_NOTES)
    if notes is None:
        return
    _bump(session, notes)
    notes.committing = True


def _after_transaction_end(session: Session, transaction: Any) -> None:
    if transaction.parent is None:
        session.info.pop(_NOTES, None)


_listening = False


def listen() -> None:
    """Bump noted versions at every commit of every session (once per process)."""
    global _listening
    if not _listening:
        event.listen(Session, "before_commit", _before_commit)
        event.listen(Session, "after_transaction_end", _after_transaction_end)
        _listening = True


class VersionReader:
    """Reads versions on a connection of its own (autocommit, one per process and thread).

    The hit path runs before Flask opens a session, so it must not take one from the pool; a
    forked worker opens its own connection (the parent's is never shared).
    """

    def __init__(self, engine: Engine) -> None:
        self._dialect = engine.dialect
        self._url = engine.url
        self._local = threading.local()
        self._mark = "?" if engine.dialect.paramstyle == "qmark" else "%s"
        self._sum_sql: dict[int, str] = {}

    def _connection(self) -> Any:
        local = self._local
        connection = getattr(local, "connection", None)
        if connection is not None and local.pid == os.getpid():
            return connection
        args, kwargs = self._dialect.create_connect_args(self._url)
        connection = self._dialect.loaded_dbapi.connect(*args, **kwargs)
        if self._dialect.name == "sqlite":
            connection.isolation_level = None  # autocommit: every read sees the latest commit
            connection.execute("PRAGMA busy_timeout=15000")
        else:
            connection.autocommit = True
        local.connection, local.pid = connection, os.getpid()
        return connection

    def _query(self, sql: str, params: tuple[str, ...]) -> list[tuple[Any, ...]]:
        try:
            cursor = self._connection().cursor()
            try:
                cursor.execute(sql, params)
                return cursor.fetchall()
            finally:
                cursor.close()
        except Exception:
            self.close()  # the next call opens a new one
            raise

    def version(self, scopes: tuple[str, ...]) -> int:
        """The sum of these scopes' versions (0 for scopes never bumped)."""
        sql = self._sum_sql.get(len(scopes))
        if sql is None:
            marks = ", ".join([self._mark] * len(scopes))
            sql = self._sum_sql[len(scopes)] = (
                f"SELECT COALESCE(SUM(version), 0) FROM page_version WHERE scope IN ({marks})")
        return int(self._query(sql, scopes)[0][0])

    def snapshot(self) -> dict[str, int]:
        """Every scope's version (read before a page's data, so the page is at least this new)."""
        return {scope: int(version) for scope, version in self._query("SELECT scope, version FROM page_version", ())}

    def close(self) -> None:
        connection = getattr(self._local, "connection", None)
        self._local.connection = None
        if connection is not None:
            try:
                connection.close()
            except Exception:  # already broken
                log.debug("closing the page-version connection failed", exc_info=True)


def version_of(snapshot: dict[str, int], scopes: tuple[str, ...]) -> int:
    """What :meth:`VersionReader.version` said for ``scopes`` when ``snapshot`` was read."""
    return sum(snapshot.get(scope, 0) for scope in scopes)
