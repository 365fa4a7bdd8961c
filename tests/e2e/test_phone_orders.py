"""Issue 17, items 5-7 on a 360 px phone: the sentra's order page, the checkout and the payment page."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from orders.core.models import Order
from shop.extensions import db
from tests.e2e.test_phone import PHONE, assert_no_sideways_scroll
from tests.factories import PASSWORD
from tests.orders.tracking_helpers import new_order


@pytest.fixture
def phone(page: Page) -> Page:
    page.set_viewport_size(PHONE)
    return page


def log_in(page: Page, live_server: str, email: str) -> None:
    page.goto(f"{live_server}/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page.locator("form[action='/logout']")).to_have_count(1)


def fully_on_screen(page: Page, selector: str) -> bool:
    """The element's box lies inside the first screen, without scrolling."""
    return page.evaluate("""(selector) => {
      const box = document.querySelector(selector).getBoundingClientRect();
      return box.top >= 0 && box.left >= 0 && box.bottom <= window.innerHeight && box.right <= window.innerWidth;
    }""", selector)


def reload_order(order_id: int) -> Order:
    db.session.rollback()
    db.session.expire_all()
    return db.session.get(Order, order_id)


# --- 5. the sentra's order page ------------------------------------------------------------------


@pytest.fixture
def new_pickup_order():
    setup = new_order()
    setup.owner.email = "pengelola@example.test"
    db.session.commit()
    return setup


def _first_button_in_main(page: Page) -> str:
    # The first button (or button-like link) in reading order, leaving out the folded menu's summary.
    return page.evaluate("""() => {
      const b = [...document.querySelectorAll("main button, main a.button")].find((el) => el.getClientRects().length);
      return b ? b.textContent.trim() : null;
    }""")


def test_the_next_step_comes_first_on_the_sentras_order_page(phone: Page, live_server: str, new_pickup_order):
    order = new_pickup_order.order
    log_in(phone, live_server, "pengelola@example.test")
    phone.goto(f"{live_server}/kelola/{new_pickup_order.sentra.slug}/pesanan/{order.number}")

    assert _first_button_in_main(phone) == "Terima pesanan"
    assert fully_on_screen(phone, ".next-step button.primary")
    phone.locator(".next-step").get_by_role("button", name="Terima pesanan").click()

    # Accepted: the step that moves a pickup order on is offered first, before "Dikemas".
    expect(phone.locator(".next-step button.primary")).to_have_text("Siap diambil")
    assert _first_button_in_main(phone) == "Siap diambil"
    assert fully_on_screen(phone, ".next-step button.primary")
    expect(phone.locator(".next-step")).to_contain_text("Dikemas")
    phone.locator(".next-step button.primary").click()

    # Ready: the handover with the buyer's pickup code is next, on the first screen.
    expect(phone.locator(".next-step form.handover-form")).to_be_visible()
    assert _first_button_in_main(phone) == "Serahkan"
    assert fully_on_screen(phone, ".next-step form.handover-form button[type=submit]")
    phone.fill("#handover-code-order", reload_order(order.id).pickup_code)
    phone.locator(".next-step input[name=paid_with][value=cash]").check()
    phone.locator(".next-step form.handover-form button[type=submit]").click()
    expect(phone.locator(".next-step")).to_contain_text("Sudah diterima")
    assert reload_order(order.id).status == "delivered"


def test_the_cancel_button_is_folded_away_and_asks_for_a_reason_first(phone: Page, live_server: str,
                                                                        new_pickup_order):
    order = new_pickup_order.order
    log_in(phone, live_server, "pengelola@example.test")
    phone.goto(f"{live_server}/kelola/{new_pickup_order.sentra.slug}/pesanan/{order.number}")
    cancel = phone.get_by_role("link", name="Batalkan pesanan")
    expect(cancel).to_be_hidden()
    more = phone.locator("details.more-actions")
    # Below everything the sentra reads about the order.
    assert more.bounding_box()["y"] > phone.locator(".next-step").bounding_box()["y"]
    assert more.bounding_box()["y"] > phone.locator("main h3", has_text="Riwayat").bounding_box()["y"]
    more.locator("summary").click()
    cancel.click()
    expect(phone).to_have_url(re.compile(rf"/pesanan/{order.number}/batal$"))
    expect(phone.locator("main textarea")).to_be_visible()
    assert reload_order(order.id).status == "placed"  # opening the menu and the page cancels nothing


def test_the_sentra_menu_is_one_folded_menu_on_a_phone(phone: Page, live_server: str, new_pickup_order):
    order = new_pickup_order.order
    sentra = new_pickup_order.sentra
    log_in(phone, live_server, "pengelola@example.test")
    phone.goto(f"{live_server}/kelola/{sentra.slug}/pesanan/{order.number}")
    menu = phone.locator("details.manage-menu")
    expect(menu.locator("summary")).to_contain_text("Pesanan")  # names the page you are on
    links = menu.locator("nav a")
    expect(links).to_have_count(11)
    expect(links.first).to_be_hidden()
    summary_box = menu.locator("summary").bounding_box()
    assert summary_box["height"] >= 44
    menu.locator("summary").click()
    expect(links.first).to_be_visible()
    for index in range(11):
        assert links.nth(index).bounding_box()["height"] >= 44
    menu.get_by_role("link", name="Produk").click()
    expect(phone).to_have_url(re.compile(rf"/kelola/{sentra.slug}/produk"))
    expect(phone.locator("details.manage-menu summary")).to_contain_text("Produk")


def test_the_sentra_menu_is_a_row_of_tabs_on_a_wide_screen(page: Page, live_server: str, new_pickup_order):
    page.set_viewport_size({"width": 1200, "height": 800})
    log_in(page, live_server, "pengelola@example.test")
    page.goto(f"{live_server}/kelola/{new_pickup_order.sentra.slug}/pesanan/{new_pickup_order.order.number}")
    links = page.locator("details.manage-menu nav a")
    expect(links.first).to_be_visible()
    expect(page.locator("details.manage-menu summary")).to_be_hidden()
    assert links.nth(0).bounding_box()["y"] == links.nth(3).bounding_box()["y"]  # one row


def test_the_sentras_order_pages_do_not_scroll_sideways_on_a_phone(phone: Page, live_server: str,
                                                                   new_pickup_order):
    sentra, order = new_pickup_order.sentra, new_pickup_order.order
    log_in(phone, live_server, "pengelola@example.test")
    for path in (f"/kelola/{sentra.slug}/pesanan", f"/kelola/{sentra.slug}/pesanan/{order.number}",
                 f"/kelola/{sentra.slug}/pesanan/{order.number}/batal", f"/kelola/{sentra.slug}/"):
        assert_no_sideways_scroll(phone, f"{live_server}{path}")
