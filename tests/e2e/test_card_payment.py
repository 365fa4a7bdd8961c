"""A buyer pays by card in a real browser, through localstripe's fake Stripe.js (CSRF on, CSP on)."""
from __future__ import annotations

import re

from playwright.sync_api import Page, expect
from sqlalchemy import select

from orders.core.models import Order
from shop.extensions import db
from tests.factories import make_user
from tests.orders.conftest import (  # noqa: F401  (fixtures)
    localstripe,
    localstripe_url,
    make_card_checkout,
)

PASSWORD = "correct-horse-battery"


def _log_in(page: Page, live_server: str, email: str) -> None:
    page.goto(f"{live_server}/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page.locator("form[action='/logout']")).to_have_count(1)


def _enter_card(page: Page, number: str) -> None:
    """localstripe's card element: plain inputs named by their placeholders."""
    element = page.locator("[data-card-element]")
    element.locator("input[placeholder=number]").fill(number)
    element.locator("input[placeholder=exp_month]").fill("12")
    element.locator("input[placeholder=exp_year]").fill("34")
    element.locator("input[placeholder=cvc]").fill("123")
    element.locator("input[placeholder=postal_code]").fill("17411")


def _payment_status(checkout_id: int) -> str:
    db.session.rollback()
    db.session.expire_all()
    return db.session.scalar(select(Order.payment_status).where(Order.checkout_id == checkout_id))


def _card_checkout_for_buyer(make_card_checkout, localstripe, page, live_server):  # noqa: F811
    buyer = make_user()
    db.session.commit()
    checkout = make_card_checkout(buyer=buyer, config=localstripe.config)
    _log_in(page, live_server, buyer.email)
    page.goto(f"{live_server}/checkout/{checkout.id}/bayar")
    return checkout


def test_buyer_pays_by_card_on_the_payment_page(page: Page, live_server: str, localstripe,  # noqa: F811
                                                make_card_checkout):  # noqa: F811
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    checkout = _card_checkout_for_buyer(make_card_checkout, localstripe, page, live_server)

    _enter_card(page, "4242424242424242")
    page.locator("[data-card-submit]").click()

    expect(page).to_have_url(re.compile(rf"/checkout/{checkout.id}/selesai$"), timeout=15_000)
    assert _payment_status(checkout.id) == "paid"
    assert not [e for e in errors if "Content Security Policy" in e]


def test_buyer_passes_3d_secure_in_the_browser(page: Page, live_server: str, localstripe,  # noqa: F811
                                               make_card_checkout):  # noqa: F811
    checkout = _card_checkout_for_buyer(make_card_checkout, localstripe, page, live_server)

    _enter_card(page, "4000002500003155")
    page.locator("[data-card-submit]").click()
    page.get_by_role("button", name="Complete authentication").click()

    expect(page).to_have_url(re.compile(rf"/checkout/{checkout.id}/selesai$"), timeout=15_000)
    assert _payment_status(checkout.id) == "paid"


def test_declined_card_shows_why_and_another_card_pays(page: Page, live_server: str, localstripe,  # noqa: F811
                                                       make_card_checkout):  # noqa: F811
    checkout = _card_checkout_for_buyer(make_card_checkout, localstripe, page, live_server)

    _enter_card(page, "4000000000000341")
    page.locator("[data-card-submit]").click()
    expect(page.locator("[data-card-error]")).to_contain_text("declined")
    assert _payment_status(checkout.id) == "unpaid"

    _enter_card(page, "4242424242424242")
    page.locator("[data-card-submit]").click()
    expect(page).to_have_url(re.compile(rf"/checkout/{checkout.id}/selesai$"), timeout=15_000)
    assert _payment_status(checkout.id) == "paid"
