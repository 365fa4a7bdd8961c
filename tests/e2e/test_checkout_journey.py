"""A guest fills a cart from two sentras, logs in, and checks out in a real browser (CSRF on)."""
from __future__ import annotations

import re

from playwright.sync_api import Page, expect
from sqlalchemy import select

from orders.core.models import Order
from shop.extensions import db
from tests.factories import make_product, make_sentra, make_user

PASSWORD = "correct-horse-battery"


def _two_products():
    first = make_product(make_sentra("32.75.08.1001"), title="Tas Anyaman Eceng",
                         variants=[{"price_idr": 85_000, "stock": 4, "weight_grams": 600}])
    second = make_product(make_sentra("32.75.08.1002"), title="Keripik Tempe Pedas",
                          subsector="kuliner", variants=[{"price_idr": 18_000, "stock": 30, "weight_grams": 200}])
    buyer = make_user(email="pembeli.e2e@example.test")
    db.session.commit()
    return buyer, first, second


def _add_to_cart(page: Page, live_server: str, product, quantity: int) -> None:
    page.goto(f"{live_server}/p/{product.id}-{product.slug}")
    page.fill("#cart-quantity", str(quantity))
    page.locator("form.add-to-cart button[type=submit]").click()


def _log_in(page: Page, live_server: str, email: str) -> None:
    page.goto(f"{live_server}/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page.locator("form[action='/logout']")).to_have_count(1)


def _new_address(page: Page) -> None:
    page.check("#address-new")
    page.fill("#recipient", "Sari Pembeli")
    page.fill("#phone", "081234567890")
    page.fill("#street", "Jl. Melati No. 5 RT 02/RW 03")
    page.check("#loc-bekasi")
    page.select_option("#kelurahan_code", "32.75.08.1001")
    _repriced(page)  # static/js/checkout.js re-prices for the kelurahan, in place


def _repriced(page: Page) -> None:
    """static/js/checkout.js has brought the re-priced sections back (it updates them in place)."""
    expect(page.locator("form.checkout-form[aria-busy=true]")).to_have_count(0)


def _choose(page: Page, selector: str) -> None:
    page.check(selector)  # each delivery choice re-prices the page, without reloading it
    _repriced(page)


def test_guest_cart_merges_at_login_and_pays_at_pickup_for_two_sentras(page: Page, live_server: str):
    buyer, first, second = _two_products()
    _add_to_cart(page, live_server, first, 1)
    _add_to_cart(page, live_server, second, 3)
    _log_in(page, live_server, buyer.email)

    page.goto(f"{live_server}/cart")
    expect(page.locator("main")).to_contain_text("Tas Anyaman Eceng")
    expect(page.locator("main")).to_contain_text("Keripik Tempe Pedas")
    page.goto(f"{live_server}/checkout")
    _new_address(page)
    _choose(page, f"#d-{first.sentra.slug}-pickup")
    _choose(page, f"#d-{second.sentra.slug}-pickup")
    page.check("#pm-pay_on_pickup")
    page.locator("button[value=place]").click()

    expect(page).to_have_url(re.compile(r"/checkout/\d+/selesai$"))
    db.session.expire_all()
    orders = db.session.scalars(select(Order).order_by(Order.id)).all()
    assert len(orders) == 2
    for order in orders:
        expect(page.locator("main")).to_contain_text(order.number)
        expect(page.locator("main")).to_contain_text(order.pickup_code)
    assert {o.sentra_id for o in orders} == {first.sentra_id, second.sentra_id}
    assert [o.total_idr for o in orders] == [85_000, 54_000] or [o.total_idr for o in orders] == [54_000, 85_000]


def test_bank_transfer_checkout_shows_the_amount_with_its_code(page: Page, live_server: str):
    buyer, first, second = _two_products()
    _log_in(page, live_server, buyer.email)
    _add_to_cart(page, live_server, first, 1)
    _add_to_cart(page, live_server, second, 2)

    page.goto(f"{live_server}/checkout")
    _new_address(page)
    _choose(page, f"#d-{first.sentra.slug}-sentra_courier")
    _choose(page, f"#d-{second.sentra.slug}-courier")
    expect(page.locator("main")).to_contain_text("Rp")
    page.check("#pm-bank_transfer")
    page.locator("button[value=place]").click()

    expect(page).to_have_url(re.compile(r"/checkout/\d+/bayar$"))
    db.session.expire_all()
    orders = db.session.scalars(select(Order)).all()
    payment = orders[0].checkout.payment
    assert payment.amount_idr == orders[0].checkout.total_idr + payment.unique_code
    amount = f"{payment.amount_idr:,}".replace(",", ".")
    expect(page.locator("main")).to_contain_text(amount)
    assert all(o.status == "pending_payment" for o in orders)
