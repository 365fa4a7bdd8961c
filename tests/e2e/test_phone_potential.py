"""The potential map on a 360 px phone (issue 22): the office reads the map and its table, a sentra
member opens "Peluang" and starts a product from a term nobody offers."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from orders.potential.rollup import refresh_orders, roll_up_searches
from orders.potential.stale import wib_day
from shop.extensions import db
from tests.e2e.test_phone import PHONE, assert_no_sideways_scroll
from tests.factories import PASSWORD, make_sentra, make_user
from tests.orders.potential.helpers import KEL_A, log


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


@pytest.fixture
def searched():
    """Five people of Jatiwaringin searched "tenun ikat" yesterday and found nothing."""
    yesterday = wib_day(None) - timedelta(days=1)
    for who in ("s1", "s2", "s3", "s4", "s5"):
        log(yesterday, "tenun ikat", who, KEL_A)
    make_user("kantor@example.test", admin=True)
    owner = make_user("pengelola@example.test")
    sentra = make_sentra(KEL_A, owner=owner)
    db.session.commit()
    while roll_up_searches():
        db.session.commit()
    while refresh_orders():
        db.session.commit()
    return sentra


def test_the_office_reads_the_map_and_its_table_on_a_phone(phone: Page, live_server: str, searched):
    _log_in(phone, live_server, "kantor@example.test")
    url = f"{live_server}/admin/potensi"
    phone.goto(url)
    expect(phone.locator("h1")).to_have_text("Potensi dan kebutuhan")
    cells = phone.locator("svg.map g.kel")
    expect(cells).to_have_count(56)
    expect(phone.locator('svg.map g.kel[data-code="32.75.08.1001"] path.shade-5')).to_have_count(1)
    expect(phone.locator("svg.map text.kel-name", has_text="Jatiwaringin")).to_have_count(1)
    first_column = phone.locator("table.potential-table tbody th").first
    assert first_column.evaluate("el => getComputedStyle(el).position") == "sticky"
    expect(phone.locator("table.potential-table")).to_contain_text("tenun ikat")
    assert_no_sideways_scroll(phone, url)
    phone.select_option("#map-subsector", "kriya")
    phone.get_by_role("button", name="Tampilkan").last.click()
    expect(phone).to_have_url(re.compile(r"subsektor=kriya"))
    expect(phone.locator(".impact-map-caption")).to_contain_text("Kriya")
    assert_no_sideways_scroll(phone, phone.url)
    phone.get_by_role("link", name="Jatiwaringin").first.click()
    expect(phone.locator("h1")).to_contain_text("Potensi Jatiwaringin")
    assert_no_sideways_scroll(phone, phone.url)


def test_a_member_starts_a_product_from_peluang_on_a_phone(phone: Page, live_server: str, searched):
    _log_in(phone, live_server, "pengelola@example.test")
    phone.goto(f"{live_server}/kelola/{searched.slug}/pesanan")
    phone.locator("details.manage-menu summary").click()
    phone.locator("details.manage-menu").get_by_role("link", name="Peluang", exact=True).click()
    expect(phone).to_have_url(re.compile(rf"/kelola/{searched.slug}/peluang$"))
    assert_no_sideways_scroll(phone, phone.url)
    button = phone.get_by_role("link", name="Buat produk ini").first
    assert button.bounding_box()["height"] >= 44
    button.click()
    expect(phone).to_have_url(re.compile(r"/produk/baru\?judul=tenun"))
    expect(phone.locator("input[name=title]")).to_have_value("tenun ikat")
