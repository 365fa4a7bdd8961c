"""Buyers racing for the last seats of a class, with real parallel connections on PostgreSQL."""
from __future__ import annotations

import threading

import pytest
from flask import current_app
from sqlalchemy import func, select

from orders.classes.bookings import BookingInput, book_class
from orders.classes.errors import ClassFullError
from orders.classes.models import HOLDING, ClassBooking, TrainingClass
from shop.accounts.models import User
from shop.extensions import db
from tests.factories import make_sentra, make_user
from tests.orders.classes.helpers import make_class

pytestmark = pytest.mark.postgres_only

BUYERS = 30
CAPACITY = 10


def _race(app, class_id: int, buyer_ids: list[int], seats: int, method: str | None = None) -> tuple[int, int]:
    """Each buyer books ``seats`` in its own thread at once; returns (booked, refused as full)."""
    barrier = threading.Barrier(len(buyer_ids))
    outcome = {"booked": 0, "full": 0}
    errors: list[BaseException] = []
    lock = threading.Lock()
    config = dict(current_app.config)

    def buy(buyer_id: int) -> None:
        with app.app_context():
            try:
                barrier.wait(timeout=30)  # before any query: the pool has fewer connections than buyers
                buyer = db.session.get(User, buyer_id)
                try:
                    book_class(buyer, class_id, BookingInput(f"race-{buyer_id}", seats, payment_method=method), config)
                    with lock:
                        outcome["booked"] += 1
                except ClassFullError:
                    with lock:
                        outcome["full"] += 1
            except BaseException as error:  # reported in the main thread
                with lock:
                    errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=buy, args=(buyer_id,)) for buyer_id in buyer_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(t.is_alive() for t in threads)
    assert errors == []
    return outcome["booked"], outcome["full"]


def _committed(price_idr: int = 0) -> tuple[int, list[int]]:
    klass = make_class(make_sentra(), capacity=CAPACITY, price_idr=price_idr)
    buyers = [make_user().id for _ in range(BUYERS)]
    db.session.commit()
    return klass.id, buyers


def _held(class_id: int) -> tuple[int, int]:
    db.session.expire_all()
    taken = db.session.scalar(select(TrainingClass.seats_taken).where(TrainingClass.id == class_id))
    held = db.session.scalar(select(func.coalesce(func.sum(ClassBooking.seats), 0))
                             .where(ClassBooking.class_id == class_id, ClassBooking.status.in_(HOLDING)))
    return taken, held


def test_thirty_buyers_of_one_free_seat_each_fill_ten_seats_and_no_more(app):
    class_id, buyers = _committed()
    booked, full = _race(app, class_id, buyers, 1)
    assert (booked, full) == (CAPACITY, BUYERS - CAPACITY)
    assert _held(class_id) == (CAPACITY, CAPACITY)


def test_paid_bookings_racing_for_three_seats_each_never_oversell(app):
    class_id, buyers = _committed(price_idr=25_000)
    booked, full = _race(app, class_id, buyers, 3, method="pay_on_pickup")
    assert booked == CAPACITY // 3 and full == BUYERS - booked
    assert _held(class_id) == (booked * 3, booked * 3)
