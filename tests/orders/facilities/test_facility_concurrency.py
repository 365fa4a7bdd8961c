"""Bookers racing for the same hours of a facility, with real parallel connections on PostgreSQL."""
from __future__ import annotations

import threading

import pytest
from flask import current_app
from sqlalchemy import func, select

from orders.facilities.errors import SlotTakenError
from orders.facilities.models import TAKING, FacilityBooking
from orders.facilities.services import SlotInput, book_facility
from shop.accounts.models import User
from shop.extensions import db
from tests.factories import make_sentra, make_user
from tests.orders.facilities.helpers import at, make_facility

pytestmark = pytest.mark.postgres_only

BOOKERS = 24
UNITS = 3


def test_parallel_bookings_of_overlapping_hours_never_exceed_the_units(app):
    facility = make_facility(make_sentra(), price=0, units=UNITS)
    users = [make_user().id for _ in range(BOOKERS)]
    db.session.commit()
    facility_id = facility.id  # read here: the threads must not touch this session
    # Half ask 09-11, half 10-12: every request overlaps 10-11, so at most UNITS succeed in all.
    slots = [(at(2, 9), at(2, 11)) if i % 2 else (at(2, 10), at(2, 12)) for i in range(BOOKERS)]
    barrier = threading.Barrier(BOOKERS)
    outcome = {"booked": 0, "taken": 0}
    errors: list[BaseException] = []
    lock = threading.Lock()
    config = dict(current_app.config)

    def take(index: int) -> None:
        with app.app_context():
            try:
                barrier.wait(timeout=30)  # before any query: the pool has fewer connections than bookers
                user = db.session.get(User, users[index])
                starts, ends = slots[index]
                try:
                    book_facility(user, facility_id, SlotInput(f"race-{index}", starts, ends), config)
                    with lock:
                        outcome["booked"] += 1
                except SlotTakenError:
                    with lock:
                        outcome["taken"] += 1
            except BaseException as error:
                with lock:
                    errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=take, args=(i,)) for i in range(BOOKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(t.is_alive() for t in threads) and errors == []
    assert outcome == {"booked": UNITS, "taken": BOOKERS - UNITS}
    db.session.expire_all()
    held = db.session.scalar(select(func.count()).select_from(FacilityBooking)
                             .where(FacilityBooking.status.in_(TAKING)))
    assert held == UNITS
