"""Search in a real browser: suggestions as you type, facets and chips, and the page without JavaScript."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from shop.extensions import db
from tests.factories import make_product, make_sentra


@pytest.fixture
def shelf():
    pondok = make_sentra("32.75.08.1001", name="Sentra Kreatif Jatiwaringin")
    timur = make_sentra("32.75.01.1001", name="Sentra Bekasi Jaya")
    tas = make_product(pondok, title="Tas Anyaman Bambu", variants=[{"price_idr": 150_000, "stock": 4}])
    make_product(pondok, title="Keranjang Anyaman Pandan", variants=[{"price_idr": 90_000, "stock": 2}])
    make_product(timur, title="Dompet Anyaman Kulit", variants=[{"price_idr": 60_000, "stock": 1}])
    db.session.commit()
    return tas


def watch_console(page: Page) -> list[str]:
    """Errors the page logs (a CSP violation shows up here)."""
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def pick_first_suggestion_with_the_keyboard(page: Page, box: str, text: str) -> None:
    field = page.locator(box)
    field.fill(text)
    listbox = page.get_by_role("listbox")
    expect(listbox).to_be_visible()
    expect(field).to_have_attribute("aria-expanded", "true")
    options = listbox.get_by_role("option")
    expect(options.first).to_be_visible()
    assert options.count() < 10

    field.press("Escape")
    expect(listbox).to_be_hidden()
    expect(field).to_have_attribute("aria-expanded", "false")

    field.press("ArrowDown")  # opens the list again
    expect(listbox).to_be_visible()
    field.press("ArrowDown")  # first option
    expect(options.first).to_have_attribute("aria-selected", "true")
    expect(field).to_have_attribute("aria-activedescendant", options.first.get_attribute("id"))
    field.press("Enter")


def test_typing_on_the_search_page_suggests_and_the_keyboard_picks_one(page: Page, live_server: str, shelf):
    errors = watch_console(page)
    page.goto(f"{live_server}/search")
    pick_first_suggestion_with_the_keyboard(page, "#search-q", "tas anyam")
    expect(page).to_have_url(re.compile(rf"/p/{shelf.id}-"))
    expect(page.locator("h1")).to_have_text("Tas Anyaman Bambu")
    assert errors == []


def test_clicking_a_sentra_suggestion_opens_its_storefront(page: Page, live_server: str, shelf):
    page.goto(f"{live_server}/search")
    page.fill("#search-q", "jatiwar")
    page.get_by_role("option", name="Sentra Kreatif Jatiwaringin", exact=True).click()  # products name it too
    expect(page).to_have_url(re.compile(r"/sentra/jatiwaringin$"))


def test_typing_into_the_header_box_suggests_and_the_keyboard_picks_one(page: Page, live_server: str, shelf):
    page.goto(f"{live_server}/")
    pick_first_suggestion_with_the_keyboard(page, "#header-q", "tas anyam")
    expect(page).to_have_url(re.compile(rf"/p/{shelf.id}-"), timeout=3000)
    page.goto(f"{live_server}/")
    page.fill("#header-q", "anyaman")
    page.locator("#header-q").press("Enter")  # no option chosen: Enter submits the search
    expect(page).to_have_url(re.compile(r"/search\?q=anyaman"))


def test_a_facet_link_narrows_a_search_and_its_chip_removes_it(page: Page, live_server: str, shelf):
    errors = watch_console(page)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server}/search")
    page.fill("#search-q", "anyaman")
    page.locator(".search-box button[type=submit]").click()
    cards = page.locator(".search-main .product-card")
    expect(cards).to_have_count(3)

    page.locator(".search-filter-panel > summary").click()  # folded on a phone
    page.locator("[data-facet=kecamatan] a", has_text="Pondokgede").click()
    expect(cards).to_have_count(2)
    expect(page).to_have_url(re.compile(r"kecamatan=32\.75\.08"))
    chip = page.locator("a.chip")
    expect(chip).to_have_count(1)

    chip.click()
    expect(cards).to_have_count(3)
    expect(page.locator("a.chip")).to_have_count(0)
    expect(page).to_have_url(re.compile(r"q=anyaman"))

    page.locator(".search-filter-panel > summary").click()  # sort sits in the bottom sheet on a phone
    page.select_option("#sort", "price_asc")  # JavaScript submits the sort at once
    expect(page).to_have_url(re.compile(r"sort=price_asc"))
    expect(cards.first.locator("h3")).to_have_text("Dompet Anyaman Kulit")
    assert errors == []


def test_filters_are_open_on_a_wide_screen(page: Page, live_server: str, shelf):
    page.set_viewport_size({"width": 1200, "height": 800})
    page.goto(f"{live_server}/search?q=anyaman")
    expect(page.locator("[data-facet=kecamatan] a").first).to_be_visible()


def test_the_search_page_works_without_javascript(browser: Browser, live_server: str, shelf):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{live_server}/search")
        page.fill("#search-q", "anyaman")
        page.locator(".search-box button[type=submit]").click()
        expect(page).to_have_url(re.compile(r"/search\?q=anyaman"))
        expect(page.locator(".search-main .product-card")).to_have_count(3)
        expect(page.get_by_role("listbox")).to_have_count(0)

        page.locator(".search-filter-panel > summary").click()  # sort and filters: folded without JavaScript
        page.select_option("#sort", "price_desc")
        page.locator(".search-sort button[type=submit]").click()
        expect(page.locator(".search-main .product-card h3").first).to_have_text("Tas Anyaman Bambu")

        page.locator(".search-filter-panel > summary").click()
        page.locator("[data-facet=sentra] a", has_text="Sentra Bekasi Jaya").click()
        expect(page.locator(".search-main .product-card")).to_have_count(1)
        page.locator("a.chip").click()
        expect(page.locator(".search-main .product-card")).to_have_count(3)
    finally:
        context.close()
