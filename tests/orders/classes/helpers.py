"""Factories for the classes tests: a published class through the real service."""
from __future__ import annotations

from datetime import timedelta
from itertools import count

from flask import current_app

from orders.classes.bookings import BookingInput, book_class
from orders.classes.services import ClassInput, SessionInput, publish_class
from shop.accounts.models import User
from shop.db import utcnow
from shop.extensions import db

_keys = count(1)


def sessions_from_now(*day_offsets: int, hours: int = 2) -> list[SessionInput]:
    base = utcnow().replace(minute=0, second=0, microsecond=0)
    return [SessionInput(base + timedelta(days=d), base + timedelta(days=d, hours=hours)) for d in day_offsets]


def make_class(sentra, actor: User | None = None, *, title: str = "Kelas Membatik Pemula", capacity: int = 10,
               price_idr: int = 0, audience: str = "public", days: tuple[int, ...] = (3,), subsector: str = "kriya",
               **extra):
    actor = actor or sentra.memberships[0].user
    data = ClassInput(title=title, description="Belajar membatik dari dasar.", subsector_code=subsector,
                      sessions=sessions_from_now(*days), capacity=capacity, price_idr=price_idr, audience=audience,
                      **extra)
    klass = publish_class(sentra, actor, data)
    db.session.commit()
    return klass


def book(buyer: User, klass, seats: int = 1, *, key: str | None = None, config: dict | None = None, **extra):
    data = BookingInput(idempotency_key=key or f"booking-{next(_keys)}", seats=seats, **extra)
    return book_class(buyer, klass.id, data, {**current_app.config, **(config or {})})
