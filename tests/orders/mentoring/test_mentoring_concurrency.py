"""Sentras racing for one mentoring slot, and both sides cancelling one session at once, with real parallel
connections on PostgreSQL."""
from __future__ import annotations

import threading

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
from tests.factories import make_sentra
from tests.orders.mentoring.helpers import make_mentor, make_slot

pytestmark = pytest.mark.postgres_only

SENTRAS = 12


def test_parallel_bookings_of_one_slot_make_one_session_and_the_rest_get_slot_taken(app):
    slot = make_slot(make_mentor())
    codes = db.session.scalars(select(Kelurahan.code).order_by(Kelurahan.code).limit(SENTRAS)).all()
    pairs = []
    for code in codes:
        sentra = make_sentra(code)
        pairs.append((sentra.id, sentra.memberships[0].user_id))
    db.session.commit()
    slot_id = slot.id  # read here: the threads must not touch this session
    barrier = threading.Barrier(SENTRAS)
    outcome = {"booked": 0, "taken": 0}
    errors: list[BaseException] = []
    lock = threading.Lock()

    def take(index: int) -> None:
        with app.app_context():
            try:
                barrier.wait(timeout=30)
                sentra_id, user_id = pairs[index]
                sentra, user = db.session.get(Sentra, sentra_id), db.session.get(User, user_id)
                try:
                    book_slot(sentra, user, slot_id, "pricing", f"Pertanyaan {index}")
                    db.session.commit()
                    with lock:
                        outcome["booked"] += 1
                except SlotTakenError:
                    db.session.rollback()
                    with lock:
                        outcome["taken"] += 1
            except BaseException as error:
                with lock:
                    errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=take, args=(i,)) for i in range(SENTRAS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(t.is_alive() for t in threads) and errors == []
    assert outcome == {"booked": 1, "taken": SENTRAS - 1}
    db.session.expire_all()
    assert db.session.scalar(select(func.count(MentoringSession.id))) == 1
    assert db.session.get(MentoringSlot, slot_id).status == SlotStatus.BOOKED


CANCELLERS = 8


def test_the_manager_and_the_mentor_cancelling_at_once_cancel_once_and_tell_once(app):
    """Half the attempts are the sentra's, half the mentor's: one conditional DELETE wins, the others find the
    session gone (404), the slot is open once and one cancellation message is queued."""
    mentor = make_mentor()
    sentra = make_sentra()
    slot = make_slot(mentor)
    session = book_slot(sentra, sentra.memberships[0].user, slot.id, "pricing", "Harga?")
    db.session.commit()
    ids = (mentor.id, sentra.id, sentra.memberships[0].user_id, mentor.user_id, session.id, slot.id)
    mentor_id, sentra_id, manager_id, mentor_user_id, session_id, slot_id = ids
    barrier = threading.Barrier(CANCELLERS)
    outcome = {"cancelled": 0, "gone": 0}
    errors: list[BaseException] = []
    lock = threading.Lock()

    def cancel(index: int) -> None:
        with app.app_context():
            try:
                barrier.wait(timeout=30)
                try:
                    if index % 2:
                        found = load_mentor_session(db.session.get(Mentor, mentor_id), session_id)
                        cancel_session(found, "mentor", db.session.get(User, mentor_user_id))
                    else:
                        found = load_sentra_session(sentra_id, session_id)
                        cancel_session(found, "sentra", db.session.get(User, manager_id))
                    db.session.commit()
                    with lock:
                        outcome["cancelled"] += 1
                except MentoringNotFoundError:
                    db.session.rollback()
                    with lock:
                        outcome["gone"] += 1
            except BaseException as error:
                with lock:
                    errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=cancel, args=(i,)) for i in range(CANCELLERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(t.is_alive() for t in threads) and errors == []
    assert outcome == {"cancelled": 1, "gone": CANCELLERS - 1}
    db.session.expire_all()
    assert db.session.scalar(select(func.count(MentoringSession.id))) == 0
    assert db.session.get(MentoringSlot, slot_id).status == SlotStatus.OPEN
    assert db.session.scalar(select(func.count(OutboxJob.id)).where(OutboxJob.kind == CANCELLED_JOB)) == 1
