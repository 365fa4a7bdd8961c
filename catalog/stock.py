"""The only way a variant's stock changes. Every change writes a stock movement.

Reservation is one conditional UPDATE (``... SET stock = stock - :n WHERE id = :id
AND stock >= :n``), so two buyers can never take the same last unit, on SQLite and
PostgreSQL alike, without a global lock. Several variants are taken in ascending
id order so two checkouts cannot deadlock on PostgreSQL.

The functions flush through the session's connection and never commit, except
:func:`reserve_lines` when asked to (a retail checkout), which ends the caller's
transaction so the reserved rows are locked only while the database commits them.
"""
from __future__ import annotations

import functools
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from blinker import Namespace
from sqlalchemy import Integer, bindparam, insert, select, update
from sqlalchemy.engine import Dialect

from catalog.products.models import StockMovement, StockReason, Variant
from shop.db import utcnow
from shop.extensions import db
from shop.pagecache.versions import EXPLAINED, bump_for_driver_commit, note_ids

# The stock UPDATEs below change what the public pages show; the stock movements written with
# them name their variants, and the page cache reads those (catalog.storefront.freshness).
_MOVEMENTS_EXPLAIN = {"synchronize_session": False, EXPLAINED: True}

_signals = Namespace()
products_emptied = _signals.signal("products-emptied")
"""Sent with ``product_ids`` when a bulk reservation took the last unit of a variant of these
products. The bulk UPDATE bypasses the ORM, so the search index (which sits above the stock and
listens) could not see the change otherwise."""


class StockError(Exception):
    """Base class of stock errors."""


class InsufficientStockError(StockError):
    """Fewer units in stock than asked for (``available`` says how many there were)."""

    def __init__(self, variant_id: int, requested: int, available: int) -> None:
        super().__init__(f"variant {variant_id}: {requested} requested, {available} available")
        self.variant_id = variant_id
        self.requested = requested
        self.available = available


class InvalidQuantityError(StockError, ValueError):
    """A quantity that is zero, negative or not a whole number where a positive one is needed."""


@dataclass(frozen=True)
class Line:
    variant_id: int
    quantity: int


def _record(variant_id: int, sentra_id: int, delta: int, stock_after: int, reason: StockReason,
            actor_id: int | None, order_id: int | None, note: str | None) -> StockMovement:
    movement = StockMovement(
        variant_id=variant_id, sentra_id=sentra_id, delta=delta, stock_after=stock_after,
        reason=reason, actor_id=actor_id, order_id=order_id, note=(note or None) and note[:200],
    )
    db.session.add(movement)
    return movement


MAX_CHANGE = 1_000_000  # one change of more units than this is a typo, and would near INTEGER's limit


def _positive(quantity: int) -> int:
    if not isinstance(quantity, int) or isinstance(quantity, bool) or not 0 < quantity <= MAX_CHANGE:
        raise InvalidQuantityError(quantity)
    return quantity


def _apply(variant_id: int, delta: int, reason: StockReason, *, actor_id: int | None = None,
           order_id: int | None = None, note: str | None = None) -> StockMovement:
    """Add ``delta`` (may be negative) unless that would take stock below zero."""
    db.session.flush()  # pending ORM changes first, so the UPDATE sees them
    result = db.session.execute(
        update(Variant)
        .where(Variant.id == variant_id, Variant.stock + delta >= 0)
        .values(stock=Variant.stock + delta)
        .returning(Variant.stock, Variant.sentra_id)
        .execution_options(**_MOVEMENTS_EXPLAIN)
    ).first()
    if result is None:
        available = db.session.scalar(select(Variant.stock).where(Variant.id == variant_id))
        if available is None:
            raise StockError(f"no variant {variant_id}")
        raise InsufficientStockError(variant_id, -delta, available)
    stock_after, sentra_id = result
    movement = _record(variant_id, sentra_id, delta, stock_after, reason, actor_id, order_id, note)
    _refresh(variant_id)
    return movement


def _refresh(variant_id: int) -> None:
    """Loaded Variant objects must not keep showing the old number."""
    variant = db.session.identity_map.get((Variant, (variant_id,), None))
    if variant is not None:
        db.session.expire(variant, ["stock"])


def reserve(variant_id: int, quantity: int, *, order_id: int | None = None,
            actor_id: int | None = None) -> StockMovement:
    """Take ``quantity`` units for an order. Flushes.

    :raise InsufficientStockError: fewer units than ``quantity`` are in stock; nothing changes.
    :raise InvalidQuantityError: ``quantity`` is not a positive integer.
    """
    return _apply(variant_id, -_positive(quantity), StockReason.ORDER, actor_id=actor_id, order_id=order_id)


def reserve_many(lines: Iterable[Line], *, order_id: int | None = None,
                 actor_id: int | None = None) -> list[StockMovement]:
    """Reserve several variants, in ascending variant id order (no deadlocks). Flushes.

    All or nothing only together with the caller's transaction: on
    :class:`InsufficientStockError` the caller rolls back what was already taken.
    """
    merged: dict[int, int] = {}
    for line in lines:
        merged[line.variant_id] = merged.get(line.variant_id, 0) + _positive(line.quantity)
    return [reserve(vid, qty, order_id=order_id, actor_id=actor_id) for vid, qty in sorted(merged.items())]


def reserve_lines(lines: Iterable[tuple[int, int, int | None]], *, actor_id: int | None = None,
                  commit: bool = False) -> list[int]:
    """Reserve ``(variant_id, quantity, order_id)`` lines for several orders at once (a checkout).

    One conditional UPDATE per line, in ascending variant id order (the lock order of every
    checkout), each with its movement. Returns the ids of the variants it emptied. Flushes.

    Without ``commit``, products with a variant that runs out are announced through
    :data:`products_emptied` ("in stock" changed) at once.

    With ``commit=True`` the reservation ends the caller's transaction: it commits, so the
    variant rows stay locked only while the database runs the updates and the commit. On
    PostgreSQL the updates, their movements and the COMMIT go in one round trip (a pipeline):
    the rows are never locked while this process waits for a CPU. Nothing is announced; the
    caller passes the returned ids to :func:`announce_emptied` in its next transaction.

    :raise InsufficientStockError: a line asks for more than its variant has; nothing is
        reserved (with ``commit``, the transaction is rolled back; else the caller rolls back).
    :raise InvalidQuantityError: a quantity is not a positive integer.
    """
    items = sorted(((vid, _positive(qty), oid) for vid, qty, oid in lines), key=lambda item: item[0])
    db.session.flush()
    if commit and items and db.session.connection().dialect.name == "postgresql":
        return _reserve_and_commit_in_one_round_trip(items, actor_id)
    movements: list[dict] = []
    emptied: dict[int, int] = {}
    for variant_id, quantity, order_id in items:
        result = db.session.execute(
            update(Variant)
            .where(Variant.id == variant_id, Variant.stock >= quantity)
            .values(stock=Variant.stock - quantity)
            .returning(Variant.stock, Variant.sentra_id, Variant.product_id)
            .execution_options(**_MOVEMENTS_EXPLAIN)
        ).first()
        if result is None:
            available = db.session.scalar(select(Variant.stock).where(Variant.id == variant_id))
            if available is None:
                raise StockError(f"no variant {variant_id}")
            raise InsufficientStockError(variant_id, quantity, available)
        stock_after, sentra_id, product_id = result
        movements.append({"variant_id": variant_id, "sentra_id": sentra_id, "delta": -quantity,
                          "stock_after": stock_after, "reason": StockReason.ORDER.value, "actor_id": actor_id,
                          "order_id": order_id, "note": None, "created_at": utcnow()})
        if stock_after == 0:
            emptied[variant_id] = product_id
        _refresh(variant_id)
    if movements:
        db.session.execute(insert(StockMovement.__table__), movements)
    if commit:
        db.session.commit()
    elif emptied:
        products_emptied.send(None, product_ids=set(emptied.values()))
    return sorted(emptied)


def announce_emptied(variant_ids: Iterable[int]) -> None:
    """Announce through :data:`products_emptied` the products of these variants, which a
    reservation emptied (see :func:`reserve_lines` with ``commit``). Flushes; never commits."""
    ids = sorted(set(variant_ids))
    if ids:
        products_emptied.send(None, product_ids=set(db.session.scalars(
            select(Variant.product_id).where(Variant.id.in_(ids)))))


def _reserve_and_commit_in_one_round_trip(items: list[tuple[int, int, int | None]],
                                          actor_id: int | None) -> list[int]:
    """:func:`reserve_lines` with ``commit`` on PostgreSQL: one statement per line (the update and
    its movement), then COMMIT, sent together through psycopg's pipeline.

    A line that asks for more than its variant has breaks the variant's ``stock >= 0`` check
    (a variant that is gone, its movement's NOT NULL): the database refuses that statement and
    skips the rest, COMMIT included, so the reservation is all or nothing as the conditional
    updates are.
    """
    import psycopg  # the PostgreSQL driver: only imported where it is the one in use

    # The movements below bypass the session, so the page cache is told here; its version bump
    # rides in the pipeline, after the stock (the last rows locked) and before the COMMIT.
    note_ids(db.session, "variant", [variant_id for variant_id, _q, _o in items])
    bump = bump_for_driver_commit(db.session)
    connection = db.session.connection()
    driver = connection.connection.driver_connection
    statement = _take_and_record_sql(connection.dialect)
    now = utcnow()
    cursors = []
    try:
        with driver.pipeline():
            for variant_id, quantity, order_id in items:
                cursor = driver.cursor()
                cursor.execute(statement, {"variant_id": variant_id, "quantity": quantity, "delta": -quantity,
                                           "reason": StockReason.ORDER.value, "actor_id": actor_id,
                                           "order_id": order_id, "created_at": now})
                cursors.append(cursor)
            if bump is not None:
                driver.cursor().execute(*bump)
            # The COMMIT is queued as a statement, not driver.commit(): that one waits for its own
            # sync, and leaving the pipeline then sends another, a second round trip after the
            # COMMIT; queued, it goes with the pipeline's closing sync. A refused statement makes
            # the database skip it (the transaction is rolled back below).
            driver.cursor().execute("COMMIT")
    except (psycopg.errors.CheckViolation, psycopg.errors.NotNullViolation) as error:
        db.session.rollback()
        # The first statement without a result is the one the database refused.
        refused = next((item for item, cursor in zip(items, cursors, strict=False) if cursor.pgresult is None),
                       None)
        if refused is None or error.diag.constraint_name not in (_STOCK_CHECK, None):
            raise
        variant_id, quantity, _order_id = refused
        available = db.session.scalar(select(Variant.stock).where(Variant.id == variant_id))
        if available is None:
            raise StockError(f"no variant {variant_id}") from None
        raise InsufficientStockError(variant_id, quantity, available) from None
    except BaseException:
        db.session.rollback()
        raise
    db.session.commit()  # the session's own bookkeeping: the database has already committed
    return sorted({variant_id for (variant_id, _q, _o), cursor in zip(items, cursors, strict=True)
                   if cursor.fetchone()[0] == 0})


_STOCK_CHECK = "ck_variant_stock_not_negative"


class _RefusedPipelineNotice(logging.Filter):
    """psycopg logs a WARNING ("error ignored terminating ... pipeline aborted") when a pipeline
    ends after the database refused one of its statements. For the reservation that refusal is the
    expected answer (a line is short), raised and handled above: not a warning for the operator."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return not (message.startswith("error ignored terminating") and "pipeline aborted" in message)


logging.getLogger("psycopg").addFilter(_RefusedPipelineNotice())


@functools.cache
def _take_and_record_sql(dialect: Dialect) -> str:
    """``WITH taken AS (UPDATE variant ... RETURNING ...) INSERT INTO stock_movement VALUES (...)
    RETURNING stock_after``, compiled once for the pipeline (psycopg's ``%(name)s`` parameters).

    The movement reads the updated row through scalar subqueries: a variant that no longer
    exists leaves them NULL, which the movement's NOT NULL columns refuse (no silent skip).
    """
    taken = (
        update(Variant)
        .where(Variant.id == bindparam("variant_id", type_=Integer))
        .values(stock=Variant.stock - bindparam("quantity", type_=Integer))
        .returning(Variant.id, Variant.sentra_id, Variant.stock)
        .cte("taken")
    )
    movement = StockMovement.__table__
    statement = insert(movement).values(
        variant_id=select(taken.c.id).scalar_subquery(),
        sentra_id=select(taken.c.sentra_id).scalar_subquery(),
        delta=bindparam("delta", type_=Integer),
        stock_after=select(taken.c.stock).scalar_subquery(),
        reason=bindparam("reason", type_=movement.c.reason.type),
        actor_id=bindparam("actor_id", type_=Integer),
        order_id=bindparam("order_id", type_=Integer),
        created_at=bindparam("created_at", type_=movement.c.created_at.type),
    ).add_cte(taken).returning(movement.c.stock_after)
    return str(statement.compile(dialect=dialect))


def release(variant_id: int, quantity: int, *, reason: StockReason = StockReason.CANCEL,
            order_id: int | None = None, actor_id: int | None = None) -> StockMovement:
    """Give units back (a cancelled order, a return). Flushes."""
    if reason not in (StockReason.CANCEL, StockReason.RETURN):
        raise StockError(f"release takes cancel or return, not {reason}")
    return _apply(variant_id, _positive(quantity), reason, actor_id=actor_id, order_id=order_id)


def release_lines(lines: Iterable[Line], *, reason: StockReason = StockReason.CANCEL, order_id: int | None = None,
                  actor_id: int | None = None) -> list[StockMovement]:
    """Give back an order's reserved lines (a cancel, an expiry, a return), one movement per line,
    in ascending variant id order (the lock order of every reservation). Flushes.

    The order is only an id here: the catalog never imports orders.
    """
    return [release(line.variant_id, line.quantity, reason=reason, order_id=order_id, actor_id=actor_id)
            for line in sorted(lines, key=lambda line: line.variant_id)]


def restock(variant_id: int, quantity: int, *, actor_id: int | None = None,
            note: str | None = None) -> StockMovement:
    """Add newly made or bought units. Flushes."""
    return _apply(variant_id, _positive(quantity), StockReason.RESTOCK, actor_id=actor_id, note=note)


def adjust(variant_id: int, delta: int, reason: StockReason, *, actor_id: int | None = None,
           order_id: int | None = None, note: str | None = None) -> StockMovement:
    """Change stock by ``delta`` for ``reason`` (the API's stock endpoint). Flushes.

    :raise InsufficientStockError: the change would take stock below zero.
    """
    if not isinstance(delta, int) or isinstance(delta, bool) or delta == 0 or abs(delta) > MAX_CHANGE:
        raise InvalidQuantityError(delta)
    return _apply(variant_id, delta, StockReason(reason), actor_id=actor_id, order_id=order_id, note=note)


def set_stock(variant_id: int, new_stock: int, *, actor_id: int | None = None,
              note: str | None = None) -> StockMovement | None:
    """Set stock to an absolute count (a stock-take, a CSV import) through a correction. Flushes.

    Returns None when the count is already right. The row is locked while the
    difference is worked out, so a reservation in between is not overwritten.
    """
    if not isinstance(new_stock, int) or isinstance(new_stock, bool) or not 0 <= new_stock <= MAX_CHANGE:
        raise InvalidQuantityError(new_stock)
    db.session.flush()
    current = db.session.scalar(select(Variant.stock).where(Variant.id == variant_id).with_for_update())
    if current is None:
        raise StockError(f"no variant {variant_id}")
    if current == new_stock:
        return None
    return _apply(variant_id, new_stock - current, StockReason.CORRECTION, actor_id=actor_id, note=note)


def set_stock_many(targets: Mapping[int, int], *, reason: StockReason = StockReason.CORRECTION,
                   actor_id: int | None = None, note: str | None = None) -> int:
    """:func:`set_stock` for many variants at once (a CSV import): one movement per change. Flushes.

    The rows are read (locked on PostgreSQL) in ascending id order, then moved by
    their difference and their movements written in batches, so stock stays the
    sum of its movements. Variants already at their count get no movement.
    Returns how many movements were written.

    :raise InvalidQuantityError: a target is not a whole number, 0 or more.
    :raise StockError: a variant does not exist.
    """
    for new_stock in targets.values():
        if not isinstance(new_stock, int) or isinstance(new_stock, bool) or new_stock < 0:
            raise InvalidQuantityError(new_stock)
    if not targets:
        return 0
    db.session.flush()
    ids = sorted(targets)
    current: dict[int, tuple[int, int]] = {}
    for start in range(0, len(ids), 500):
        rows = db.session.execute(
            select(Variant.id, Variant.stock, Variant.sentra_id)
            .where(Variant.id.in_(ids[start:start + 500])).order_by(Variant.id).with_for_update()
        )
        current.update({vid: (count, sentra_id) for vid, count, sentra_id in rows})
    missing = set(ids) - current.keys()
    if missing:
        raise StockError(f"no variant {min(missing)}")
    changes = [(vid, targets[vid] - current[vid][0]) for vid in ids if targets[vid] != current[vid][0]]
    if not changes:
        return 0
    table = Variant.__table__
    # Relative updates, as _apply does: a movement's delta is what the row really moved by.
    db.session.execute(
        update(table).where(table.c.id == bindparam("vid")).values(stock=table.c.stock + bindparam("delta"))
        .execution_options(**{EXPLAINED: True}),
        [{"vid": vid, "delta": delta} for vid, delta in changes],
    )
    note = (note or None) and note[:200]
    db.session.execute(insert(StockMovement), [
        {"variant_id": vid, "sentra_id": current[vid][1], "delta": delta, "stock_after": targets[vid],
         "reason": StockReason(reason).value, "actor_id": actor_id, "order_id": None, "note": note}
        for vid, delta in changes
    ])
    for vid, _delta in changes:
        _refresh(vid)
    return len(changes)
