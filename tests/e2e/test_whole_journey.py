"""The whole journey in a real browser (CSRF and CSP on), each person in their own browser context.

A buyer searches, fills a cart from two sentras, checks out with pickup at one and the
sentra's courier from the other, and pays by card through localstripe's fake Stripe.js.
The first sentra hands over with the buyer's pickup code; the second assigns a courier,
who delivers with the buyer's delivery PIN. The buyer sees both timelines and reviews a
product, and the review shows on the product page.
"""
from __future__ import annotations

import re

from playwright.sync_api import Browser, BrowserContext, Page, expect
from sqlalchemy import select

from orders.core.models import Order
from shop.extensions import db
from shop.sentras.models import Role
from tests.factories import add_member, make_product, make_sentra, make_user
from tests.orders.conftest import localstripe, localstripe_url  # noqa: F401  (fixtures)

PASSWORD = "correct-horse-battery"


def _person(browser: Browser, live_server: str, email: str) -> tuple[BrowserContext, Page]:
    context = browser.new_context(viewport={"width": 412, "height": 915})  # a mid-range Android phone
    page = context.new_page()
    page.goto(f"{live_server}/bahasa?lang=en&next=/login")  # the test reads the English labels
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page.locator("form[action='/logout']")).to_have_count(1)
    return context, page


def _add_from_search(page: Page, live_server: str, words: str, title: str, quantity: int) -> None:
    page.goto(f"{live_server}/search?q={words}")
    page.get_by_role("link", name=title).first.click()
    expect(page.locator("h1")).to_contain_text(title)
    page.fill("#cart-quantity", str(quantity))
    page.locator("form.add-to-cart button[type=submit]").click()


def _repriced(page: Page) -> None:
    """static/js/checkout.js has brought the re-priced sections back (it updates them in place)."""
    expect(page.locator("form.checkout-form[aria-busy=true]")).to_have_count(0)


def _choose(page: Page, selector: str) -> None:
    page.check(selector)  # each delivery choice re-prices the page, without reloading it
    _repriced(page)


def _order_of(sentra_id: int) -> Order:
    db.session.rollback()
    db.session.expire_all()
    return db.session.scalar(select(Order).where(Order.sentra_id == sentra_id))


def _step(page: Page, label: str) -> None:
    page.locator(".fulfilment-actions").get_by_role("button", name=label).click()


def test_search_checkout_card_pickup_courier_delivery_and_review(browser: Browser, live_server: str,
                                                                  localstripe):  # noqa: F811
    # --- the marketplace: two sentras, their people, one product each ---------------------
    pickup_owner, courier_owner, courier = (make_user(email=e, name=n) for e, n in (
        ("pemilik.a@example.test", "Adi Pemilik"), ("pemilik.b@example.test", "Bela Pemilik"),
        ("kurir.b@example.test", "Raka Kurir")))
    buyer = make_user(email="pembeli@example.test", name="Sari Pembeli")
    sentra_a = make_sentra("32.75.08.1001", owner=pickup_owner)
    sentra_b = make_sentra("32.75.08.1002", owner=courier_owner)
    add_member(sentra_b, courier, Role.MEMBER)
    tas = make_product(sentra_a, title="Tas Anyaman Eceng", variants=[{"price_idr": 85_000, "stock": 5}])
    make_product(sentra_b, title="Keripik Tempe Pedas", subsector="kuliner",
                 variants=[{"price_idr": 18_000, "stock": 30, "weight_grams": 200}])
    db.session.commit()
    a_id, b_id, a_slug, b_slug, tas_url = sentra_a.id, sentra_b.id, sentra_a.slug, sentra_b.slug, \
        f"/p/{tas.id}-{tas.slug}"

    # --- the buyer: search, cart, checkout, card ------------------------------------------
    buyer_context, page = _person(browser, live_server, buyer.email)
    _add_from_search(page, live_server, "anyaman", "Tas Anyaman Eceng", 1)
    _add_from_search(page, live_server, "keripik", "Keripik Tempe Pedas", 2)
    page.goto(f"{live_server}/checkout")
    page.check("#address-new")
    page.fill("#recipient", "Sari Pembeli")
    page.fill("#phone", "081234567890")
    page.fill("#street", "Jl. Melati No. 5 RT 02/RW 03")
    page.select_option("#kelurahan_code", "32.75.08.1001")
    _repriced(page)
    _choose(page, f"#d-{a_slug}-pickup")
    _choose(page, f"#d-{b_slug}-sentra_courier")
    page.check("#pm-stripe_card")
    page.locator("button[value=place]").click()
    expect(page).to_have_url(re.compile(r"/checkout/\d+/bayar$"))
    card = page.locator("[data-card-element]")
    card.locator("input[placeholder=number]").fill("4242424242424242")
    card.locator("input[placeholder=exp_month]").fill("12")
    card.locator("input[placeholder=exp_year]").fill("34")
    card.locator("input[placeholder=cvc]").fill("123")
    card.locator("input[placeholder=postal_code]").fill("17411")
    page.locator("[data-card-submit]").click()
    expect(page).to_have_url(re.compile(r"/checkout/\d+/selesai$"), timeout=15_000)
    order_a, order_b = _order_of(a_id), _order_of(b_id)
    assert (order_a.payment_status, order_b.payment_status) == ("paid", "paid")
    number_a, number_b, pickup_code = order_a.number, order_b.number, order_a.pickup_code

    # --- sentra A: accept, ready for pickup, hand over with the buyer's pickup code ---------
    a_context, sentra_page = _person(browser, live_server, "pemilik.a@example.test")
    sentra_page.goto(f"{live_server}/kelola/{a_slug}/pesanan/{number_a}")
    sentra_page.get_by_role("button", name="Accept order").click()
    _step(sentra_page, "Ready for pickup")
    page.goto(f"{live_server}/orders/{number_a}")  # the buyer reads the code off their order page
    expect(page.locator("main")).to_contain_text(pickup_code)
    sentra_page.fill("#handover-code-order", "000000" if pickup_code != "000000" else "111111")
    sentra_page.locator("form.handover-form button[type=submit]").click()
    assert _order_of(a_id).status == "ready_for_pickup"  # a wrong code delivers nothing
    sentra_page.fill("#handover-code-order", pickup_code)
    sentra_page.locator("form.handover-form button[type=submit]").click()
    expect(sentra_page.locator("main")).to_contain_text("Delivered")
    assert _order_of(a_id).status == "delivered"

    # --- sentra B: accept, assign the courier; the courier delivers with the buyer's PIN -----
    b_context, manager_page = _person(browser, live_server, "pemilik.b@example.test")
    manager_page.goto(f"{live_server}/kelola/{b_slug}/pesanan/{number_b}")
    manager_page.get_by_role("button", name="Accept order").click()
    manager_page.select_option("#courier", label=courier.name)
    manager_page.get_by_role("button", name="Assign").click()
    courier_context, courier_page = _person(browser, live_server, "kurir.b@example.test")
    courier_page.goto(f"{live_server}/kelola/{b_slug}/pengantaran")
    expect(courier_page.locator("main")).to_contain_text("Jl. Melati No. 5")
    courier_page.get_by_role("button", name="Picked up from the sentra").click()
    courier_page.get_by_role("button", name="Out for delivery").click()
    page.goto(f"{live_server}/orders/{number_b}")
    pin = _order_of(b_id).shipment.delivery_pin
    expect(page.locator("main")).to_contain_text(pin)  # the buyer shows it at the door
    courier_page.fill(f"#handover-code-deliveries{number_b}", pin)
    courier_page.locator("form.handover-form button[type=submit]").click()
    assert _order_of(b_id).status == "delivered"
    expect(courier_page.locator("main")).not_to_contain_text("Jl. Melati No. 5")  # no longer assigned

    # --- the buyer: both timelines, then a review that shows on the product page ------------
    page.goto(f"{live_server}/orders/{number_a}")
    expect(page.locator(".tracking-timeline")).to_contain_text("Delivered")
    page.goto(f"{live_server}/orders/{number_b}")
    expect(page.locator(".tracking-timeline")).to_contain_text("Out for delivery")
    expect(page.locator(".tracking-timeline")).to_contain_text("Delivered")
    page.goto(f"{live_server}/orders/{number_a}")
    page.get_by_role("link", name="Write a review").click()
    page.check("input[type=radio][name$='-rating'][value='5']")
    page.fill("textarea[name$='-text']", "Anyamannya rapi dan kuat, dipakai ke pasar tiap hari.")
    page.get_by_role("button", name="Publish review").click()
    page.goto(f"{live_server}{tas_url}")
    expect(page.locator("#reviews")).to_contain_text("Anyamannya rapi dan kuat")
    expect(page.locator("#reviews")).to_contain_text("Sari")

    for context in (buyer_context, a_context, b_context, courier_context):
        context.close()
