"""People cancel their own facility bookings until they start: the unit is free again, a paid one refunded."""
from __future__ import annotations

from datetime import timedelta

import pytest
from flask import current_app
from sqlalchemy import select

from orders.core.models import Order, OrderStatus
from orders.core.payments import Payment, Refund
from orders.facilities import services
from orders.facilities.errors import FacilityCancelClosedError, FacilityNotFoundError
from orders.facilities.models import FacilityBooking, FacilityBookingStatus
from orders.payments.services import mark_paid
from shop.extensions import db
from tests.factories import make_sentra, make_user
from tests.orders.facilities.helpers import at, book_slot, make_facility


def _status(booking_id: int) -> str:
    db.session.expire_all()
    return db.session.get(FacilityBooking, booking_id).status


def _paid_booking(user):
    facility = make_facility(make_sentra(), price=20_000)
    booking = book_slot(user, facility, at(2, 9), at(2, 11), method="bank_transfer").booking
    order = db.session.get(Order, booking.order_id)
    mark_paid(db.session.scalar(select(Payment).where(Payment.checkout_id == order.checkout_id)), None,
              "transfer confirmed", current_app.config)
    db.session.commit()
    return facility, booking, order


def test_a_free_booking_cancelled_frees_its_unit_for_the_next_person():
    facility = make_facility(make_sentra(), price=0, units=1)
    user = make_user()
    booking = book_slot(user, facility, at(2, 9), at(2, 11)).booking
    services.cancel_booking(user, booking.id, current_app.config)
    db.session.commit()
    assert _status(booking.id) == FacilityBookingStatus.CANCELLED
    again = book_slot(make_user(), facility, at(2, 9), at(2, 11)).booking
    assert again.status == FacilityBookingStatus.CONFIRMED


def test_a_paid_booking_cancelled_is_refunded_through_its_order():
    user = make_user()
    _facility, booking, order = _paid_booking(user)
    services.cancel_booking(user, booking.id, current_app.config)
    db.session.commit()
    db.session.refresh(order)
    assert order.status == OrderStatus.CANCELLED and _status(booking.id) == FacilityBookingStatus.CANCELLED
    refund = db.session.scalar(select(Refund).where(Refund.order_id == order.id))
    assert refund is not None and refund.amount_idr == 40_000


def test_a_booking_that_has_started_can_no_longer_be_cancelled(monkeypatch):
    user = make_user()
    facility = make_facility(make_sentra(), price=0)
    booking = book_slot(user, facility, at(2, 9), at(2, 11)).booking
    started = booking.starts_at + timedelta(minutes=1)
    monkeypatch.setattr(services, "utcnow", lambda: started)
    with pytest.raises(FacilityCancelClosedError):
        services.cancel_booking(user, booking.id, current_app.config)
    db.session.rollback()
    assert _status(booking.id) == FacilityBookingStatus.CONFIRMED


def test_someone_elses_booking_is_not_found():
    facility = make_facility(make_sentra(), price=0)
    booking = book_slot(make_user(), facility, at(2, 9), at(2, 11)).booking
    with pytest.raises(FacilityNotFoundError):
        services.cancel_booking(make_user(), booking.id, current_app.config)


def test_the_booker_asks_then_cancels_from_the_booking_page_and_the_schedule_frees_it(client, auth):
    owner = make_user("pemilik@example.test")
    sentra = make_sentra(owner=owner)
    facility = make_facility(sentra, price=0)
    user = make_user("warga@example.test", name="Dimas Penjahit")
    booking = book_slot(user, facility, at(2, 9), at(2, 11)).booking
    db.session.commit()
    auth.login(user.email)
    page = client.get(f"/fasilitas/pesanan/{booking.id}").get_data(as_text=True)
    assert f"/fasilitas/pesanan/{booking.id}/batal" in page
    assert "Pesanan fasilitas saya" in client.get("/fasilitas/pesanan").get_data(as_text=True)
    confirm = client.get(f"/fasilitas/pesanan/{booking.id}/batal")
    assert confirm.status_code == 200 and "Batalkan pesanan ini?" in confirm.get_data(as_text=True)
    assert _status(booking.id) == FacilityBookingStatus.CONFIRMED  # asking changes nothing
    done = client.post(f"/fasilitas/pesanan/{booking.id}/batal")
    assert done.status_code == 302 and _status(booking.id) == FacilityBookingStatus.CANCELLED
    auth.logout()
    auth.login(owner.email)
    day = at(2, 9).date().isoformat()
    schedule = client.get(f"/kelola/{sentra.slug}/fasilitas/{facility.id}?hari={day}").get_data(as_text=True)
    assert "Dimas Penjahit" not in schedule


def test_another_persons_booking_page_and_cancel_are_404(client, auth):
    facility = make_facility(make_sentra(), price=0)
    booking = book_slot(make_user(), facility, at(2, 9), at(2, 11)).booking
    make_user("lain@example.test")
    db.session.commit()
    auth.login("lain@example.test")
    assert client.get(f"/fasilitas/pesanan/{booking.id}").status_code == 404
    assert client.get(f"/fasilitas/pesanan/{booking.id}/batal").status_code == 404
    assert client.post(f"/fasilitas/pesanan/{booking.id}/batal").status_code == 404
    assert _status(booking.id) == FacilityBookingStatus.CONFIRMED


def test_a_maintenance_block_is_not_a_booking_its_manager_can_cancel_here(client, auth):
    owner = make_user("pemilik@example.test")
    sentra = make_sentra(owner=owner)
    facility = make_facility(sentra, price=0)
    block = services.block_time(sentra, owner, facility.id, services.SlotInput("m", at(3, 9), at(3, 10)))
    db.session.commit()
    auth.login(owner.email)
    assert client.get(f"/fasilitas/pesanan/{block.id}").status_code == 404
    assert client.post(f"/fasilitas/pesanan/{block.id}/batal").status_code == 404


def test_booking_from_the_page_lands_on_the_booking_page(client, auth):
    facility = make_facility(make_sentra(), price=0)
    make_user("warga@example.test")
    db.session.commit()
    auth.login("warga@example.test")
    day = at(2, 10).date().isoformat()
    booked = client.post(f"/fasilitas/{facility.id}", data={"key": "k", "day": day, "starts": "10:00", "ends": "11:00"})
    booking = db.session.scalar(select(FacilityBooking))
    assert booked.headers["Location"].endswith(f"/fasilitas/pesanan/{booking.id}")
