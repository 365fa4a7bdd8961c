"""Engine tuning (SQLite in WAL mode with a busy timeout, foreign keys on, reads kept in memory), and prebuilt reads."""
from __future__ import annotations

import atexit
import weakref
from typing import Any
from weakref import WeakKeyDictionary

from flask import Flask
from flask.globals import _cv_request
from sqlalchemy import event
from sqlalchemy.engine import Dialect, Engine
from sqlalchemy.sql.compiler import Compiled

from shop.extensions import db


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    # Reads (search's facet scans above all) stay in memory: a 64 MiB page cache, the file
    # memory-mapped (256 MiB), and temporary tables and sorts in memory.
    cursor.execute("PRAGMA cache_size=-65536")
    cursor.execute("PRAGMA mmap_size=268435456")
    cursor.execute("PRAGMA temp_store=MEMORY")
    cursor.close()


def init_app(app: Flask) -> None:
    with app.app_context():
        engine: Engine = db.engine
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)
        atexit.register(_close_connections, [weakref.ref(each) for each in db.engines.values()])


def _close_connections(engines: list[weakref.ref[Engine]]) -> None:
    """At exit, close the pooled connections (SQLite checkpoints its WAL and removes it when the last one closes).

    The engines are made while the app is wired, so they are frozen out of the garbage collector's
    reach (:mod:`shop.startup`), and the collection that ends the interpreter no longer frees them.
    """
    for ref in engines:
        engine = ref()
        if engine is not None:
            engine.dispose()


_COMPILED: WeakKeyDictionary[Dialect, dict[Any, Compiled]] = WeakKeyDictionary()


def _compiled(statement: Any, dialect: Dialect) -> Compiled:
    """``statement`` compiled for ``dialect``, once per process (per engine's dialect)."""
    by_statement = _COMPILED.setdefault(dialect, {})
    compiled = by_statement.get(statement)
    if compiled is None:
        compiled = by_statement[statement] = statement.compile(dialect=dialect)
    return compiled


def request_connection() -> Any:
    """The session's connection (its transaction), looked up once per request and kept on the request context.

    Kept until a commit in the request gives it back to the pool; then looked up again (the search log
    no longer commits in the request: it writes after the response).
    """
    ctx = _cv_request.get(None)
    connection = getattr(ctx, "storefront_connection", None)
    if connection is None or connection.closed:  # once per request: the lookup costs as much as a small query
        connection = db.session.connection()
        if ctx is not None:
            ctx.storefront_connection = connection
    return connection


def prebuilt_rows(statement, **params: Any) -> list[Any]:
    """Run a prebuilt Core statement on the session's connection (same transaction).

    Callers build their statements once at import: building a select and going through the
    ORM session cost more than the query itself on the public pages. The connection is
    :func:`request_connection`'s. The statement is compiled once per dialect and run
    compiled: ``Connection.execute`` would look its compiled form up in the engine's cache on every
    run, hashing the whole cache key (every column and literal of the statement) to find it.
    """
    connection = request_connection()
    return connection._execute_compiled(_compiled(statement, connection.dialect), [params]).all()
