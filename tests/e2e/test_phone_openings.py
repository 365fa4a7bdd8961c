"""Openings on a 360 px phone (issue 20): a resident applies with skill chips; the sentra shortlists, sees the phone
number and accepts the applicant as a member."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from orders.openings.models import JobApplication
from shop.extensions import db
from shop.sentras.models import SentraMembership
from tests.e2e.test_phone import PHONE, assert_no_sideways_scroll
from tests.factories import PASSWORD, make_sentra, make_user
from tests.orders.openings.helpers import apply, make_opening


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


def test_a_resident_applies_to_an_opening_on_a_phone(phone: Page, live_server: str):
    sentra = make_sentra("32.75.08.1001", name="Sentra Kreatif Jatiwaringin")
    opening = make_opening(sentra, title="Asisten Produksi Batik", skills=("menjahit", "membatik"))
    make_user("warga@example.test", name="Wulan Warga")
    db.session.commit()
    _log_in(phone, live_server, "warga@example.test")

    phone.goto(f"{live_server}/lowongan")
    assert_no_sideways_scroll(phone, f"{live_server}/lowongan")
    phone.get_by_role("link", name="Asisten Produksi Batik").click()
    expect(phone).to_have_url(re.compile(rf"/lowongan/{opening.id}$"))
    assert_no_sideways_scroll(phone, phone.url)
    phone.fill("#motivation", "Saya biasa membatik di rumah dan ingin bekerja di sentra.")
    phone.get_by_label("membatik").check()
    phone.fill("#birth_year", "2005")
    phone.select_option("#kelurahan_code", "32.75.08.1001")
    phone.fill("#phone", "0812-3456-7890")
    phone.get_by_role("button", name="Kirim lamaran saya").click()

    expect(phone.locator(".flash")).to_contain_text("Lamaran Anda terkirim")
    expect(phone.locator("main")).to_contain_text("Menunggu jawaban")
    assert_no_sideways_scroll(phone, phone.url)
    db.session.expire_all()
    application = db.session.scalars(select(JobApplication)).one()
    assert application.skills == ["membatik"] and application.birth_year == 2005


def test_a_manager_shortlists_and_accepts_on_a_phone(phone: Page, live_server: str):
    owner = make_user("pengelola@example.test", name="Pengelola Sentra")
    sentra = make_sentra("32.75.08.1001", owner=owner)
    application = apply(make_user(name="Bagus Pelamar"), make_opening(sentra), phone="0813-2222-3333")
    db.session.commit()
    _log_in(phone, live_server, owner.email)

    phone.goto(f"{live_server}/kelola/{sentra.slug}/lowongan/lamaran")
    assert_no_sideways_scroll(phone, phone.url)
    phone.get_by_role("link", name="Bagus Pelamar").click()
    expect(phone.get_by_test_id("applicant-phone")).not_to_contain_text("+6281322223333")
    phone.get_by_label("Masukkan daftar pendek").check()
    phone.get_by_role("button", name="Simpan dan kabari pelamar").click()
    expect(phone.locator(".flash")).to_contain_text("Pelamar sudah dikabari")
    expect(phone.get_by_test_id("applicant-phone")).to_contain_text("+6281322223333")
    assert_no_sideways_scroll(phone, phone.url)

    phone.get_by_label("Terima sebagai anggota").check()
    phone.fill("#note", "Selamat bergabung, mulai Senin.")
    phone.get_by_role("button", name="Simpan dan kabari pelamar").click()
    expect(phone.get_by_test_id("application-status")).to_contain_text("Diterima")
    db.session.expire_all()
    assert db.session.scalar(select(SentraMembership).where(
        SentraMembership.sentra_id == sentra.id, SentraMembership.user_id == application.applicant_id)) is not None
    for path in (f"/kelola/{sentra.slug}/lowongan/", f"/kelola/{sentra.slug}/lowongan/baru"):
        assert_no_sideways_scroll(phone, f"{live_server}{path}")
