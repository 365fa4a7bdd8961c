"""The classes pages: residents find and book, managers publish and cancel, members check in at the door."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from orders.classes.models import BookingStatus, ClassBooking, TrainingClass
from shop.db import WIB, utcnow
from shop.extensions import db
from shop.i18n import wib
from tests.factories import add_member, make_sentra, make_user
from tests.orders.classes.helpers import book, make_class
from tests.orders.facilities.helpers import make_facility
from tests.orders.openings.helpers import make_opening
from tests.queries import count_queries


def _day(days: int) -> str:
    return (utcnow() + timedelta(days=days)).astimezone(WIB).date().isoformat()


def _form(**overrides):
    data = {"title": "Kelas Anyaman Bambu", "subsector_code": "kriya", "description": "Dasar anyaman.",
            "sessions-0-day": _day(4), "sessions-0-starts": "09:00", "sessions-0-ends": "12:00",
            "capacity": "15", "price_idr": "0", "audience": "public", "cancel_hours": "24", "action": "save"}
    data.update(overrides)
    return data


def test_a_manager_publishes_a_class_from_the_form(client, auth):
    owner = make_user("pemilik@example.test")
    sentra = make_sentra(owner=owner)
    db.session.commit()
    auth.login(owner.email)
    assert client.get(f"/kelola/{sentra.slug}/kelas/baru").status_code == 200
    response = client.post(f"/kelola/{sentra.slug}/kelas/baru", data=_form())
    assert response.status_code == 302
    klass = db.session.scalar(select(TrainingClass))
    assert klass.title == "Kelas Anyaman Bambu" and klass.capacity == 15 and len(klass.sessions) == 1
    assert klass.sessions[0].starts_at.astimezone(WIB).hour == 9


def test_a_session_ending_before_it_starts_is_a_field_error_in_indonesian(client, auth):
    owner = make_user("pemilik@example.test")
    sentra = make_sentra(owner=owner)
    db.session.commit()
    auth.login(owner.email)
    response = client.post(f"/kelola/{sentra.slug}/kelas/baru",
                           data=_form(**{"sessions-0-starts": "12:00", "sessions-0-ends": "09:00"}))
    assert response.status_code == 422
    assert "Sesi harus selesai setelah dimulai" in response.get_data(as_text=True)
    assert db.session.scalar(select(TrainingClass)) is None


def test_a_plain_member_cannot_publish_and_another_sentras_owner_gets_404(client, auth):
    sentra = make_sentra()
    member = make_user("anggota@example.test")
    add_member(sentra, member, "member")
    klass = make_class(sentra)
    make_sentra("32.75.04.1001", owner=make_user("lain@example.test"))
    db.session.commit()
    auth.login(member.email)
    assert client.get(f"/kelola/{sentra.slug}/kelas/baru").status_code == 403
    assert client.get(f"/kelola/{sentra.slug}/kelas/{klass.id}/hadir").status_code == 200
    auth.logout()
    auth.login("lain@example.test")
    assert client.get(f"/kelola/{sentra.slug}/kelas/{klass.id}/hadir").status_code == 404


def test_kelas_lists_upcoming_classes_and_filters_them(client):
    sentra = make_sentra()
    make_class(sentra, title="Membatik")
    make_class(sentra, title="Kue Lapis", subsector="kuliner", price_idr=30_000)
    page = client.get("/kelas").get_data(as_text=True)
    assert "Membatik" in page and "Kue Lapis" in page
    free = client.get("/kelas?free=true").get_data(as_text=True)
    assert "Membatik" in free and "Kue Lapis" not in free
    assert client.get("/kelas?from=besok").status_code == 200  # a bad filter is a message, not an error page


def test_the_storefront_lists_the_sentras_upcoming_classes(client):
    sentra = make_sentra()
    make_class(sentra, title="Sablon Dasar")
    assert "Sablon Dasar" in client.get(f"/sentra/{sentra.slug}").get_data(as_text=True)


def test_the_storefront_shows_each_class_start_price_and_audience_and_each_facility_hours_and_price(client):
    sentra = make_sentra()
    youth = make_class(sentra, title="Sablon Dasar", audience="youth")
    make_class(sentra, title="Kelas Berbayar", price_idr=25_000, days=(5,))
    make_facility(sentra, name="Mesin Jahit", price=15_000, hours="09:30-17:00")
    page = client.get(f"/sentra/{sentra.slug}").get_data(as_text=True)
    assert page.index("Sablon Dasar") < page.index(wib(youth.starts_at)) < page.index("Gratis</") \
        < page.index("Pelatihan pemuda") < page.index("Kelas Berbayar") < page.index("Rp25.000")
    assert "09:30-17:00 WIB · Rp15.000 per jam" in page


def test_a_resident_books_a_free_seat_and_sees_the_code(client, auth):
    klass = make_class(make_sentra(), capacity=5)
    buyer = make_user("warga@example.test")
    db.session.commit()
    auth.login(buyer.email)
    page = client.get(f"/kelas/{klass.id}")
    assert page.status_code == 200
    response = client.post(f"/kelas/{klass.id}", data={"key": "k1", "seats": "2"})
    assert response.status_code == 302
    booking = db.session.scalar(select(ClassBooking))
    assert booking.seats == 2 and booking.status == BookingStatus.CONFIRMED
    shown = client.get(response.headers["Location"]).get_data(as_text=True)
    assert booking.code in shown


def test_too_many_seats_is_a_field_error_and_nothing_is_booked(client, auth):
    klass = make_class(make_sentra(), capacity=50)
    buyer = make_user("warga@example.test")
    db.session.commit()
    auth.login(buyer.email)
    response = client.post(f"/kelas/{klass.id}", data={"key": "k1", "seats": "1000"})
    assert response.status_code == 422
    assert "Pesan 1 sampai 4 kursi" in response.get_data(as_text=True)
    assert db.session.scalar(select(ClassBooking)) is None


def test_another_residents_booking_is_404(client, auth):
    klass = make_class(make_sentra())
    booking = book(make_user(), klass, 1).booking
    make_user("warga@example.test")
    db.session.commit()
    auth.login("warga@example.test")
    assert client.get(f"/kelas/pesanan/{booking.id}").status_code == 404


def test_the_door_checks_in_by_code_and_refuses_a_wrong_one(client, auth):
    owner = make_user("pemilik@example.test")
    sentra = make_sentra(owner=owner)
    klass = make_class(sentra)
    booking = book(make_user(name="Putri Ayu"), klass, 1).booking
    db.session.commit()
    auth.login(owner.email)
    url = f"/kelola/{sentra.slug}/kelas/{klass.id}/hadir"
    wrong = client.post(url, data={"code": "000000" if booking.code != "000000" else "111111"})
    assert wrong.status_code == 422 and "Kode ini tidak berlaku" in wrong.get_data(as_text=True)
    right = client.post(url, data={"code": booking.code}, follow_redirects=True)
    assert "Putri Ayu" in right.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(ClassBooking, booking.id).attended_at is not None


def test_the_list_checks_in_one_booking(client, auth):
    owner = make_user("pemilik@example.test")
    sentra = make_sentra(owner=owner)
    klass = make_class(sentra)
    booking = book(make_user(), klass, 1).booking
    db.session.commit()
    auth.login(owner.email)
    assert client.post(f"/kelola/{sentra.slug}/kelas/{klass.id}/hadir/{booking.id}").status_code == 302
    db.session.expire_all()
    assert db.session.get(ClassBooking, booking.id).attended_at is not None


def test_the_manager_cancels_the_class_and_bookings_end(client, auth):
    owner = make_user("pemilik@example.test")
    sentra = make_sentra(owner=owner)
    klass = make_class(sentra)
    booking = book(make_user(), klass, 2).booking
    db.session.commit()
    auth.login(owner.email)
    response = client.post(f"/kelola/{sentra.slug}/kelas/{klass.id}/batal", data={"reason": "Hujan deras"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(ClassBooking, booking.id).status == BookingStatus.CANCELLED
    assert db.session.get(TrainingClass, klass.id).status == "cancelled"


def test_the_resident_cancels_a_booking_from_its_page(client, auth):
    klass = make_class(make_sentra())
    buyer = make_user("warga@example.test")
    booking = book(buyer, klass, 1).booking
    db.session.commit()
    auth.login(buyer.email)
    assert client.post(f"/kelas/pesanan/{booking.id}/batal").status_code == 302
    db.session.expire_all()
    assert db.session.get(ClassBooking, booking.id).status == BookingStatus.CANCELLED


def test_a_paid_seat_by_transfer_goes_to_the_checkouts_payment_page(client, auth):
    klass = make_class(make_sentra(), price_idr=40_000)
    make_user("warga@example.test")
    db.session.commit()
    auth.login("warga@example.test")
    response = client.post(f"/kelas/{klass.id}", data={"key": "p1", "seats": "1", "payment_method": "bank_transfer"})
    assert response.status_code == 302 and "/bayar" in response.headers["Location"]
    page = client.get(response.headers["Location"])
    assert page.status_code == 200 and "40.000" in page.get_data(as_text=True)
    booking = db.session.scalar(select(ClassBooking))
    assert booking.status == BookingStatus.PENDING_PAYMENT
    assert "Bayar sekarang" in client.get(f"/kelas/pesanan/{booking.id}").get_data(as_text=True)


def test_a_full_class_offers_its_waiting_list(client, auth):
    klass = make_class(make_sentra(), capacity=1)
    book(make_user(), klass, 1)
    make_user("warga@example.test")
    db.session.commit()
    auth.login("warga@example.test")
    page = client.get(f"/kelas/{klass.id}").get_data(as_text=True)
    assert "Masuk daftar tunggu" in page
    joined = client.post(f"/kelas/{klass.id}/antre", data={"key": "w", "seats": "1"}, follow_redirects=True)
    assert "Anda di daftar tunggu untuk 1 kursi" in joined.get_data(as_text=True)


def test_search_finds_upcoming_classes_by_their_title(client):
    sentra = make_sentra()
    make_class(sentra, title="Kelas Anyaman Pandan")
    make_class(sentra, title="Kelas Kue Lapis")
    page = client.get("/search?q=anyaman").get_data(as_text=True)
    assert "Kelas Anyaman Pandan" in page and "Kelas Kue Lapis" not in page
    anyaman = db.session.scalar(select(TrainingClass).where(TrainingClass.title == "Kelas Anyaman Pandan"))
    assert f"{sentra.name}, {wib(anyaman.starts_at)}" in page
    assert "Kelas Anyaman" not in client.get("/search?q=100%25").get_data(as_text=True)


def test_a_storefront_with_classes_facilities_and_openings_still_makes_at_most_six_queries(client):
    sentra = make_sentra()
    for title in ("Kelas Satu", "Kelas Dua", "Kelas Tiga"):
        make_class(sentra, title=title, days=(2, 4))
    make_facility(sentra, name="Mesin Jahit")
    make_facility(sentra, name="Meja Sablon")
    for title in ("Kurir Sentra", "Admin Toko Online"):  # issue 20: one more statement reads them all
        make_opening(sentra, title=title)
    client.get(f"/sentra/{sentra.slug}")  # warm the caches of reference data
    with count_queries() as statements:
        page = client.get(f"/sentra/{sentra.slug}").get_data(as_text=True)
    assert "Kelas Tiga" in page and "Meja Sablon" in page and "Admin Toko Online" in page
    assert len(statements) <= 6, statements
