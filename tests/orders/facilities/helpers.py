"""Factories for the facilities tests."""
from __future__ import annotations

from datetime import datetime, time, timedelta
from itertools import count

from flask import current_app

from orders.facilities.services import FacilityInput, SlotInput, book_facility, create_facility
from shop.db import WIB, utcnow
from shop.extensions import db

_keys = count(1)


def make_facility(sentra, *, name="Mesin Jahit", price=10_000, units=1, hours="08:00-20:00"):
    facility = create_facility(sentra, FacilityInput(name=name, hourly_price_idr=price, units=units,
                                                     opening_hours=hours))
    db.session.commit()
    return facility


def at(days: int, hour: int, minute: int = 0) -> datetime:
    """A WIB clock time ``days`` from today."""
    day = (utcnow() + timedelta(days=days)).astimezone(WIB).date()
    return datetime.combine(day, time(hour, minute), tzinfo=WIB)


def book_slot(user, facility, starts, ends, *, key=None, method=None):
    slot = SlotInput(key or f"slot-{next(_keys)}", starts, ends, method)
    return book_facility(user, facility.id, slot, dict(current_app.config))
