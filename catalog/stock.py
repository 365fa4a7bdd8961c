"""The only way a variant's stock changes. Every change writes a stock movement.

Reservation is one conditional UPDATE (``... SET stock = stock - :n WHERE id = :id
AND stock >= :n``), so two buyers can never take the same last unit, on SQLite and
PostgreSQL alike, without a global lock. Several variants are taken in ascending
id order so two checkouts cannot deadlock on PostgreSQL.

The functions flush through the session's connection and never commit.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from blinker import Namespace
from sqlalchemy import bindparam, insert, select, update

from catalog.products.models import StockMovement, StockReason, Variant
from shop.extensions import db
from shop.pagecache.versions import EXPLAINED

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


def reserve_lines(lines: Iterable[tuple[int, int, int | None]], *, actor_id: int | None = None) -> None:
    """Reserve ``(variant_id, quantity, order_id)`` lines for several orders at once (a checkout).

    One conditional UPDATE per line, in ascending variant id order (the lock order of every
    checkout), then all their movements in one INSERT. Products with a variant that runs out
    are announced through :data:`products_emptied` ("in stock" changed). Flushes.

    :raise InsufficientStockError: a line asks for more than its variant has; the caller
        rolls back what was already taken.
    :raise InvalidQuantityError: a quantity is not a positive integer.
    """
    items = sorted(((vid, _positive(qty), oid) for vid, qty, oid in lines), key=lambda item: item[0])
    if not items:
        return
    db.session.flush()
    movements: list[dict] = []
    emptied: set[int] = set()
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
                          "order_id": order_id, "note": None})
        if stock_after == 0:
            emptied.add(product_id)
        _refresh(variant_id)
    db.session.execute(insert(StockMovement), movements)
    if emptied:
        products_emptied.send(None, product_ids=emptied)


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
