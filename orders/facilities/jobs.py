"""The facilities' periodic work, run by the worker every minute: a paid booking's order completes
once the booked time has ended (:mod:`orders.classes.completion`)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, exists

from orders.classes.completion import complete_ended
from orders.core.models import Order
from orders.facilities.models import FacilityBooking, FacilityBookingStatus
from shop.db import utcnow


def _hours_ended(now: datetime) -> ColumnElement[bool]:
    return exists().where(FacilityBooking.order_id == Order.id,
                          FacilityBooking.status == FacilityBookingStatus.CONFIRMED, FacilityBooking.ends_at <= now)


def complete_facility_orders(now: datetime) -> int:
    """Complete the paid orders of confirmed facility bookings whose time has ended. Commits each.

    Returns how many completed; a second run completes none.
    """
    return complete_ended(_hours_ended(now), now)


def run_facility_jobs() -> int:
    """The worker's periodic task (no arguments)."""
    return complete_facility_orders(utcnow())
