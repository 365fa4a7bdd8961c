"""A booking's order completes by itself once its class or booked time has ended (issue 19), and the
sentra's ledger is credited exactly once."""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from flask import current_app
from sqlalchemy import func, select

from orders.classes.bookings import cancel_booking
from orders.classes.completion import complete_class_orders
from orders.core import lifecycle
from orders.core.errors import InvalidTransitionError
from orders.core.locks import lock_order
from orders.core.models import Order, OrderLine, OrderStatus
from orders.core.payments import Payment
from orders.facilities.jobs import complete_facility_orders
from orders.ledger.models import EntryKind, LedgerEntry
from orders.payments.services import mark_paid
from shop.extensions import db
from tests.factories import make_product, make_sentra, make_user
from tests.orders.classes.helpers import book, make_class
from tests.orders.facilities.helpers import at, book_slot, make_facility


def _pay(order_id: int) -> Order:
    order = db.session.get(Order, order_id)
    payment = db.session.scalar(select(Payment).where(Payment.checkout_id == order.checkout_id))
    mark_paid(payment, None, "transfer confirmed", current_app.config)
    db.session.commit()
    return order


def _credits(order_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(LedgerEntry).where(
        LedgerEntry.order_id == order_id, LedgerEntry.kind == EntryKind.ORDER_CREDIT))


def _status(order_id: int) -> str:
    db.session.expire_all()
    return db.session.get(Order, order_id).status


def _paid_seat(days=(2,), price_idr=60_000):
    klass = make_class(make_sentra(), price_idr=price_idr, days=days)
    booking = book(make_user(), klass, 1, payment_method="bank_transfer").booking
    return klass, _pay(booking.order_id)


def test_a_paid_seat_completes_after_the_last_session_and_credits_the_sentra_once():
    klass, order = _paid_seat(days=(2, 4))
    assert order.status == OrderStatus.PLACED
    assert complete_class_orders(klass.sessions[0].ends_at + timedelta(minutes=1)) == 0  # one session still to come
    after = klass.ends_at + timedelta(minutes=1)
    assert complete_class_orders(after) == 1
    assert complete_class_orders(after) == 0
    assert _status(order.id) == OrderStatus.COMPLETED
    assert _credits(order.id) == 1
    completed = db.session.get(Order, order.id)
    assert completed.completed_at is not None
    assert completed.events[-1].note == "completed automatically: the booked time has passed"


def test_an_accepted_seat_order_completes_too():
    klass, order = _paid_seat()
    lifecycle.transition(lock_order(order), OrderStatus.PROCESSING, None, "accepted")
    db.session.commit()
    assert complete_class_orders(klass.ends_at + timedelta(minutes=1)) == 1
    assert _status(order.id) == OrderStatus.COMPLETED


def test_a_seat_not_yet_paid_at_the_sentra_is_left_to_the_sentra():
    klass = make_class(make_sentra(), price_idr=20_000)
    booking = book(make_user(), klass, 1, payment_method="pay_on_pickup").booking
    assert complete_class_orders(klass.ends_at + timedelta(minutes=1)) == 0
    assert _status(booking.order_id) == OrderStatus.PLACED


def test_a_cancelled_and_refunded_seat_is_untouched():
    klass = make_class(make_sentra(), price_idr=40_000)
    buyer = make_user()
    booking = book(buyer, klass, 1, payment_method="bank_transfer").booking
    _pay(booking.order_id)
    cancel_booking(buyer, booking.id, current_app.config)
    db.session.commit()
    assert complete_class_orders(klass.ends_at + timedelta(minutes=1)) == 0
    assert _status(booking.order_id) == OrderStatus.CANCELLED
    assert _credits(booking.order_id) == 0


def test_a_refunded_seat_order_the_sentra_accepted_is_untouched():
    klass, order = _paid_seat()
    order = lock_order(order)
    lifecycle.transition(order, OrderStatus.PROCESSING, None, "accepted")
    order.payment_status = "refunded"  # as a refund of the whole order leaves it
    db.session.commit()
    assert complete_class_orders(klass.ends_at + timedelta(minutes=1)) == 0
    assert _status(order.id) == OrderStatus.PROCESSING


def test_an_order_with_goods_beside_the_seats_is_left_to_the_normal_flow():
    klass, order = _paid_seat()
    product = make_product(order.sentra)
    db.session.add(OrderLine(order_id=order.id, product_id=product.id, title=product.title, sku="KAIN-1",
                             quantity=1, unit_price_idr=1))
    db.session.commit()
    assert complete_class_orders(klass.ends_at + timedelta(minutes=1)) == 0
    assert _status(order.id) == OrderStatus.PLACED


def test_complete_refuses_an_undelivered_order_that_is_not_a_booking():
    klass, order = _paid_seat()
    with pytest.raises(InvalidTransitionError):
        lifecycle.complete(lock_order(order), None, "too early", klass.ends_at)


def test_a_paid_facility_booking_completes_once_its_time_has_ended():
    facility = make_facility(make_sentra(), price=10_000)
    booking = book_slot(make_user(), facility, at(2, 9), at(2, 11), method="bank_transfer").booking
    order = _pay(booking.order_id)
    assert complete_facility_orders(booking.starts_at + timedelta(minutes=30)) == 0  # still in use
    assert complete_facility_orders(booking.ends_at) == 1
    assert complete_facility_orders(booking.ends_at + timedelta(hours=1)) == 0
    assert _status(order.id) == OrderStatus.COMPLETED and _credits(order.id) == 1


def _complete_in_thread(app, barrier: threading.Barrier, when) -> int:
    with app.app_context():
        try:
            db.session.execute(select(Order.id).limit(1)).all()  # the connection is open before the race
            barrier.wait(timeout=60)
            return complete_class_orders(when)
        finally:
            db.session.remove()


@pytest.mark.postgres_only
def test_parallel_workers_complete_each_seat_order_once_and_credit_once(app):
    sentra = make_sentra()
    klass = make_class(sentra, price_idr=30_000, capacity=10)
    orders = []
    for _ in range(6):
        booking = book(make_user(), klass, 1, payment_method="bank_transfer").booking
        orders.append(_pay(booking.order_id).id)
    when = klass.ends_at + timedelta(minutes=1)
    parallel = 4
    barrier = threading.Barrier(parallel)
    with ThreadPoolExecutor(max_workers=parallel) as pool:
        done = list(pool.map(lambda _: _complete_in_thread(app, barrier, when), range(parallel)))
    assert sum(done) == len(orders)
    db.session.expire_all()
    assert all(_status(order_id) == OrderStatus.COMPLETED for order_id in orders)
    assert [_credits(order_id) for order_id in orders] == [1] * len(orders)
