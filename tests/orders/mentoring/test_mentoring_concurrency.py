"""Sentras racing for one mentoring slot, with real parallel connections on PostgreSQL."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from orders.mentoring.errors import SlotTakenError
from orders.mentoring.models import MentoringSession, MentoringSlot, SlotStatus
from orders.mentoring.services import book_slot
from shop.accounts.models import User
from shop.extensions import db
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
