"""Issue 17's defects, each walked on a 360 px phone screen in a real browser."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from shop.extensions import db
from tests.factories import PASSWORD, make_product, make_sentra, make_user
from tests.orders.tracking_helpers import new_order, ready_pickup

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


@pytest.fixture
def sizes():
    sentra = make_sentra("32.75.08.1001", name="Sentra Kreatif Jatiwaringin")
    product = make_product(sentra, title="Kaos Batik Bekasi", subsector="fesyen", variants=[
        {"options": "Ukuran=S", "price_idr": 85_000, "stock": 3},
        {"options": "Ukuran=M", "price_idr": 90_000, "stock": 2},
        {"options": "Ukuran=L", "price_idr": 95_000, "stock": 0},
    ])
    db.session.commit()
    return product


def test_tapping_a_variant_chip_chooses_it_for_the_cart(phone: Page, live_server: str, sizes):
    phone.goto(f"{live_server}/p/{sizes.id}-{sizes.slug}")
    expect(phone.locator("select")).to_have_count(0)  # one picker for one choice
    phone.locator(".variant-chip", has_text="Ukuran: M").click()
    expect(phone.locator(".product-price .price")).to_have_text("Rp90.000")
    expect(phone.locator(".product-stock")).to_contain_text("2")
    phone.locator("form.add-to-cart button[type=submit]").click()
    phone.goto(f"{live_server}/cart")
    expect(phone.locator("main")).to_contain_text("Ukuran: M")
    expect(phone.locator("main")).not_to_contain_text("Ukuran: S")


def test_a_sold_out_variant_chip_is_disabled(phone: Page, live_server: str, sizes):
    phone.goto(f"{live_server}/p/{sizes.id}-{sizes.slug}")
    large = phone.locator(".variant-chip", has_text="Ukuran: L")
    expect(large.locator("input")).to_be_disabled()
    expect(large).to_have_css("opacity", "0.55")
    large.click(force=True)
    expect(large.locator("input")).not_to_be_checked()


def test_the_variant_chips_add_to_cart_without_javascript(browser, live_server: str, sizes):
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    page = context.new_page()
    try:
        page.goto(f"{live_server}/p/{sizes.id}-{sizes.slug}")
        page.locator(".variant-chip", has_text="Ukuran: S").click()
        page.locator("form.add-to-cart button[type=submit]").click()
        page.goto(f"{live_server}/cart")
        expect(page.locator("main")).to_contain_text("Ukuran: S")
    finally:
        context.close()


LONG_EMAIL = "sri.wahyuningsih.rahmawati.pengrajin.batik.bekasi@contoh-sentra-ekonomi-kreatif.example.test"

# The element boxes that reach past the right edge, named so a failure says what to fix.
WIDER_THAN_SCREEN = """() => {
  const width = window.innerWidth;
  const clipped = (el) => {  // inside a box that scrolls or clips sideways: it does not widen the page
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      if (["auto", "scroll", "hidden", "clip"].includes(getComputedStyle(up).overflowX)) return true;
    }
    return false;
  };
  return [...document.querySelectorAll("body *")]
    .filter((el) => el.getBoundingClientRect().right > width + 0.5 && el.getClientRects().length && !clipped(el))
    .slice(0, 8)
    .map((el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + (el.className ? "." + String(el.className).trim().replace(/\\s+/g, ".") : ""));
}"""


def assert_no_sideways_scroll(page: Page, url: str) -> None:
    page.goto(url)
    scroll_width, inner_width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll_width <= inner_width, (url, scroll_width, page.evaluate(WIDER_THAN_SCREEN))


def test_search_pages_do_not_scroll_sideways_on_a_phone(phone: Page, live_server: str, shelf):
    for path in ("/search", "/search?q=keripik", "/search?q=keripik&subsector=kuliner&in_stock=1&min_price=10000",
                 "/search?q=jatiwaringin", "/search?q=tidakadayangcocok", f"/p/{shelf.id}-{shelf.slug}", "/"):
        assert_no_sideways_scroll(phone, f"{live_server}{path}")


def test_account_pages_with_a_long_email_do_not_scroll_sideways_on_a_phone(phone: Page, live_server: str):
    make_user(LONG_EMAIL, name="Sri Wahyuningsih Rahmawati")
    db.session.commit()
    phone.goto(f"{live_server}/login")
    phone.fill("#email", LONG_EMAIL)
    phone.fill("#password", PASSWORD)
    phone.locator("main form button[type=submit]").click()
    expect(phone.locator("form[action='/logout']")).to_have_count(1)
    for path in ("/akun", "/akun/sandi", "/akun/alamat", "/akun/alamat/baru", "/orders", "/cart"):
        assert_no_sideways_scroll(phone, f"{live_server}{path}")


def test_a_wrong_tracking_code_says_so_and_the_retry_finds_the_order(phone: Page, live_server: str):
    order = ready_pickup(new_order())
    phone.goto(f"{live_server}/track/{order.number}?code=SALAH123")
    expect(phone.locator("[role=alert]")).to_contain_text("Kode pelacakan salah")
    expect(phone.locator("#number")).to_have_value(order.number)
    phone.fill("#code", order.tracking_code)
    phone.locator("main form button[type=submit]").click()
    expect(phone).to_have_url(re.compile(rf"/track/{order.number}\?code="))
    expect(phone.locator("h1")).to_contain_text(order.number)
    expect(phone.locator("[role=alert]")).to_have_count(0)
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
