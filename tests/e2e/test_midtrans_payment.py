"""A buyer on a phone pays by QRIS: the QR is on the page (drawn by us), Midtrans' notification
arrives, and the page moves on by itself (CSRF on, CSP on, 360 px)."""
from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from shop.extensions import db
from tests.e2e.test_phone import PHONE, assert_no_sideways_scroll
from tests.factories import make_user
from tests.orders.midtrans_fixtures import *  # noqa: F403  (fixtures)

PASSWORD = "correct-horse-battery"


def _log_in(page: Page, live_server: str, email: str) -> None:
    page.goto(f"{live_server}/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page.locator("form[action='/logout']")).to_have_count(1)


def test_the_qris_page_shows_the_qr_and_updates_itself_when_the_payment_lands(
        page: Page, live_server: str, make_midtrans_checkout, midtrans):
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.set_viewport_size(PHONE)
    buyer = make_user()
    db.session.commit()
    checkout = make_midtrans_checkout("qris", buyer=buyer)
    order_id = checkout.payment.provider_ref
    _log_in(page, live_server, buyer.email)
    assert_no_sideways_scroll(page, f"{live_server}/checkout/{checkout.id}/bayar")

    expect(page.locator("figure.qr-box svg.qr-svg")).to_be_visible()
    expect(page.locator("[data-countdown]")).to_contain_text(re.compile(r"\d+:\d\d"))

    midtrans.settle(order_id)
    assert midtrans.notify(live_server, order_id).status_code == 200

    expect(page.locator("[data-midtrans-paid]")).to_be_visible()
    expect(page).to_have_url(re.compile(rf"/checkout/{checkout.id}/selesai$"))
    assert not [e for e in errors if "Content Security Policy" in e], errors


def test_a_virtual_account_page_fits_a_phone(page: Page, live_server: str, make_midtrans_checkout, midtrans):
    page.set_viewport_size(PHONE)
    buyer = make_user()
    db.session.commit()
    checkout = make_midtrans_checkout("va_mandiri", buyer=buyer)
    _log_in(page, live_server, buyer.email)
    assert_no_sideways_scroll(page, f"{live_server}/checkout/{checkout.id}/bayar")
    expect(page.locator("[data-va-number]")).to_have_text(midtrans.only()["bill_key"])


def test_on_a_phone_the_buyer_chooses_a_virtual_account_bank_and_gets_its_number(page: Page, live_server: str,
                                                                                 midtrans):
    from tests.e2e.test_checkout_journey import _choose, _new_address
    from tests.factories import fill_cart, make_product, make_sentra

    page.set_viewport_size(PHONE)
    buyer = make_user()
    sentra = make_sentra("32.75.08.1001")
    variant = make_product(sentra, variants=[{"price_idr": 25_000, "stock": 5}]).variants[0]
    fill_cart(buyer, [(variant, 2)])
    db.session.commit()
    _log_in(page, live_server, buyer.email)
    page.goto(f"{live_server}/checkout")
    _new_address(page)
    _choose(page, f"#d-{sentra.slug}-pickup")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    expect(page.locator("#pm-va_bni")).to_be_hidden()  # the bank is the second step
    page.locator("details.va-choice summary").click()
    page.check("#pm-va_bni")
    page.locator("button[value=place]").click()

    expect(page.locator("[data-va-number]")).to_have_text(midtrans.only()["va_numbers"][0]["va_number"])
    assert midtrans.charges[0]["bank_transfer"] == {"bank": "bni"}
