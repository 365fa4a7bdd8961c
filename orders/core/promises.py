"""When an order should be ready (pickup) or arrive: the date the buyer is promised.

Counted in calendar days from when the order is placed: the sentra's handling days
(default 1), plus the longest made-to-order lead time among its lines, plus the
delivery method's days (pickup 0, the sentra's courier 1, an external courier 2
inside Kota Bekasi and 4 outside). The promise is the end of that day in WIB.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, time, timedelta

from shop.db import WIB

DELIVERY_DAYS = {"pickup": 0, "sentra_courier": 1}
COURIER_DAYS_IN_CITY = 2
COURIER_DAYS_OUTSIDE = 4

# Statuses in which an order can no longer be late: delivered or ended, or (pickup) ready and waiting
# for the buyer, which is the promise kept.
NOT_LATE_STATUSES = ("ready_for_pickup", "delivered", "completed", "cancelled", "expired")
# Late and not yet on its way: the buyer may cancel (placed and pending_payment they always may).
LATE_CANCELLABLE_STATUSES = ("placed", "processing")


def promised_at(placed: datetime, *, handling_days: int, lead_times: Iterable[int | None], method: str,
                in_city: bool) -> datetime:
    """The moment (UTC) by which the order should be ready or delivered."""
    lead = max((days or 0 for days in lead_times), default=0)
    if method == "courier":
        travel = COURIER_DAYS_IN_CITY if in_city else COURIER_DAYS_OUTSIDE
    else:
        travel = DELIVERY_DAYS.get(method, 0)
    day = placed.astimezone(WIB).date() + timedelta(days=handling_days + lead + travel)
    return datetime.combine(day, time(23, 59), WIB).astimezone(UTC)


def is_late(promise: datetime | None, now: datetime, status: str) -> bool:
    """Past its promise and not yet delivered (or, for pickup, ready), completed or ended."""
    return promise is not None and now > promise and status not in NOT_LATE_STATUSES



def late_clause(now: datetime):
    """The SQL condition of :func:`is_late` on ``Order`` (for lists and counts of late orders)."""
    from orders.core.models import Order

    return Order.promised_at.is_not(None) & (Order.promised_at < now) & Order.status.not_in(NOT_LATE_STATUSES)


def may_cancel_late(promise: datetime | None, now: datetime, status: str) -> bool:
    """Late and not yet shipped or ready: the buyer may cancel even though the sentra has started."""
    return is_late(promise, now, status) and status in LATE_CANCELLABLE_STATUSES
