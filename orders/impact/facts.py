"""Keeping :class:`OrderFact` rows in step with the orders.

Every flush that places an order, or changes an order's status, amount or partner, or moves a
sentra to another kelurahan, adds a :class:`StaleBuyer` row for each buyer concerned (a listener
on the session: no caller has to remember). :func:`refresh` rebuilds those buyers' rows from
their orders and removes exactly the marks it read, so a mark added meanwhile is kept for the
next run. The impact report refreshes first, so its figures are always those of the orders; the
worker refreshes every minute so the report rarely has anything to do.

Refreshes run one at a time: a refresh that finds marks takes the refresh lock (a transaction-
scoped advisory lock on PostgreSQL, the write lock on SQLite) and only then reads the marks and
the orders. Without it, a refresh that read a buyer's orders before a change committed could
write its stale rows after a later refresh had written the right ones, and consume the mark
that would have repaired them. The lock is only taken when there is work, so reports with
nothing stale never wait.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import delete, event, func, insert, inspect, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from orders.core.models import Checkout, Order
from orders.core.status import NOT_SOLD
from orders.impact.models import OrderFact, StaleBuyer
from shop.db import WIB
from shop.extensions import db
from shop.places.models import Kelurahan
from shop.sentras.models import Sentra

# What the facts copy from an order: a change to any of these may make its buyer stale.
WATCHED = ("status", "total_idr", "refunded_idr", "partner_id", "sentra_id", "buyer_id")
LEVELS = ("kel", "kec", "city")
BATCH = 500
REFRESH_LOCK = 0x1A7C_0001  # the advisory lock key of fact refreshes (PostgreSQL)


def wib_month(moment: datetime) -> str:
    """``YYYY-MM`` in WIB of an aware datetime, whatever zone the database handed it back in."""
    return moment.astimezone(WIB).strftime("%Y-%m")


# --- marking ------------------------------------------------------------------------------------


def counted(status: str | None) -> bool:
    return status not in NOT_SOLD


def _order_changes_facts(order: Order) -> bool:
    """Whether this flush of ``order`` may change its buyer's facts (a status change within the
    counted ones, or any change to an order that is not counted, cannot)."""
    state = inspect(order)
    status = state.attrs.status.history
    if status.has_changes() and (not status.deleted or counted(status.deleted[0]) != counted(order.status)):
        return True  # into or out of the counted orders (or from a value never loaded: be safe)
    return counted(order.status) and any(state.attrs[name].history.has_changes() for name in WATCHED[1:])


@event.listens_for(Session, "after_flush")
def _mark_stale(session: Session, _context) -> None:
    buyers: set[int] = set()
    moved_sentras: list[int] = []
    for obj in session.new:
        if isinstance(obj, Order) and obj.buyer_id is not None and counted(obj.status):
            buyers.add(obj.buyer_id)  # an order awaiting payment joins the facts when it is paid
    for obj in session.deleted:
        if isinstance(obj, Order) and obj.buyer_id is not None:
            buyers.add(obj.buyer_id)  # its fact goes with it (cascade); the buyer's later ones move up
    for obj in session.dirty:
        if isinstance(obj, Order) and _order_changes_facts(obj):
            buyers.add(obj.buyer_id)
            buyers.update(old for old in inspect(obj).attrs.buyer_id.history.deleted if old is not None)
        elif isinstance(obj, Sentra) and inspect(obj).attrs.kelurahan_code.history.has_changes():
            moved_sentras.append(obj.id)
    if not buyers and not moved_sentras:
        return
    connection = session.connection()
    if buyers:
        connection.execute(insert(StaleBuyer), [{"buyer_id": buyer} for buyer in sorted(buyers)])
    if moved_sentras:
        connection.execute(insert(StaleBuyer).from_select(
            ["buyer_id"], select(Order.buyer_id).where(Order.sentra_id.in_(moved_sentras)).distinct()))


def mark_all() -> int:
    """Mark every buyer who ever ordered stale (after a bulk load, or to rebuild). Returns how many."""
    result = db.session.execute(insert(StaleBuyer).from_select(
        ["buyer_id"], select(Order.buyer_id).distinct()))
    db.session.flush()
    return result.rowcount or 0


# --- refreshing -----------------------------------------------------------------------------------


def refresh() -> int:
    """Rebuild the facts of every stale buyer. Flushes; returns how many buyers were rebuilt."""
    done = 0
    while batch := refresh_batch():
        done += batch
    return done


def refresh_batch(size: int = BATCH) -> int:
    """Rebuild the facts of up to ``size`` marks' buyers and consume those marks (0: none left). Flushes.

    Holds the refresh lock from the first batch that finds work until the transaction ends.
    """
    if db.session.scalar(select(StaleBuyer.id).limit(1)) is None:
        return 0
    _lock_refresh()
    marks = db.session.execute(select(StaleBuyer.id, StaleBuyer.buyer_id).order_by(StaleBuyer.id).limit(size)).all()
    if not marks:
        return 0  # another refresh took them while this one waited for the lock
    buyers = {buyer for _id, buyer in marks}
    rebuild_buyers(buyers)
    # Exactly the marks read: one added meanwhile (its order perhaps not yet visible here) stays.
    db.session.execute(delete(StaleBuyer).where(StaleBuyer.id.in_([mark_id for mark_id, _ in marks])))
    db.session.flush()
    return len(buyers)


def _lock_refresh() -> None:
    """Wait for, and hold until the transaction ends, the right to refresh (see the module docstring)."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(select(func.pg_advisory_xact_lock(REFRESH_LOCK)))
    else:  # a write that changes nothing: SQLite's write lock, which a transaction otherwise takes late
        db.session.execute(update(StaleBuyer).where(StaleBuyer.id < 0).values(buyer_id=StaleBuyer.buyer_id)
                           .execution_options(synchronize_session=False))


def rebuild_buyers(buyers: Iterable[int]) -> None:
    """Make the facts of ``buyers`` exactly those their counted orders call for."""
    buyers = sorted(set(buyers))
    if not buyers:
        return
    result = db.session.execute(
        select(Order.id, Order.buyer_id, Order.checkout_id, Order.sentra_id, Order.created_at,
               Order.refundable_idr, Order.partner_id.is_not(None),
               Checkout.kelurahan_code.is_not(None), Sentra.kelurahan_code, Kelurahan.kecamatan_code)
        .join(Checkout, Checkout.id == Order.checkout_id)
        .join(Sentra, Sentra.id == Order.sentra_id)
        .join(Kelurahan, Kelurahan.code == Sentra.kelurahan_code)
        .where(Order.buyer_id.in_(buyers), Order.status.not_in(NOT_SOLD))
        .order_by(Order.buyer_id, Order.created_at, Order.id)
    )
    rows = _fact_rows(result)
    # Facts of orders that no longer count (a subquery, not a list: a batch may hold any number of orders).
    db.session.execute(delete(OrderFact).where(OrderFact.buyer_id.in_(buyers), OrderFact.order_id.not_in(
        select(Order.id).join(Sentra, Sentra.id == Order.sentra_id)
        .where(Order.buyer_id.in_(buyers), Order.status.not_in(NOT_SOLD), Sentra.kelurahan_code.is_not(None)))))
    if rows:
        _upsert(rows)
    db.session.flush()


def _fact_rows(orders: Iterable) -> list[dict]:
    """The fact rows of counted orders given in each buyer's time order (created_at, then id).

    At each level a buyer *returns* at their first order there from another checkout than that of
    their first order there: one checkout split into orders from several sentras is one purchase.
    Every row of the buyer there carries that moment (``*_returned_at``), earlier rows too.
    """
    rows: list[tuple[dict, list[tuple]]] = []  # a row and its (level, place, buyer) keys
    history: dict[tuple, list] = {}  # (level, place, buyer) -> [last at, last at to Bekasi, first checkout]
    returned: dict[tuple, datetime] = {}  # (level, place, buyer) -> when they returned there
    for order_id, buyer_id, checkout_id, sentra_id, created_at, gmv, partner, bekasi, kel, kec in orders:
        row = {"order_id": order_id, "buyer_id": buyer_id, "sentra_id": sentra_id, "created_at": created_at,
               "month": wib_month(created_at), "gmv_idr": int(gmv), "partner": bool(partner), "bekasi": bool(bekasi)}
        keys = [(level, place, buyer_id) for level, place in zip(LEVELS, (kel, kec, None), strict=True)]
        for key in keys:
            level = key[0]
            seen = history.setdefault(key, [None, None, checkout_id])
            if checkout_id != seen[2]:
                returned.setdefault(key, created_at)
            row[f"{level}_prev_at"], row[f"{level}_prev_bekasi_at"] = seen[0], seen[1]
            seen[0] = created_at
            if bekasi:
                seen[1] = created_at
        rows.append((row, keys))
    for row, keys in rows:
        row.update({f"{key[0]}_returned_at": returned.get(key) for key in keys})
    return [row for row, _keys in rows]


def _upsert(rows: list[dict]) -> None:
    table = OrderFact.__table__  # Core, not the ORM's bulk path: one executemany per chunk
    dialect = db.session.get_bind().dialect.name
    statement = (postgresql if dialect == "postgresql" else sqlite).insert(table)
    statement = statement.on_conflict_do_update(
        index_elements=[table.c.order_id],
        set_={column.name: statement.excluded[column.name] for column in table.columns if column.name != "order_id"})
    connection = db.session.connection()
    for start in range(0, len(rows), 1000):
        connection.execute(statement, rows[start:start + 1000])


def run_refresh_impact_facts() -> None:
    """The worker's periodic task: bring the facts up to date, committing batch by batch (a rebuild of
    every buyer after an upgrade neither holds one long transaction nor loses its progress)."""
    while refresh_batch():
        db.session.commit()
    db.session.commit()
