"""A paid booking follows its order: the order's signals confirm it, or end it and give the seats back.

Connected when this module is imported (the app factory imports it with the models), so the
web app, the CLI and the worker (the expiry job) all have it. Receivers flush, never commit.
"""
from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import select

from orders.classes import seats
from orders.classes.errors import ClassError
from orders.classes.models import HOLDING, BookingStatus, ClassBooking
from orders.core.models import Order, OrderStatus
from orders.core.signals import order_status_changed
from shop.db import utcnow
from shop.extensions import db

log = logging.getLogger(__name__)

ENDED = {OrderStatus.CANCELLED: BookingStatus.CANCELLED, OrderStatus.EXPIRED: BookingStatus.EXPIRED}


def _bookings_of(order: Order) -> list[ClassBooking]:
    return list(db.session.scalars(select(ClassBooking).where(ClassBooking.order_id == order.id)
                                   .order_by(ClassBooking.id)))


@order_status_changed.connect
def _follow_order(order: Order, from_status: str, to_status: str, actor: Any = None, **_: Any) -> None:
    if to_status in ENDED:
        for booking in _bookings_of(order):
            if booking.status in HOLDING:
                booking.status = ENDED[to_status]
                booking.cancelled_at = utcnow()
                seats.give_back(booking.class_id, booking.seats)
    elif from_status == OrderStatus.PENDING_PAYMENT and to_status == OrderStatus.PLACED:
        for booking in _bookings_of(order):
            if booking.status == BookingStatus.PENDING_PAYMENT:
                booking.status = BookingStatus.CONFIRMED
    elif from_status == OrderStatus.EXPIRED and to_status == OrderStatus.PLACED:
        # A card payment that arrived late revived the order: the seats are taken again if any are left.
        for booking in _bookings_of(order):
            if booking.status != BookingStatus.EXPIRED:
                continue
            try:
                with db.session.begin_nested():
                    seats.take(booking.class_id, booking.seats)
            except ClassError:
                log.warning("booking %s was paid late but its class is full; the office must refund it", booking.id)
                continue
            booking.status = BookingStatus.CONFIRMED
            booking.cancelled_at = None
    db.session.flush()
