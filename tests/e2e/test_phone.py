"""Issue 17's defects, each walked on a 360 px phone screen in a real browser."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from shop.extensions import db
from tests.factories import make_product, make_sentra

PHONE = {"width": 360, "height": 740}


@pytest.fixture
def phone(page: Page) -> Page:
    page.set_viewport_size(PHONE)
    return page


@pytest.fixture
def shelf():
    jatiwaringin = make_sentra("32.75.08.1001", name="Sentra Kreatif Jatiwaringin")
    bekasi_jaya = make_sentra("32.75.01.1001", name="Sentra Bekasi Jaya")
    keripik = make_product(jatiwaringin, title="Keripik Singkong Balado", subsector="kuliner",
                           variants=[{"price_idr": 15_000, "stock": 8}])
    make_product(bekasi_jaya, title="Keripik Tempe Pedas", subsector="kuliner",
                 variants=[{"price_idr": 12_000, "stock": 5}])
    make_product(jatiwaringin, title="Tas Anyaman Bambu", variants=[{"price_idr": 150_000, "stock": 4}])
    db.session.commit()
    return keripik


def test_the_home_search_box_finds_products(phone: Page, live_server: str, shelf):
    phone.goto(f"{live_server}/")
    phone.fill("#home-q", "keripik")
    phone.locator(".hero-search button[type=submit]").click()
    expect(phone).to_have_url(re.compile(r"/search\?q=keripik"))
    expect(phone.locator("#search-count")).to_have_text("2 produk")
    expect(phone.locator(".product-card h3")).to_have_count(2)
    expect(phone.get_by_role("link", name="Keripik Singkong Balado")).to_be_visible()


def test_the_home_search_box_shows_matching_sentras_beside_products(phone: Page, live_server: str, shelf):
    phone.goto(f"{live_server}/")
    phone.fill("#home-q", "jatiwaringin")
    phone.locator(".hero-search button[type=submit]").click()
    matches = phone.locator(".sentra-matches")
    expect(matches.get_by_role("link")).to_have_count(1)
    matches.get_by_role("link", name=re.compile("Sentra Kreatif Jatiwaringin")).click()
    expect(phone).to_have_url(re.compile(r"/sentra/jatiwaringin$"))
