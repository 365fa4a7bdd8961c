"""Issue 17, items 1 and 3: the home page is a shop, and search works on a 360 px phone screen."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Browser, Page, expect

from catalog.images import add_photo
from orders.core.models import OrderStatus, PaymentStatus
from shop.db import utcnow
from shop.extensions import db
from tests.e2e.test_phone import PHONE, assert_no_sideways_scroll
from tests.factories import make_checkout, make_product, make_sentra, make_user, png_bytes

PONDOKGEDE, BEKASI_TIMUR = "32.75.08", "32.75.01"


@pytest.fixture
def phone(page: Page) -> Page:
    page.set_viewport_size(PHONE)
    return page


def sell(product, quantity: int = 1) -> None:
    """A completed, paid order of ``quantity`` of ``product``, placed yesterday."""
    order = make_checkout(make_user(), [(product.variants[0], quantity)]).orders[0]
    order.status, order.payment_status = OrderStatus.COMPLETED, PaymentStatus.PAID
    order.created_at = utcnow() - timedelta(days=1)
    db.session.commit()


@pytest.fixture
def market():
    """Two sentras in two kecamatan; photos on every product; the oldest one is the best seller."""
    pondok = make_sentra(f"{PONDOKGEDE}.1001", name="Sentra Kreatif Jatiwaringin")
    barat = make_sentra(f"{BEKASI_TIMUR}.1001", name="Sentra Bekasi Jaya")
    products = {}
    for sentra, title, stock, colour in (
        (pondok, "Keripik Singkong Balado", 8, (200, 80, 20)),
        (barat, "Tas Anyaman Bambu", 4, (120, 90, 40)),
        (pondok, "Batik Tulis Baru", 6, (30, 60, 140)),  # newest, never sold
    ):
        product = make_product(sentra, title=title, subsector="kuliner" if "Keripik" in title else "kriya",
                               variants=[{"price_idr": 25_000, "stock": stock}])
        add_photo(product, png_bytes(400, 400, colour))
        products[title] = product
    db.session.commit()
    sell(products["Keripik Singkong Balado"], 3)
    sell(products["Tas Anyaman Bambu"], 1)
    return products


# --- 1. Home is a shop ---------------------------------------------------------------------------


def test_popular_product_cards_with_photos_are_on_the_first_screen(phone: Page, live_server: str, market):
    phone.goto(f"{live_server}/")
    cards = phone.locator(".home-popular .product-card")
    expect(cards).to_have_count(3)
    first_photo = cards.first.locator("img")
    expect(first_photo).to_be_visible()
    expect(first_photo).to_have_js_property("complete", True)
    assert first_photo.evaluate("img => img.naturalWidth") > 0
    box = first_photo.bounding_box()
    assert box is not None and box["y"] + box["height"] <= PHONE["height"], box  # above the fold


def test_popular_means_most_sold_not_newest(phone: Page, live_server: str, market):
    phone.goto(f"{live_server}/")
    titles = phone.locator(".home-popular .product-card h3")
    expect(titles).to_have_text(["Keripik Singkong Balado", "Tas Anyaman Bambu", "Batik Tulis Baru"])
    expect(phone.locator(".home-popular .product-card").first).to_contain_text("Sentra Kreatif Jatiwaringin")


def test_a_sold_out_best_seller_follows_the_best_sellers_in_stock(phone: Page, live_server: str, market):
    sell(market["Keripik Singkong Balado"], 5)  # the last of it
    phone.goto(f"{live_server}/")
    titles = phone.locator(".home-popular .product-card h3")
    expect(titles).to_have_text(["Tas Anyaman Bambu", "Keripik Singkong Balado", "Batik Tulis Baru"])
    expect(phone.locator(".home-popular .product-card").nth(1).locator(".stock")).to_have_text("Habis")


def test_the_17_subsectors_are_tappable_chips(phone: Page, live_server: str, market):
    phone.goto(f"{live_server}/")
    chips = phone.locator(".subsector-chips a.chip")
    expect(chips).to_have_count(17)
    for i in range(17):
        box = chips.nth(i).bounding_box()
        assert box is not None and box["height"] >= 44, (i, box)
    chips.filter(has_text="Kuliner").click()
    expect(phone).to_have_url(re.compile(r"/kategori/kuliner$"))
    expect(phone.locator(".product-card h3")).to_have_text(["Keripik Singkong Balado"])


def test_choosing_a_kecamatan_shows_its_sentras_and_keeps_the_choice_in_the_url(phone: Page, live_server: str, market):
    phone.goto(f"{live_server}/")
    nearby = phone.locator("#sentra-terdekat")
    phone.select_option("#kecamatan", PONDOKGEDE)  # JavaScript submits the choice at once
    expect(phone).to_have_url(re.compile(rf"/\?kecamatan={re.escape(PONDOKGEDE)}#sentra-terdekat$"))
    expect(nearby.locator("h2")).to_have_text("Sentra di Kecamatan Pondokgede")
    expect(nearby.locator(".sentra-card h3")).to_have_text(["Sentra Kreatif Jatiwaringin"])

    phone.reload()  # the choice is the URL's: it survives a reload (and is its own cached page)
    expect(phone.locator("#kecamatan")).to_have_value(PONDOKGEDE)
    phone.select_option("#kecamatan", BEKASI_TIMUR)
    expect(nearby.locator(".sentra-card h3")).to_have_text(["Sentra Bekasi Jaya"])
    nearby.get_by_role("link", name="Produk dari Kecamatan Bekasi Timur").click()
    expect(phone).to_have_url(re.compile(rf"/search\?kecamatan={re.escape(BEKASI_TIMUR)}"))
    expect(phone.locator(".search-main .product-card h3")).to_have_text(["Tas Anyaman Bambu"])


def test_the_kecamatan_choice_works_without_javascript(browser: Browser, live_server: str, market):
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    try:
        page = context.new_page()
        page.goto(f"{live_server}/")
        page.select_option("#kecamatan", BEKASI_TIMUR)
        page.locator(".kecamatan-picker button[type=submit]").click()
        expect(page).to_have_url(re.compile(rf"kecamatan={re.escape(BEKASI_TIMUR)}"))
        expect(page.locator("#sentra-terdekat .sentra-card h3")).to_have_text(["Sentra Bekasi Jaya"])
    finally:
        context.close()


def test_the_home_page_does_not_scroll_sideways(phone: Page, live_server: str, market):
    for path in ("/", f"/?kecamatan={PONDOKGEDE}", "/?kecamatan=bukan-kode"):
        assert_no_sideways_scroll(phone, f"{live_server}{path}")


# --- 3. Search on a phone ------------------------------------------------------------------------


@pytest.fixture
def shelf():
    """Two matches for "anyaman": the newer one (first by the old order) is sold out."""
    pondok = make_sentra(f"{PONDOKGEDE}.1001", name="Sentra Kreatif Jatiwaringin")
    ready = make_product(pondok, title="Keranjang Anyaman Pandan", variants=[{"price_idr": 90_000, "stock": 2}])
    add_photo(ready, png_bytes(400, 400, (40, 120, 60)))
    make_product(pondok, title="Tas Anyaman Bambu", variants=[{"price_idr": 150_000, "stock": 0}])
    db.session.commit()
    return ready


def test_sold_out_items_come_after_those_in_stock(phone: Page, live_server: str, shelf):
    phone.goto(f"{live_server}/search?q=anyaman")
    cards = phone.locator(".search-main .product-card")
    expect(cards.locator("h3")).to_have_text(["Keranjang Anyaman Pandan", "Tas Anyaman Bambu"])
    expect(cards.last.locator(".stock")).to_have_text("Habis")


def test_filter_and_sort_open_in_a_bottom_sheet(phone: Page, live_server: str, shelf):
    phone.goto(f"{live_server}/search?q=anyaman")
    sort = phone.locator("#sort")
    expect(sort).to_be_hidden()  # folded away: the results take the screen
    phone.get_by_text("Filter & urutkan").first.click()
    expect(sort).to_be_visible()
    expect(sort).to_have_value("relevance")
    expect(sort.locator("option:checked")).to_have_text("Paling sesuai, stok tersedia dulu")
    sheet = phone.locator(".sheet-body")
    box = sheet.bounding_box()
    assert box is not None and abs(box["y"] + box["height"] - PHONE["height"]) <= 1, box  # at the bottom
    assert box["x"] == 0 and box["width"] == PHONE["width"]
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    phone.select_option("#sort", "price_desc")  # JavaScript submits the sort at once
    expect(phone).to_have_url(re.compile(r"sort=price_desc"))
    expect(phone.locator(".search-main .product-card h3").first).to_have_text("Tas Anyaman Bambu")
    expect(sort).to_be_hidden()  # the new results, the sheet folded again


def test_tapping_outside_the_sheet_closes_it(phone: Page, live_server: str, shelf):
    phone.goto(f"{live_server}/search?q=anyaman")
    phone.get_by_text("Filter & urutkan").first.click()
    expect(phone.locator(".sheet-body")).to_be_visible()
    phone.mouse.click(PHONE["width"] // 2, 20)  # the dimmed page above the sheet
    expect(phone.locator(".sheet-body")).to_be_hidden()


def test_the_sheet_filters_without_javascript(browser: Browser, live_server: str, shelf):
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    try:
        page = context.new_page()
        page.goto(f"{live_server}/search?q=anyaman")
        page.get_by_text("Filter & urutkan").first.click()
        page.get_by_label("Ada stok", exact=True).check()
        page.locator(".sheet-actions button[type=submit]").click()
        expect(page).to_have_url(re.compile(r"in_stock=1"))
        expect(page.locator(".search-main .product-card h3")).to_have_text(["Keranjang Anyaman Pandan"])
        expect(page.locator(".sheet-count")).to_have_text("1")  # one active filter
    finally:
        context.close()


def test_suggestions_show_the_sentra_and_a_thumbnail(phone: Page, live_server: str, shelf):
    phone.goto(f"{live_server}/")
    phone.fill("#home-q", "keranjang")
    option = phone.get_by_role("option").filter(has_text="Keranjang Anyaman Pandan")
    expect(option).to_be_visible()
    expect(option.locator(".suggest-sentra-name")).to_have_text("Sentra Kreatif Jatiwaringin")
    thumb = option.locator("img.suggest-thumb")
    expect(thumb).to_have_js_property("complete", True)
    assert thumb.evaluate("img => img.naturalWidth") > 0
    option.click()
    expect(phone).to_have_url(re.compile(rf"/p/{shelf.id}-"))


def test_an_empty_search_offers_best_sellers_not_new_unsold_items(phone: Page, live_server: str, market):
    phone.goto(f"{live_server}/search?q=tidakadayangcocok")
    popular = phone.locator(".product-card h3")
    expect(popular.first).to_have_text("Keripik Singkong Balado")
    expect(popular.last).to_have_text("Batik Tulis Baru")


def test_search_pages_with_the_sheet_do_not_scroll_sideways(phone: Page, live_server: str, shelf):
    for path in ("/search?q=anyaman", "/search?q=anyaman&in_stock=1&sort=price_asc", "/search"):
        assert_no_sideways_scroll(phone, f"{live_server}{path}")


def test_the_header_suggestions_take_the_screen_width_on_a_phone(phone: Page, live_server: str, shelf):
    phone.goto(f"{live_server}/search")
    phone.fill("#header-q", "keranjang")
    listbox = phone.get_by_role("listbox")
    expect(listbox.get_by_role("option").first).to_be_visible()
    box = listbox.bounding_box()
    assert box is not None and box["width"] >= PHONE["width"] - 20, box  # not squeezed beside the logo
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
