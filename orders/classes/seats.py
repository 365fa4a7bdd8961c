"""Seats of a class: taken and given back only here, by conditional UPDATEs.

As :mod:`catalog.stock` reserves a variant, a seat is taken by
``UPDATE training_class SET seats_taken = seats_taken + :n WHERE id = :id AND
seats_taken + :n <= capacity AND status = 'published'``: the database decides, so two
buyers of the last seat cannot both get it, on SQLite and PostgreSQL alike, without a lock
held across the request.
"""
from __future__ import annotations

from sqlalchemy import select, update

from orders.classes.errors import ClassClosedError, ClassFullError
from orders.classes.models import ClassStatus, TrainingClass
from shop.extensions import db
from shop.outbox.services import enqueue

FREED_JOB = "class.seats_freed"  # the waiting list is offered the freed seats (orders.classes.waitlist)


def take(class_id: int, seats: int) -> int:
    """Take ``seats`` seats of a published class; returns the seats left. Flushes.

    :raise ClassFullError: fewer seats are left; nothing changed.
    :raise ClassClosedError: the class is cancelled.
    """
    db.session.flush()
    left = db.session.execute(
        update(TrainingClass)
        .where(TrainingClass.id == class_id, TrainingClass.status == ClassStatus.PUBLISHED,
               TrainingClass.seats_taken + seats <= TrainingClass.capacity)
        .values(seats_taken=TrainingClass.seats_taken + seats)
        .returning(TrainingClass.capacity - TrainingClass.seats_taken)
        .execution_options(synchronize_session=False)
    ).scalar()
    _refresh(class_id)
    if left is None:
        status = db.session.scalar(select(TrainingClass.status).where(TrainingClass.id == class_id))
        if status != ClassStatus.PUBLISHED:
            raise ClassClosedError("this class is cancelled")
        raise ClassFullError("not enough seats are left in this class", {"seats": "class_full"})
    return left


def give_back(class_id: int, seats: int) -> None:
    """Return ``seats`` seats (a booking ended, an offer lapsed) and let the waiting list know. Flushes;
    never below zero."""
    db.session.flush()
    db.session.execute(
        update(TrainingClass)
        .where(TrainingClass.id == class_id, TrainingClass.seats_taken >= seats)
        .values(seats_taken=TrainingClass.seats_taken - seats)
        .execution_options(synchronize_session=False)
    )
    _refresh(class_id)
    enqueue(FREED_JOB, {"class_id": class_id})


def _refresh(class_id: int) -> None:
    loaded = db.session.identity_map.get((TrainingClass, (class_id,), None))
    if loaded is not None:
        db.session.expire(loaded, ["seats_taken"])
