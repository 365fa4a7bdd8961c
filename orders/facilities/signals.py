"""A paid facility booking follows its order, as a class seat does: placed confirms it, cancelled or
expired frees the unit (it stops counting). Receivers flush, never commit."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select

from orders.core.models import Order, OrderStatus
from orders.core.signals import order_status_changed
from orders.facilities.models import TAKING, FacilityBooking, FacilityBookingStatus
from shop.extensions import db

ENDED = {OrderStatus.CANCELLED: FacilityBookingStatus.CANCELLED, OrderStatus.EXPIRED: FacilityBookingStatus.EXPIRED}


@order_status_changed.connect
def _follow_order(order: Order, from_status: str, to_status: str, **_: Any) -> None:
    bookings = db.session.scalars(select(FacilityBooking).where(FacilityBooking.order_id == order.id)).all()
    for booking in bookings:
        if to_status in ENDED and booking.status in TAKING:
            booking.status = ENDED[to_status]
        elif from_status == OrderStatus.PENDING_PAYMENT and to_status == OrderStatus.PLACED \
                and booking.status == FacilityBookingStatus.PENDING_PAYMENT:
            booking.status = FacilityBookingStatus.CONFIRMED
    if bookings:
        db.session.flush()
