"""A booking's order completes by itself once its time has passed: a class's seats after its last
session, a facility's hours after the booked time (:mod:`orders.facilities.jobs`).

The sentra has nothing to hand over, so without this its inbox would hold every paid seat until
someone moved it by hand. Only paid orders whose every line is a booking complete; an order with
goods in it, an unpaid one (paid at the sentra, not yet recorded), a cancelled, expired or refunded
one is left alone. Completion goes through :func:`orders.core.lifecycle.complete`, so the ledger
credits the sentra once (its entry key is the order's).

Each order is handled in its own short transaction under the lock order of :mod:`orders.core.locks`
and checked again once locked, so a second worker, a cancellation or a refund in the meantime wins.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, exists, or_, select

from orders.classes.models import BookingStatus, ClassBooking, ClassStatus, TrainingClass
from orders.core import lifecycle
from orders.core.locks import lock_order
from orders.core.models import Order, OrderLine, PaymentStatus
from shop.extensions import db

NOTE = "completed automatically: the booked time has passed"
# Placed (or accepted) and paid: what a booking's order is while its time has not come yet.
OPEN = (lifecycle.S.PLACED, lifecycle.S.PROCESSING)
PAID = (PaymentStatus.PAID, PaymentStatus.PARTIALLY_REFUNDED)


def _only_bookings() -> ColumnElement[bool]:
    """The order holds no goods: no line of a product or variant."""
    return ~exists().where(OrderLine.order_id == Order.id,
                           or_(OrderLine.variant_id.is_not(None), OrderLine.product_id.is_not(None)))


def due_orders(booked_and_ended: ColumnElement[bool]) -> list[int]:
    """Ids of open, paid, goods-free orders for which ``booked_and_ended`` (an EXISTS on the order) holds."""
    return list(db.session.scalars(
        select(Order.id).where(Order.status.in_(OPEN), Order.payment_status.in_(PAID), _only_bookings(),
                               booked_and_ended).order_by(Order.id)))


def complete_ended(booked_and_ended: ColumnElement[bool], now: datetime) -> int:
    """Complete each open, paid, goods-free order for which ``booked_and_ended`` holds, checked again
    once locked. Returns how many completed. Commits each order on its own.
    """
    ids = due_orders(booked_and_ended)
    db.session.rollback()
    completed = 0
    for order_id in ids:
        order = db.session.get(Order, order_id)
        if order is None:
            continue
        order = lock_order(order)
        if order.status not in OPEN or order.payment_status not in PAID or db.session.scalar(
                select(Order.id).where(Order.id == order_id, booked_and_ended)) is None:
            db.session.rollback()  # cancelled, refunded or completed meanwhile
            continue
        lifecycle.complete(order, None, NOTE, now, service_ended=True)
        db.session.commit()
        completed += 1
    return completed


def _seats_ended(now: datetime) -> ColumnElement[bool]:
    return exists().where(ClassBooking.order_id == Order.id, ClassBooking.status == BookingStatus.CONFIRMED,
                          TrainingClass.id == ClassBooking.class_id, TrainingClass.status == ClassStatus.PUBLISHED,
                          TrainingClass.ends_at <= now)


def complete_class_orders(now: datetime) -> int:
    """Complete the paid orders of confirmed seats whose class's last session has ended. Commits each.

    Returns how many completed; a second run completes none.
    """
    return complete_ended(_seats_ended(now), now)
