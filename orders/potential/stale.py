"""Marking the order rollup's days stale (:class:`~orders.potential.models.StaleOrderDay`).

A listener on every flush, as :mod:`orders.impact.facts` does for its facts: an order placed,
deleted, or changed in a way the rollup reads (into or out of the counted statuses, another sentra
or buyer) marks its day; a change to where someone lives (their chosen kelurahan, a delivery address
added, changed or removed) marks the buyer, whose days :func:`orders.potential.rollup.refresh_orders`
looks up; a sentra moved to another kelurahan marks every buyer of its orders.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import event, insert, inspect, select
from sqlalchemy.orm import Session

from orders.core.models import Order
from orders.core.status import NOT_SOLD
from orders.potential.models import StaleOrderDay
from shop.accounts.models import Address, User
from shop.db import WIB
from shop.sentras.models import Sentra

WATCHED = ("sentra_id", "buyer_id")


def wib_day(moment: datetime | None) -> date:
    return (moment or datetime.now(WIB)).astimezone(WIB).date()


def _counted(status: str | None) -> bool:
    return status not in NOT_SOLD


def _order_moves(order: Order) -> bool:
    state = inspect(order)
    status = state.attrs.status.history
    if status.has_changes() and (not status.deleted or _counted(status.deleted[0]) != _counted(order.status)):
        return True
    return _counted(order.status) and any(state.attrs[name].history.has_changes() for name in WATCHED)


def _moved_home(obj: object) -> int | None:
    """The user whose home this flush may move, if any."""
    if isinstance(obj, User) and inspect(obj).attrs.kelurahan_code.history.has_changes():
        return obj.id
    if isinstance(obj, Address) and inspect(obj).attrs.kelurahan_code.history.has_changes():
        return obj.user_id
    return None


@event.listens_for(Session, "after_flush")
def _mark_stale(session: Session, _context) -> None:
    days: set[date] = set()
    buyers: set[int] = set()
    sentras: list[int] = []
    for obj in session.new:
        if isinstance(obj, Order) and _counted(obj.status):
            days.add(wib_day(obj.created_at))
        elif isinstance(obj, Address) and obj.kelurahan_code:
            buyers.add(obj.user_id)
    for obj in session.deleted:
        if isinstance(obj, Order):
            days.add(wib_day(obj.created_at))
        elif isinstance(obj, Address) and obj.kelurahan_code:
            buyers.add(obj.user_id)
    for obj in session.dirty:
        if isinstance(obj, Order) and _order_moves(obj):
            days.add(wib_day(obj.created_at))
        elif isinstance(obj, Sentra) and inspect(obj).attrs.kelurahan_code.history.has_changes():
            sentras.append(obj.id)
        elif (user_id := _moved_home(obj)) is not None:
            buyers.add(user_id)
    if not days and not buyers and not sentras:
        return
    rows = [{"day": day, "buyer_id": None} for day in sorted(days)]
    rows += [{"day": None, "buyer_id": buyer} for buyer in sorted(b for b in buyers if b is not None)]
    connection = session.connection()
    if rows:
        connection.execute(insert(StaleOrderDay), rows)
    if sentras:
        connection.execute(insert(StaleOrderDay).from_select(
            ["buyer_id"], select(Order.buyer_id).where(Order.sentra_id.in_(sentras)).distinct()))
