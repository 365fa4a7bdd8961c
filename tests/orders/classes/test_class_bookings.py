"""Booking seats (issue 19): free at once, paid through the order of the sentra, never oversold."""
from __future__ import annotations

import pytest
from flask import current_app
from sqlalchemy import select

from orders.classes.bookings import cancel_booking, cancel_class, check_in_booking, check_in_by_code
from orders.classes.errors import (
    CancelClosedError,
    ClassClosedError,
    ClassFullError,
    ClassNotFoundError,
    ClassValidationError,
    WrongCodeError,
)
from orders.classes.models import BookingStatus, ClassBooking, TrainingClass
from orders.core.models import Order, OrderStatus
from orders.core.payments import Payment, Refund
from orders.payments.services import expire_due_payments, mark_paid
from shop.db import utcnow
from shop.extensions import db
from shop.outbox.models import OutboxJob
from tests.factories import make_sentra, make_user
from tests.orders.classes.helpers import book, make_class


def _seats_taken(klass) -> int:
    db.session.expire_all()
    return db.session.get(TrainingClass, klass.id).seats_taken


def test_a_free_booking_is_confirmed_at_once_with_a_six_character_code():
    klass = make_class(make_sentra(), capacity=5)
    result = book(make_user(), klass, 2)
    booking = result.booking
    assert result.created and booking.status == BookingStatus.CONFIRMED and booking.order_id is None
    assert len(booking.code) == 6 and booking.code.isalnum()
    assert _seats_taken(klass) == 2
    assert db.session.scalar(select(OutboxJob).where(OutboxJob.kind == "class.booked")) is not None


def test_a_repeat_with_the_same_key_returns_the_first_booking():
    klass = make_class(make_sentra())
    buyer = make_user()
    first = book(buyer, klass, 1, key="same")
    again = book(buyer, klass, 1, key="same")
    assert not again.created and again.booking.id == first.booking.id
    assert _seats_taken(klass) == 1


def test_no_seats_left_is_class_full_and_takes_nothing():
    klass = make_class(make_sentra(), capacity=3)
    book(make_user(), klass, 2)
    with pytest.raises(ClassFullError):
        book(make_user(), klass, 2)
    assert _seats_taken(klass) == 2
    assert db.session.scalar(select(db.func.count(ClassBooking.id))) == 1


@pytest.mark.parametrize("seats", [0, 5, 1000, "2", True])
def test_seats_outside_one_to_the_limit_per_buyer_are_refused(seats):
    klass = make_class(make_sentra(), capacity=100)
    with pytest.raises(ClassValidationError) as caught:
        book(make_user(), klass, seats)
    assert "seats" in caught.value.fields
    assert _seats_taken(klass) == 0


def test_youth_training_asks_for_birth_year_and_a_bekasi_kelurahan():
    klass = make_class(make_sentra(), audience="youth")
    with pytest.raises(ClassValidationError) as caught:
        book(make_user(), klass, 1)
    assert set(caught.value.fields) == {"birth_year", "kelurahan_code"}
    future = utcnow().year + 1
    with pytest.raises(ClassValidationError) as caught:
        book(make_user(), klass, 1, birth_year=future, kelurahan_code="99.99")
    assert set(caught.value.fields) == {"birth_year", "kelurahan_code"}
    booking = book(make_user(), klass, 1, birth_year=2005, kelurahan_code="32.75.08.1001").booking
    assert booking.birth_year == 2005 and booking.status == BookingStatus.CONFIRMED


def test_a_paid_booking_is_a_seat_line_of_the_sentras_order_and_waits_for_the_transfer():
    sentra = make_sentra()
    klass = make_class(sentra, price_idr=75_000, capacity=4)
    booking = book(make_user(), klass, 2, payment_method="bank_transfer").booking
    order = db.session.get(Order, booking.order_id)
    assert booking.status == BookingStatus.PENDING_PAYMENT and booking.total_idr == 150_000
    assert order.sentra_id == sentra.id and order.status == OrderStatus.PENDING_PAYMENT
    [line] = order.lines
    assert (line.title, line.quantity, line.unit_price_idr, line.variant_id) == (klass.title, 2, 75_000, None)
    assert _seats_taken(klass) == 2

    payment = db.session.scalar(select(Payment).where(Payment.checkout_id == order.checkout_id))
    mark_paid(payment, None, "transfer confirmed", current_app.config)
    db.session.commit()
    db.session.refresh(booking)
    assert booking.status == BookingStatus.CONFIRMED


def test_an_expired_payment_returns_the_seats():
    klass = make_class(make_sentra(), price_idr=50_000, capacity=3)
    booking = book(make_user(), klass, 3, payment_method="bank_transfer").booking
    order = db.session.get(Order, booking.order_id)
    expire_due_payments(order.checkout.expires_at, current_app.config)
    db.session.commit()
    db.session.refresh(booking)
    assert booking.status == BookingStatus.EXPIRED and _seats_taken(klass) == 0


def test_pay_at_the_sentra_confirms_the_booking_with_a_placed_order():
    klass = make_class(make_sentra(), price_idr=20_000)
    booking = book(make_user(), klass, 1, payment_method="pay_on_pickup").booking
    assert booking.status == BookingStatus.CONFIRMED
    assert db.session.get(Order, booking.order_id).status == OrderStatus.PLACED


def test_an_unknown_payment_method_is_refused():
    klass = make_class(make_sentra(), price_idr=20_000)
    with pytest.raises(ClassValidationError) as caught:
        book(make_user(), klass, 1, payment_method="payment_terms")
    assert "payment_method" in caught.value.fields


def test_the_buyer_cancels_before_the_deadline_and_the_seats_come_back():
    klass = make_class(make_sentra(), capacity=2)
    buyer = make_user()
    booking = book(buyer, klass, 2).booking
    cancel_booking(buyer, booking.id, current_app.config)
    db.session.commit()
    assert booking.status == BookingStatus.CANCELLED and _seats_taken(klass) == 0


def test_cancelling_after_the_deadline_is_refused():
    klass = make_class(make_sentra(), days=(1,), cancel_hours=48)
    buyer = make_user()
    booking = book(buyer, klass, 1).booking
    with pytest.raises(CancelClosedError):
        cancel_booking(buyer, booking.id, current_app.config)


def test_the_buyer_cancelling_a_paid_seat_is_refunded():
    klass = make_class(make_sentra(), price_idr=40_000)
    buyer = make_user()
    booking = book(buyer, klass, 1, payment_method="bank_transfer").booking
    order = db.session.get(Order, booking.order_id)
    mark_paid(db.session.scalar(select(Payment).where(Payment.checkout_id == order.checkout_id)), None,
              "transfer confirmed", current_app.config)
    db.session.commit()
    cancel_booking(buyer, booking.id, current_app.config)
    db.session.commit()
    db.session.refresh(order)
    assert order.status == OrderStatus.CANCELLED and booking.status == BookingStatus.CANCELLED
    refund = db.session.scalar(select(Refund).where(Refund.order_id == order.id))
    assert refund is not None and refund.amount_idr == 40_000  # the office pays the transfer back
    assert _seats_taken(klass) == 0


def test_the_sentra_cancelling_a_class_ends_every_booking_and_tells_each_buyer():
    sentra = make_sentra()
    klass = make_class(sentra, price_idr=30_000, capacity=6)
    paid = book(make_user(), klass, 2, payment_method="bank_transfer").booking
    other = book(make_user(), klass, 1, payment_method="pay_on_pickup").booking
    cancel_class(sentra, sentra.memberships[0].user, klass.id, "Pelatih sakit", current_app.config)
    db.session.commit()
    for booking in (paid, other):
        db.session.refresh(booking)
        assert booking.status == BookingStatus.CANCELLED
        assert db.session.get(Order, booking.order_id).status == OrderStatus.CANCELLED
    assert _seats_taken(klass) == 0
    jobs = db.session.scalars(select(OutboxJob).where(OutboxJob.kind == "class.booking_cancelled")).all()
    assert len(jobs) == 2
    with pytest.raises(ClassClosedError):
        book(make_user(), klass, 1, payment_method="pay_on_pickup")


def test_check_in_by_code_marks_attended_once_and_a_wrong_code_names_nobody():
    sentra = make_sentra()
    klass = make_class(sentra)
    booking = book(make_user(name="Dewi Lestari"), klass, 1).booking
    member = sentra.memberships[0].user
    first = check_in_by_code(sentra, klass.id, booking.code.lower(), member)
    assert first.changed and first.booking.attended
    assert not check_in_by_code(sentra, klass.id, booking.code, member).changed
    with pytest.raises(WrongCodeError) as caught:
        check_in_by_code(sentra, klass.id, "ZZZZZZ" if booking.code != "ZZZZZZ" else "YYYYYY", member)
    assert "Dewi" not in caught.value.message and "Dewi" not in str(caught.value.fields)


def test_check_in_from_the_list_needs_a_booking_of_this_class():
    sentra = make_sentra()
    klass, other = make_class(sentra), make_class(sentra, title="Lain")
    booking = book(make_user(), other, 1).booking
    with pytest.raises(ClassNotFoundError):
        check_in_booking(sentra, klass.id, booking.id, sentra.memberships[0].user)
    assert check_in_booking(sentra, other.id, booking.id, sentra.memberships[0].user).changed
