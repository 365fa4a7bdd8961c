"""Factories for the mentoring tests."""
from __future__ import annotations

from datetime import datetime, time, timedelta

from orders.mentoring.models import Mentor, MentoringSession, MentoringSlot, SlotMode, SlotStatus
from orders.mentoring.services import (
    MentorInput,
    SlotInput,
    accept_invitation,
    invite_mentor,
    publish_slot,
)
from shop.db import WIB, utcnow
from shop.extensions import db
from tests.factories import make_user


def at(days: int, hour: int, minute: int = 0) -> datetime:
    """A WIB clock time ``days`` from today."""
    day = (utcnow() + timedelta(days=days)).astimezone(WIB).date()
    return datetime.combine(day, time(hour, minute), tzinfo=WIB)


def make_mentor(email: str | None = None, *, name: str = "Bu Ratna Akuntan", topics=("pricing", "bookkeeping"),
                subsectors=("kuliner",)) -> Mentor:
    """A mentor who accepted the office's invitation (both accounts made here)."""
    user = make_user(email, name=name)
    office = make_user(admin=True)
    invite_mentor(office, MentorInput(name=name, email=user.email, topics=tuple(topics), subsectors=tuple(subsectors)))
    mentor = accept_invitation(user)
    db.session.commit()
    return mentor


def make_slot(mentor: Mentor, days: int = 3, hour: int = 10, hours: int = 1, *, place: str = "") -> MentoringSlot:
    data = SlotInput(at(days, hour), at(days, hour) + timedelta(hours=hours),
                     SlotMode.PLACE if place else SlotMode.ONLINE, "" if place else "https://meet.example/abc", place)
    slot = publish_slot(mentor, data)
    db.session.commit()
    return slot


def past_session(mentor: Mentor, sentra, booker, *, days_ago: int, hours: float = 1.0,
                 topic: str = "pricing") -> MentoringSession:
    """A session held ``days_ago`` days ago (rows straight in: a slot in the past cannot be published)."""
    starts = utcnow() - timedelta(days=days_ago)
    slot = MentoringSlot(mentor_id=mentor.id, starts_at=starts, ends_at=starts + timedelta(hours=hours),
                         mode=SlotMode.ONLINE, link="https://meet.example/x", status=SlotStatus.BOOKED)
    db.session.add(slot)
    db.session.flush()
    session = MentoringSession(slot_id=slot.id, mentor_id=mentor.id, sentra_id=sentra.id, booked_by_id=booker.id,
                               topic=topic, question="Bagaimana menghitung HPP?")
    db.session.add(session)
    db.session.commit()
    return session
