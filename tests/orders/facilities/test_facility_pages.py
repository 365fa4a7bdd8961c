"""The facilities pages: a manager adds one and blocks a time, a resident books, the schedule shows both."""
from __future__ import annotations

from sqlalchemy import select

from orders.facilities.models import Facility, FacilityBooking
from shop.extensions import db
from tests.factories import add_member, make_sentra, make_user
from tests.orders.facilities.helpers import at, book_slot, make_facility


def test_a_manager_adds_a_facility_and_a_plain_member_may_not(client, auth):
    owner = make_user("pemilik@example.test")
    sentra = make_sentra(owner=owner)
    member = make_user("anggota@example.test")
    add_member(sentra, member, "member")
    db.session.commit()
    auth.login(owner.email)
    data = {"name": "Mesin Jahit", "hourly_price_idr": "10.000", "units": "2", "opening_hours": "09:00-17:00"}
    assert client.post(f"/kelola/{sentra.slug}/fasilitas/", data=data).status_code == 302
    facility = db.session.scalar(select(Facility))
    assert (facility.hourly_price_idr, facility.units, facility.opening_hours) == (10_000, 2, "09:00-17:00")
    bad = client.post(f"/kelola/{sentra.slug}/fasilitas/", data={**data, "opening_hours": "pagi"})
    assert bad.status_code == 422 and "Tulis jam seperti 08:00-20:00" in bad.get_data(as_text=True)
    auth.logout()
    auth.login(member.email)
    assert client.post(f"/kelola/{sentra.slug}/fasilitas/", data=data).status_code == 403


def test_a_resident_books_a_free_facility_and_a_taken_slot_is_a_field_error(client, auth):
    facility = make_facility(make_sentra(), price=0)
    book_slot(make_user(), facility, at(2, 10), at(2, 12))
    make_user("warga@example.test")
    db.session.commit()
    auth.login("warga@example.test")
    day = at(2, 10).date().isoformat()
    taken = client.post(f"/fasilitas/{facility.id}", data={"key": "a", "day": day, "starts": "11:00", "ends": "13:00"})
    assert taken.status_code == 409 and "Semua unit sudah dipesan" in taken.get_data(as_text=True)
    booked = client.post(f"/fasilitas/{facility.id}", data={"key": "b", "day": day, "starts": "12:00", "ends": "13:00"})
    assert booked.status_code == 302
    assert db.session.scalar(select(db.func.count(FacilityBooking.id))) == 2
    outside = client.post(f"/fasilitas/{facility.id}", data={"key": "c", "day": day, "starts": "19:00", "ends": "21:00"})
    assert outside.status_code == 422


def test_the_schedule_shows_a_day_and_a_week_and_a_block_takes_the_facility(client, auth):
    owner = make_user("pemilik@example.test")
    sentra = make_sentra(owner=owner)
    facility = make_facility(sentra, price=0, units=2)
    book_slot(make_user(name="Dimas Penjahit"), facility, at(1, 9), at(1, 11))
    db.session.commit()
    auth.login(owner.email)
    url = f"/kelola/{sentra.slug}/fasilitas/{facility.id}"
    day = at(1, 9).date().isoformat()
    assert "Dimas Penjahit" in client.get(f"{url}?hari={day}").get_data(as_text=True)
    assert "Dimas Penjahit" in client.get(f"{url}?hari={at(0, 9).date().isoformat()}&minggu=1").get_data(as_text=True)
    blocked = client.post(url, data={"key": "m", "day": at(3, 9).date().isoformat(), "starts": "08:00", "ends": "12:00",
                                     "note": "Servis mesin"})
    assert blocked.status_code == 302
    stranger = make_user("lain@example.test")
    make_sentra("32.75.04.1001", owner=stranger)
    db.session.commit()
    auth.logout()
    auth.login(stranger.email)
    assert client.get(url).status_code == 404


def test_the_storefront_lists_the_facilities(client):
    sentra = make_sentra()
    make_facility(sentra, name="Studio Foto Produk")
    assert "Studio Foto Produk" in client.get(f"/sentra/{sentra.slug}").get_data(as_text=True)
    assert "Studio Foto Produk" in client.get("/fasilitas").get_data(as_text=True)
