"""Certificates of attendance: issued to every checked-in attendee once the class has ended, and checked
by anyone at ``/sertifikat/<code>``; and the reminders sent a day before each session of a class.

Both run from the worker's periodic tasks (and are idempotent: a certificate per booking, a reminder
per booking and session), so a class that ends at night has its certificates by morning without anyone acting.
"""
from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from orders.classes.models import (
    BookingStatus,
    ClassAttendance,
    ClassBooking,
    ClassCertificate,
    ClassReminder,
    ClassSession,
    ClassStatus,
    TrainingClass,
)
from orders.core.codes import ALPHABET
from shop.db import utcnow
from shop.extensions import db
from shop.outbox.services import enqueue

CODE_LENGTH = 10
BATCH = 200
REMINDER_AHEAD = timedelta(hours=24)
REMINDER_JOB = "class.reminder"
CERTIFICATE_JOB = "class.certificate"


def certificate_code() -> str:
    """Ten characters of Crockford's alphabet: not guessable, easy to type from paper."""
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def _hours(klass: TrainingClass) -> int:
    seconds = sum((s.ends_at - s.starts_at).total_seconds() for s in klass.sessions)
    return max(1, round(seconds / 3600))


def issue_certificates(now: datetime | None = None) -> int:
    """Issue a certificate to each attendee of every session of a class that has ended; returns how many. Flushes.

    Idempotent: the unique booking id keeps a parallel run (another worker) from issuing twice; such a
    collision is skipped inside a savepoint.
    """
    now = now or utcnow()
    attended = (select(func.count(ClassAttendance.id)).where(ClassAttendance.booking_id == ClassBooking.id)
                .scalar_subquery())
    sessions = (select(func.count(ClassSession.id)).where(ClassSession.class_id == ClassBooking.class_id)
                .scalar_subquery())
    due = db.session.scalars(
        select(ClassBooking).join(TrainingClass, TrainingClass.id == ClassBooking.class_id)
        .outerjoin(ClassCertificate, ClassCertificate.booking_id == ClassBooking.id)
        .where(ClassBooking.attended_at.is_not(None), ClassBooking.status == BookingStatus.CONFIRMED,
               TrainingClass.status == ClassStatus.PUBLISHED, TrainingClass.ends_at <= now,
               ClassCertificate.id.is_(None), attended == sessions)  # at every session
        .order_by(ClassBooking.id).limit(BATCH)).all()
    issued = 0
    for booking in due:
        klass = booking.training_class
        certificate = ClassCertificate(
            booking_id=booking.id, sentra_id=booking.sentra_id, code=certificate_code(),
            name=(booking.buyer.name or "")[:120], class_title=klass.title, sentra_name=klass.sentra.name[:120],
            trainer=klass.trainer_label[:120], first_day=klass.starts_at, last_day=klass.ends_at,
            hours=_hours(klass), issued_at=now)
        try:
            with db.session.begin_nested():
                db.session.add(certificate)
                db.session.flush()
        except IntegrityError:
            continue
        enqueue(CERTIFICATE_JOB, {"booking_id": booking.id})
        issued += 1
    return issued


def load_certificate(code: str) -> ClassCertificate | None:
    wanted = "".join((code or "").split()).upper()
    if len(wanted) != CODE_LENGTH:
        return None
    return db.session.scalar(select(ClassCertificate).where(ClassCertificate.code == wanted))


def send_reminders(now: datetime | None = None) -> int:
    """Enqueue a reminder for each confirmed booking and each of its class's sessions that starts within
    a day; returns how many. Flushes.

    A :class:`ClassReminder` row is written with the job, in the same transaction, so each session's
    reminder goes once; a parallel run (another worker) that writes the same row is skipped inside a
    savepoint. A worker that was down sends the reminder of a session still to come, not of one past.
    """
    now = now or utcnow()
    reminded = (select(ClassReminder.id).where(ClassReminder.booking_id == ClassBooking.id,
                                               ClassReminder.session_id == ClassSession.id).exists())
    due = db.session.execute(
        select(ClassBooking, ClassSession.id)
        .join(TrainingClass, TrainingClass.id == ClassBooking.class_id)
        .join(ClassSession, ClassSession.class_id == ClassBooking.class_id)
        .where(ClassBooking.status == BookingStatus.CONFIRMED, TrainingClass.status == ClassStatus.PUBLISHED,
               ClassSession.starts_at > now, ClassSession.starts_at <= now + REMINDER_AHEAD, ~reminded)
        .order_by(ClassBooking.id, ClassSession.starts_at).limit(BATCH)).all()
    sent = 0
    for booking, session_id in due:
        try:
            with db.session.begin_nested():
                db.session.add(ClassReminder(booking_id=booking.id, session_id=session_id, sent_at=now))
                db.session.flush()
        except IntegrityError:
            continue
        booking.reminded_at = now
        enqueue(REMINDER_JOB, {"booking_id": booking.id, "session_id": session_id})
        sent += 1
    db.session.flush()
    return sent
