"""The worker's side of the potential map: rolling up the search log, the orders, and pruning.

:func:`roll_up_searches` takes the log rows not yet counted (in id order, a batch at a time) into
:class:`SearcherDay` and :class:`UnmetDay` and marks them counted, in one transaction per batch.
A row that arrives late for an earlier day is merged like any other: the ``prev_day`` of every
later row of the same searcher (and place, and term) is recomputed, so counts stay exact.

:func:`refresh_orders` rebuilds the order rollup of every stale day (:mod:`orders.potential.stale`)
from the orders themselves, each buyer placed where they live today (:mod:`shop.accounts.home`).

:func:`prune` deletes log rows and search rollup rows older than ``SEARCH_LOG_DAYS`` (default 400):
the searcher hashes go with them. Both rollups run one at a time (the same lock as
:mod:`orders.impact.facts` uses, with its own key): a row counted twice would be a wrong figure.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from datetime import UTC, date, datetime, time, timedelta

from flask import current_app
from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from catalog.products.models import Product
from catalog.search.log import SearchLog
from orders.core.models import Order, OrderLine
from orders.core.status import NOT_SOLD
from orders.potential.models import (
    CITY,
    DemandDay,
    DemandMonth,
    ElsewhereItemDay,
    OrderDay,
    SearcherDay,
    StaleOrderDay,
    UnmetDay,
    UnmetTermDay,
    UnmetTermMonth,
    bump_rollup_version,
    month_number,
)
from orders.potential.stale import wib_day
from shop.accounts.home import home_kelurahan_codes
from shop.db import WIB
from shop.extensions import db
from shop.places.models import Kelurahan
from shop.sentras.models import Sentra

SEARCH_BATCH = 5000
DAY_BATCH = 20
ROLLUP_LOCK = 0x1A7C_0022  # advisory lock key (PostgreSQL)
DEFAULT_LOG_DAYS = 400


def _lock() -> None:
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(select(func.pg_advisory_xact_lock(ROLLUP_LOCK)))
    else:  # a write that changes nothing takes SQLite's write lock now rather than at the first insert
        db.session.execute(update(StaleOrderDay).where(StaleOrderDay.id < 0).values(day=StaleOrderDay.day)
                           .execution_options(synchronize_session=False))


def _upsert(model: type, rows: list[dict], keys: list[str]) -> None:
    if not rows:
        return
    table = model.__table__
    dialect = db.session.get_bind().dialect.name
    statement = (postgresql if dialect == "postgresql" else sqlite).insert(table)
    statement = statement.on_conflict_do_update(
        index_elements=keys, set_={name: statement.excluded[name] for name in ("searches", "prev_day")})
    connection = db.session.connection()
    for start in range(0, len(rows), 1000):
        connection.execute(statement, rows[start:start + 1000])


# --- searches ---------------------------------------------------------------------------------------


def _kecamatan_of() -> dict[str, str]:
    return dict(db.session.execute(select(Kelurahan.code, Kelurahan.kecamatan_code)).tuples().all())


def roll_up_searches(size: int = SEARCH_BATCH) -> int:
    """Count up to ``size`` log rows not yet counted into the rollup. Flushes; returns how many (0: none)."""
    if db.session.scalar(select(SearchLog.id).where(SearchLog.rolled_up.is_(False)).limit(1)) is None:
        return 0
    _lock()
    logged = db.session.execute(
        select(SearchLog.id, SearchLog.day, SearchLog.term, SearchLog.results, SearchLog.filtered,
               SearchLog.kelurahan_code, SearchLog.searcher)
        .where(SearchLog.rolled_up.is_(False)).order_by(SearchLog.id).limit(size)).all()
    if not logged:
        return 0
    kecamatan = _kecamatan_of()
    demand: Counter = Counter()  # (place, searcher, day) -> searches
    unmet: Counter = Counter()  # (place, term, searcher, day) -> searches
    for _id, day, term, results, filtered, kelurahan, searcher in logged:
        kelurahan = kelurahan if kelurahan in kecamatan else None
        for place in (kelurahan, CITY):
            if place:
                demand[(place, searcher, day)] += 1
        if results == 0 and not filtered:
            for place in (kelurahan, kecamatan.get(kelurahan or ""), CITY):
                if place:
                    unmet[(place, term, searcher, day)] += 1
    _merge(SearcherDay, (DemandDay, DemandMonth), ("place", "searcher"), demand)
    _merge(UnmetDay, (UnmetTermDay, UnmetTermMonth), ("place", "term", "searcher"), unmet)
    ids = [row[0] for row in logged]
    for start in range(0, len(ids), 1000):
        db.session.execute(update(SearchLog).where(SearchLog.id.in_(ids[start:start + 1000]))
                           .values(rolled_up=True).execution_options(synchronize_session=False))
    bump_rollup_version()
    return len(logged)


def _merge(model: type, twins: tuple[type, type], group: tuple[str, ...], counts: Counter) -> None:
    """Add ``counts`` (keyed by ``group`` + day) to ``model``'s rows, set every ``prev_day`` right, and
    move the ``twins``' counts (by day, by month) by the same differences (see :mod:`orders.potential.models`)."""
    if not counts:
        return
    columns = [getattr(model, name) for name in group]
    wanted = {key[:-1] for key in counts}
    searchers = sorted({key[-1] for key in wanted})
    existing: dict[tuple, dict[date, list]] = defaultdict(dict)  # group -> day -> [searches, prev_day]
    for start in range(0, len(searchers), 500):
        rows = db.session.execute(select(*columns, model.day, model.searches, model.prev_day)
                                  .where(model.searcher.in_(searchers[start:start + 500])))
        for *key, day, searches, prev in rows:
            if tuple(key) in wanted:
                existing[tuple(key)][day] = [searches, prev]
    before = {(key, day): (searches, prev) for key, days in existing.items() for day, (searches, prev) in days.items()}
    added: dict[tuple, Counter] = defaultdict(Counter)
    for (*key, day), n in counts.items():
        added[tuple(key)][day] += n
    out: list[dict] = []
    deltas: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])  # twin key -> [searcher rows, searches] to add
    for key, new_days in added.items():
        days = existing[key]
        earliest = min(new_days)
        for day, n in new_days.items():
            days.setdefault(day, [0, None])[0] += n
        previous = None
        for day in sorted(days):
            searches, prev = days[day]
            if day >= earliest and (day in new_days or prev != previous):
                out.append({**dict(zip(group, key, strict=True)), "day": day, "searches": searches,
                            "prev_day": previous})
                old = before.get((key, day))
                if old is not None:
                    _move(deltas[(*key[:-1], day, month_number(old[1]))], -1, -old[0])
                _move(deltas[(*key[:-1], day, month_number(previous))], 1, searches)
            previous = day
    _upsert(model, out, ["day", *group])
    _add_to_twins(*twins, group[:-1], deltas)


def _move(delta: list[int], searchers: int, searches: int) -> None:
    delta[0] += searchers
    delta[1] += searches


def _add_to_twins(day_twin: type, month_twin: type, group: tuple[str, ...],
                  deltas: dict[tuple, list[int]]) -> None:
    """Add ``deltas`` (keyed by ``group`` + day + prev_month) to the day twin and, summed by month, to
    the month twin: both move together, so a month row is always the sum of its day rows."""
    by_month: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    for key, (searchers, searches) in deltas.items():
        _move(by_month[(*key[:-2], month_number(key[-2]), key[-1])], searchers, searches)
    _add_to(day_twin, "day", group, deltas)
    _add_to(month_twin, "month", group, by_month)


def _add_to(twin: type, period: str, group: tuple[str, ...], deltas: dict[tuple, list[int]]) -> None:
    rows = [{**dict(zip(group, key[:-2], strict=True)), period: key[-2], "prev_month": key[-1],
             "searchers": delta[0], "searches": delta[1]} for key, delta in deltas.items()]
    rows = [row for row in rows if row["searchers"] or row["searches"]]
    if not rows:
        return
    table = twin.__table__
    dialect = db.session.get_bind().dialect.name
    statement = (postgresql if dialect == "postgresql" else sqlite).insert(table)
    statement = statement.on_conflict_do_update(
        index_elements=[*group, period, "prev_month"],
        set_={"searchers": table.c.searchers + statement.excluded.searchers,
              "searches": table.c.searches + statement.excluded.searches})
    connection = db.session.connection()
    for start in range(0, len(rows), 1000):
        connection.execute(statement, rows[start:start + 1000])


# --- orders -------------------------------------------------------------------------------------------


def refresh_orders(batch: int = DAY_BATCH) -> int:
    """Rebuild the order rollup of up to ``batch`` marks' days. Flushes; returns how many days (0: none)."""
    if db.session.scalar(select(StaleOrderDay.id).limit(1)) is None:
        return 0
    _lock()
    marks = db.session.execute(select(StaleOrderDay.id, StaleOrderDay.day, StaleOrderDay.buyer_id)
                               .order_by(StaleOrderDay.id).limit(batch * 25)).all()
    if not marks:
        return 0
    days = {day for _id, day, _buyer in marks if day is not None}
    buyers = sorted({buyer for _id, _day, buyer in marks if buyer is not None})
    for start in range(0, len(buyers), 500):
        placed = db.session.scalars(select(Order.created_at).where(Order.buyer_id.in_(buyers[start:start + 500])))
        days.update(wib_day(moment) for moment in placed)
    for day in sorted(days):
        rebuild_day(day)
    db.session.execute(delete(StaleOrderDay).where(StaleOrderDay.id.in_([mark[0] for mark in marks])))
    bump_rollup_version()
    return len(days) or 1


def _wib_range(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(0), tzinfo=WIB).astimezone(UTC)
    return start, start + timedelta(days=1)


def rebuild_day(day: date) -> None:
    """Make the order rollup of ``day`` (WIB) exactly what its counted orders call for. Flushes."""
    start, end = _wib_range(day)
    db.session.execute(delete(OrderDay).where(OrderDay.day == day))
    db.session.execute(delete(ElsewhereItemDay).where(ElsewhereItemDay.day == day))
    orders = db.session.execute(
        select(Order.id, Order.buyer_id, Sentra.kelurahan_code)
        .join(Sentra, Sentra.id == Order.sentra_id)
        .where(Order.created_at >= start, Order.created_at < end, Order.status.not_in(NOT_SOLD),
               Sentra.kelurahan_code.is_not(None))).all()
    residents = home_kelurahan_codes(buyer for _id, buyer, _kel in orders)
    per_place: Counter = Counter()
    elsewhere: dict[int, str] = {}  # order id -> resident
    for order_id, buyer, sentra_kelurahan in orders:
        resident = residents.get(buyer)
        if resident is None:
            continue
        per_place[(resident, sentra_kelurahan)] += 1
        if resident != sentra_kelurahan:
            elsewhere[order_id] = resident
    items: Counter = Counter()
    ids = sorted(elsewhere)
    for begin in range(0, len(ids), 500):
        lines = db.session.execute(
            select(OrderLine.order_id, Product.subsector_code, OrderLine.title)
            .outerjoin(Product, Product.id == OrderLine.product_id)
            .where(OrderLine.order_id.in_(ids[begin:begin + 500])).distinct())
        for order_id, subsector, title in lines:
            items[(elsewhere[order_id], subsector or "", title)] += 1
    connection = db.session.connection()
    if per_place:
        connection.execute(OrderDay.__table__.insert(), [
            {"day": day, "resident": r, "sentra_kelurahan": s, "orders": n} for (r, s), n in per_place.items()])
    if items:
        connection.execute(ElsewhereItemDay.__table__.insert(), [
            {"day": day, "resident": r, "subsector": s, "title": t, "orders": n} for (r, s, t), n in items.items()])
    db.session.flush()


def mark_all_order_days() -> int:
    """Mark every day with an order stale (after a bulk load or an upgrade). Returns how many days."""
    days = {wib_day(moment) for moment in db.session.scalars(select(Order.created_at))}
    if days:
        db.session.execute(StaleOrderDay.__table__.insert(), [{"day": day} for day in sorted(days)])
    db.session.flush()
    return len(days)


# --- retention -----------------------------------------------------------------------------------------


def log_days() -> int:
    return int(current_app.config.get("SEARCH_LOG_DAYS") or DEFAULT_LOG_DAYS)


def prune(today: date | None = None) -> int:
    """Delete the search log and search rollup rows older than ``SEARCH_LOG_DAYS``. Flushes; returns
    how many log rows went."""
    cutoff = (today or datetime.now(WIB).date()) - timedelta(days=log_days())
    gone = db.session.execute(delete(SearchLog).where(SearchLog.day < cutoff)).rowcount or 0
    pruned = gone
    if db.session.scalar(select(DemandDay.day).where(DemandDay.day < cutoff).limit(1)) is not None \
            or db.session.scalar(select(UnmetTermDay.day).where(UnmetTermDay.day < cutoff).limit(1)) is not None:
        _lock()  # before the months move: a rollup's merge must not move them at the same time
        _take_off_months(DemandDay, DemandMonth, ("place",), cutoff)
        _take_off_months(UnmetTermDay, UnmetTermMonth, ("place", "term"), cutoff)
    for model in (SearcherDay, UnmetDay, DemandDay, UnmetTermDay):
        pruned += db.session.execute(delete(model).where(model.day < cutoff)).rowcount or 0
    if pruned:
        _lock()
        bump_rollup_version()
    db.session.flush()
    return gone


def _take_off_months(day_twin: type, month_twin: type, group: tuple[str, ...], cutoff: date) -> None:
    """Take the day twin's rows before ``cutoff`` (about to be deleted) off their months, and delete the
    month rows left empty: a month row stays the sum of the day rows that are kept."""
    columns = [getattr(day_twin, name) for name in group]
    deltas: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    for *key, day, prev_month, searchers, searches in db.session.execute(
            select(*columns, day_twin.day, day_twin.prev_month, day_twin.searchers, day_twin.searches)
            .where(day_twin.day < cutoff)):
        _move(deltas[(*key, month_number(day), prev_month)], -searchers, -searches)
    _add_to(month_twin, "month", group, deltas)
    db.session.execute(delete(month_twin).where(
        (month_twin.month < month_number(cutoff)) | ((month_twin.searchers == 0) & (month_twin.searches == 0))))


def run_potential_jobs() -> None:
    """The worker's periodic task: count new searches, rebuild stale order days, prune. Commits each batch."""
    while roll_up_searches():
        db.session.commit()
    while refresh_orders():
        db.session.commit()
    prune()
    db.session.commit()


def roll_up_all() -> None:
    """Everything the worker would do, now (tests, the bench, the CLI)."""
    run_potential_jobs()

