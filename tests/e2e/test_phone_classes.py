"""Classes and facilities on a 360 px phone (issue 19): a resident books a seat, a member checks people in
by code; a resident books a facility and the sentra reads its schedule."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from orders.classes.models import ClassBooking
from shop.extensions import db
from tests.e2e.test_phone import PHONE, assert_no_sideways_scroll
from tests.factories import PASSWORD, make_sentra, make_user
from tests.orders.classes.helpers import book, make_class
from tests.orders.facilities.helpers import at, make_facility


@pytest.fixture
def phone(page: Page) -> Page:
    page.set_viewport_size(PHONE)
    return page


def _log_in(page: Page, live_server: str, email: str) -> None:
    page.goto(f"{live_server}/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page.locator("form[action='/logout']")).to_have_count(1)


def test_a_resident_books_a_free_seat_on_a_phone_and_sees_the_code(phone: Page, live_server: str):
    sentra = make_sentra("32.75.08.1001", name="Sentra Kreatif Jatiwaringin")
    klass = make_class(sentra, title="Kelas Ecoprint Daun", capacity=6)
    make_user("warga@example.test", name="Wulan Warga")
    db.session.commit()
    _log_in(phone, live_server, "warga@example.test")

    phone.goto(f"{live_server}/kelas")
    assert_no_sideways_scroll(phone, f"{live_server}/kelas")
    phone.get_by_role("link", name="Kelas Ecoprint Daun").click()
    expect(phone).to_have_url(re.compile(rf"/kelas/{klass.id}$"))
    phone.fill("#seats", "2")
    phone.get_by_role("button", name="Pesan gratis").click()

    expect(phone.locator(".flash")).to_contain_text("Kursi Anda sudah dipesan")
    db.session.expire_all()
    booking = db.session.query(ClassBooking).one()
    expect(phone.get_by_test_id("attendance-code")).to_have_text(booking.code)
    assert booking.seats == 2
    assert_no_sideways_scroll(phone, phone.url)
    assert_no_sideways_scroll(phone, f"{live_server}/kelas/{klass.id}")


def test_a_member_checks_attendees_in_by_code_on_a_phone(phone: Page, live_server: str):
    owner = make_user("pengelola@example.test", name="Pengelola Sentra")
    sentra = make_sentra("32.75.08.1001", owner=owner)
    klass = make_class(sentra, title="Kelas Sablon Kaos")
    booking = book(make_user(name="Bagus Peserta"), klass, 1).booking
    db.session.commit()
    _log_in(phone, live_server, owner.email)

    url = f"{live_server}/kelola/{sentra.slug}/kelas/{klass.id}/hadir"
    phone.goto(url)
    assert_no_sideways_scroll(phone, url)
    wrong = "000000" if booking.code != "000000" else "111111"
    phone.fill("#code", wrong)
    phone.get_by_role("button", name="Catat hadir").first.click()
    expect(phone.locator(".error")).to_contain_text("Kode ini tidak berlaku")
    expect(phone.locator("main")).not_to_contain_text("Checked in")

    phone.fill("#code", booking.code.lower())
    phone.get_by_role("button", name="Catat hadir").first.click()
    expect(phone.locator(".flash")).to_contain_text("Bagus Peserta sudah hadir")
    expect(phone.locator(f"#booking-{booking.id}")).to_contain_text("Hadir")
    for path in (f"/kelola/{sentra.slug}/kelas/", f"/kelola/{sentra.slug}/kelas/baru",
                 f"/kelola/{sentra.slug}/kelas/{klass.id}"):
        assert_no_sideways_scroll(phone, f"{live_server}{path}")


def test_a_resident_books_a_facility_and_the_sentra_reads_its_schedule_on_a_phone(phone: Page, live_server: str):
    owner = make_user("pengelola@example.test", name="Pengelola Sentra")
    sentra = make_sentra("32.75.08.1001", owner=owner)
    facility = make_facility(sentra, name="Mesin Jahit Portable", price=0)
    make_user("warga@example.test", name="Wulan Warga")
    db.session.commit()
    _log_in(phone, live_server, "warga@example.test")
    phone.goto(f"{live_server}/fasilitas/{facility.id}")
    assert_no_sideways_scroll(phone, phone.url)
    day = at(2, 10).date().isoformat()
    phone.fill("#day", day)
    phone.fill("#starts", "10:00")
    phone.fill("#ends", "12:00")
    phone.get_by_role("button", name="Pesan", exact=True).click()
    expect(phone.locator(".flash")).to_contain_text("Dipesan: Mesin Jahit Portable")

    phone.context.clear_cookies()
    _log_in(phone, live_server, owner.email)
    url = f"{live_server}/kelola/{sentra.slug}/fasilitas/{facility.id}?hari={day}"
    phone.goto(url)
    expect(phone.locator(".schedule-day")).to_contain_text("Wulan Warga")
    assert_no_sideways_scroll(phone, url)
    assert_no_sideways_scroll(phone, f"{url}&minggu=1")
    assert_no_sideways_scroll(phone, f"{live_server}/kelola/{sentra.slug}/fasilitas/")
