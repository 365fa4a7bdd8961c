"""The waiting list of a full class: freed seats are offered in the order people joined, and held
for the next person for a limited time (:data:`OFFER_HOURS`, never past the class's start).

Seats are freed in one place (:func:`orders.classes.seats.give_back`), which enqueues
``class.seats_freed``; its handler runs :func:`offer_freed_seats` in the worker, after the freeing
transaction committed. A held seat counts as taken, so nobody else can book it; the person offered
books it like any seat (:mod:`orders.classes.bookings` uses the hold), and an offer that lapses
gives its seats back, which offers them to the next.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from orders.classes import seats
from orders.classes.errors import ClassClosedError, ClassError, ClassValidationError
from orders.classes.models import ClassStatus, TrainingClass, WaitlistEntry, WaitStatus
from orders.classes.services import load_public_class
from shop.accounts.models import User
from shop.db import utcnow
from shop.extensions import db
from shop.outbox.services import enqueue, register

OFFER_HOURS = 12
OFFER_JOB = "class.waitlist_offer"


class SeatsAvailableError(ClassError):
    """Seats are free: book them instead of waiting."""

    code = "seats_available"
    status = 409


def join_waitlist(user: User, class_id: int, count: Any) -> WaitlistEntry:
    """Put ``user`` on a full class's waiting list for ``count`` seats (again, if an earlier offer lapsed). Flushes.

    :raise ClassNotFoundError: no such class.  :raise ClassClosedError: cancelled or started.
    :raise SeatsAvailableError: enough seats are free now.  :raise ClassValidationError: a bad number of seats.
    """
    klass = load_public_class(class_id)
    now = utcnow()
    if klass.status != ClassStatus.PUBLISHED or klass.starts_at <= now:
        raise ClassClosedError(_("This class takes no more bookings."))
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= klass.max_seats_per_booking:
        raise ClassValidationError(_("Check the fields marked."),
                                   {"seats": _("Book from 1 to %(n)d seats.", n=klass.max_seats_per_booking)})
    if klass.seats_left >= count:
        raise SeatsAvailableError(_("Seats are free: book them now."))
    entry = db.session.scalar(select(WaitlistEntry).where(WaitlistEntry.class_id == klass.id,
                                                          WaitlistEntry.user_id == user.id))
    if entry is None:
        entry = WaitlistEntry(class_id=klass.id, user_id=user.id, seats=count, status=WaitStatus.WAITING,
                              joined_at=now)
        db.session.add(entry)
    elif entry.status in (WaitStatus.EXPIRED, WaitStatus.BOOKED):
        entry.status, entry.seats, entry.joined_at, entry.offered_until = WaitStatus.WAITING, count, now, None
    db.session.flush()
    return entry


def entry_of(user_id: int, class_id: int) -> WaitlistEntry | None:
    return db.session.scalar(select(WaitlistEntry).where(WaitlistEntry.class_id == class_id,
                                                         WaitlistEntry.user_id == user_id))


def live_offer(user_id: int, class_id: int, now: datetime | None = None) -> WaitlistEntry | None:
    """The seats held for ``user_id`` in this class now, if any."""
    entry = entry_of(user_id, class_id)
    if entry is None or entry.status != WaitStatus.OFFERED or entry.offered_until <= (now or utcnow()):
        return None
    return entry


def use_offer(entry: WaitlistEntry, class_id: int) -> None:
    """The person offered books: the held seats are released into their booking (which takes what it needs
    in the same transaction, the class row still locked by this one). Flushes."""
    entry.status = WaitStatus.BOOKED
    seats.give_back(class_id, entry.seats)


def offer_freed_seats(class_id: int, now: datetime | None = None) -> int:
    """Offer the free seats of a class to the waiting list, in order; returns how many people were offered.

    Locks the class row first; stops at the first person whose seats do not fit (nobody jumps the queue).
    Flushes.
    """
    now = now or utcnow()
    klass = db.session.scalar(select(TrainingClass).where(TrainingClass.id == class_id)
                              .with_for_update(of=TrainingClass).execution_options(populate_existing=True))
    if klass is None or klass.status != ClassStatus.PUBLISHED or klass.starts_at <= now:
        return 0
    offered = 0
    waiting = db.session.scalars(
        select(WaitlistEntry).where(WaitlistEntry.class_id == class_id, WaitlistEntry.status == WaitStatus.WAITING)
        .order_by(WaitlistEntry.joined_at, WaitlistEntry.id)).all()
    for entry in waiting:
        try:
            seats.take(class_id, entry.seats)
        except ClassError:
            break
        entry.status = WaitStatus.OFFERED
        entry.offered_until = min(now + timedelta(hours=OFFER_HOURS), klass.starts_at)
        enqueue(OFFER_JOB, {"entry_id": entry.id})
        offered += 1
    db.session.flush()
    return offered


def expire_offers(now: datetime | None = None) -> int:
    """Offers that lapsed give their seats back (which offers them to the next); returns how many. Flushes."""
    now = now or utcnow()
    lapsed = db.session.scalars(
        select(WaitlistEntry).where(WaitlistEntry.status == WaitStatus.OFFERED, WaitlistEntry.offered_until <= now)
        .order_by(WaitlistEntry.id).with_for_update(of=WaitlistEntry, skip_locked=True)).all()
    for entry in lapsed:
        entry.status = WaitStatus.EXPIRED
        seats.give_back(entry.class_id, entry.seats)
    db.session.flush()
    return len(lapsed)


@register(seats.FREED_JOB)
def _seats_freed(payload: dict[str, Any]) -> None:
    offer_freed_seats(payload["class_id"])
