"""Sentras racing for one mentoring slot, and both sides cancelling one session at once, with real parallel
connections on PostgreSQL."""
from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import func, select

from orders.mentoring.errors import MentoringNotFoundError, SlotTakenError
from orders.mentoring.models import Mentor, MentoringSession, MentoringSlot, SlotStatus
from orders.mentoring.services import (
    CANCELLED_JOB,
    book_slot,
    cancel_session,
    load_mentor_session,
    load_sentra_session,
)
from shop.accounts.models import User
from shop.extensions import db
from shop.outbox.models import OutboxJob
from shop.places.models import Kelurahan
from shop.sentras.models import Sentra
from tests.concurrency import race
from tests.factories import make_sentra
from tests.orders.mentoring.helpers import make_mentor, make_slot

pytestmark = pytest.mark.postgres_only

SENTRAS = 12
CANCELLERS = 8


def test_parallel_bookings_of_one_slot_make_one_session_and_the_rest_get_slot_taken(app):
    slot = make_slot(make_mentor())
    codes = db.session.scalars(select(Kelurahan.code).order_by(Kelurahan.code).limit(SENTRAS)).all()
    pairs = []
    for code in codes:
        sentra = make_sentra(code)
        pairs.append((sentra.id, sentra.memberships[0].user_id))
    db.session.commit()
    slot_id = slot.id  # read here: the threads must not touch this session

    def take(index: int) -> Callable[[], None]:
        def attempt() -> None:
            sentra_id, user_id = pairs[index]
            book_slot(db.session.get(Sentra, sentra_id), db.session.get(User, user_id), slot_id, "pricing",
                      f"Pertanyaan {index}")
        return attempt

    assert race(app, [take(i) for i in range(SENTRAS)], SlotTakenError) == (1, SENTRAS - 1)
    db.session.expire_all()
    assert db.session.scalar(select(func.count(MentoringSession.id))) == 1
    assert db.session.get(MentoringSlot, slot_id).status == SlotStatus.BOOKED


def test_the_manager_and_the_mentor_cancelling_at_once_cancel_once_and_tell_once(app):
    """Half the attempts are the sentra's, half the mentor's: one conditional DELETE wins, the others find the
    session gone (404), the slot is open once and one cancellation message is queued."""
    mentor = make_mentor()
    sentra = make_sentra()
    slot = make_slot(mentor)
    session = book_slot(sentra, sentra.memberships[0].user, slot.id, "pricing", "Harga?")
    db.session.commit()
    mentor_id, sentra_id, session_id, slot_id = mentor.id, sentra.id, session.id, slot.id
    manager_id, mentor_user_id = sentra.memberships[0].user_id, mentor.user_id

    def by_mentor() -> None:
        found = load_mentor_session(db.session.get(Mentor, mentor_id), session_id)
        cancel_session(found, "mentor", db.session.get(User, mentor_user_id))

    def by_sentra() -> None:
        cancel_session(load_sentra_session(sentra_id, session_id), "sentra", db.session.get(User, manager_id))

    attempts = [by_mentor if i % 2 else by_sentra for i in range(CANCELLERS)]
    assert race(app, attempts, MentoringNotFoundError) == (1, CANCELLERS - 1)
    db.session.expire_all()
    assert db.session.scalar(select(func.count(MentoringSession.id))) == 0
    assert db.session.get(MentoringSlot, slot_id).status == SlotStatus.OPEN
    assert db.session.scalar(select(func.count(OutboxJob.id)).where(OutboxJob.kind == CANCELLED_JOB)) == 1
