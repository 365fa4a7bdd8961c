"""Engine tuning (SQLite in WAL mode with a busy timeout, foreign keys on, reads kept in memory), and prebuilt reads."""
from __future__ import annotations

import atexit
import keyword
import weakref
from collections import namedtuple
from collections.abc import Callable, Sequence
from functools import partial
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
    app.teardown_request(_close_request_connection)
    with app.app_context():
        engine: Engine = db.engine
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)
        atexit.register(_close_connections, [weakref.ref(each) for each in db.engines.values()])


def _close_connections(engines: list[weakref.ref[Engine]]) -> None:
    """At exit, close the pooled connections (SQLite checkpoints its WAL and removes it when the last one closes).

    In a command the engines are made while the app is wired, so they are frozen out of the garbage
    collector's reach (:mod:`shop.startup`), and the collection that ends the interpreter no longer
    frees them; elsewhere this only does earlier what that collection would.
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


_ROW_TYPES: WeakKeyDictionary[Compiled, Callable[[Any], tuple] | None] = WeakKeyDictionary()


def _row_type(keys: Sequence[str]) -> Callable[[Any], tuple] | None:
    """A maker of plain named tuples for rows with these column names; None when a name cannot be one.

    A SQLAlchemy ``Row`` answers ``row.title`` from its ``__getattr__``, after the ordinary attribute
    lookup has failed: on Python 3.11 every such read builds and normalises an ``AttributeError``
    first (about 1.1 µs, against 0.04 µs for a named tuple's field), and templates read a few
    hundred fields a page. A named tuple behaves as the row does for every use made of these rows
    (fields by name and by index, unpacking, equality); names that are not plain identifiers, or
    that repeat, keep the ``Row`` (where a repeated name is an error only when read).
    """
    names = list(keys)
    if (len(set(names)) != len(names)
            or not all(n.isidentifier() and not keyword.iskeyword(n) and not n.startswith("_") for n in names)):
        return None
    return partial(tuple.__new__, namedtuple("PrebuiltRow", names))


def request_connection() -> Any:
    """The connection a request's reads run on, looked up once per request and kept on the request context.

    While the request's ORM session has no transaction (a public page that only reads: nothing
    flushed, nothing loaded through the ORM), that is a connection of the engine's own, given back
    when the request ends (:func:`_close_request_connection`): taking the session's would build the
    session and its transaction for nothing, about 80 µs against 20 µs, a twentieth of a product page.
    Once the session has one (it flushed changes, or loaded something), reads move to the session's
    connection, so they see what this transaction wrote, as they always did. A commit gives that
    connection back to the pool; the next read looks it up again. Outside a request (commands, the
    worker) it is always the session's.
    """
    ctx = _cv_request.get(None)
    if ctx is None:
        return db.session.connection()
    connection = getattr(ctx, "storefront_connection", None)
    registry = db.session.registry
    if registry.has() and registry().in_transaction():
        if connection is None or connection.closed or not ctx.storefront_in_session:
            connection = ctx.storefront_connection = db.session.connection()
            ctx.storefront_in_session = True
    elif connection is None or connection.closed or ctx.storefront_in_session:
        connection = getattr(ctx, "storefront_own_connection", None)
        if connection is None or connection.closed:
            connection = ctx.storefront_own_connection = db.engine.connect()
        ctx.storefront_connection = connection
        ctx.storefront_in_session = False
    return connection


def _close_request_connection(_exc: BaseException | None = None) -> None:
    """Give back the engine connection :func:`request_connection` took for this request, if it took one."""
    ctx = _cv_request.get(None)
    connection = getattr(ctx, "storefront_own_connection", None)
    if connection is not None:
        ctx.storefront_own_connection = None
        connection.close()


def prebuilt_rows(statement, **params: Any) -> list[Any]:
    """Run a prebuilt Core statement on the session's connection (same transaction).

    Callers build their statements once at import: building a select and going through the
    ORM session cost more than the query itself on the public pages. The connection is
    :func:`request_connection`'s. The statement is compiled once per dialect and run
    compiled: ``Connection.execute`` would look its compiled form up in the engine's cache on every
    run, hashing the whole cache key (every column and literal of the statement) to find it.
    The rows come back as named tuples (:func:`_row_type`): read field by field in the templates.
    """
    connection = request_connection()
    compiled = _compiled(statement, connection.dialect)
    result = connection._execute_compiled(compiled, [params])
    try:
        make = _ROW_TYPES[compiled]
    except KeyError:
        make = _ROW_TYPES[compiled] = _row_type(result.keys())
    rows = result.all()
    return list(map(make, rows)) if make is not None else rows
