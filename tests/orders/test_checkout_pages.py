"""The /checkout page: choose address, delivery per sentra and payment; place the orders once."""
from __future__ import annotations

from sqlalchemy import func, select

from orders.core.models import Order
from shop.extensions import db
from tests.factories import BEKASI_ADDRESS, fill_cart, make_product, make_sentra, make_user


def _cart_for(buyer_email="buyer@example.test"):
    buyer = make_user(email=buyer_email)
    sentra = make_sentra()
    variant = make_product(sentra, variants=[{"price_idr": 30_000, "stock": 4}]).variants[0]
    fill_cart(buyer, [(variant, 2)])
    db.session.commit()
    return buyer, sentra, variant


def _form(sentra, key="form-key", **extra):
    data = {"action": "place", "idempotency_key": key, "address": "new", "location": "bekasi",
            f"delivery-{sentra.slug}": "pickup", "payment_method": "pay_on_pickup", **BEKASI_ADDRESS}
    data.update(extra)
    return data


def test_checkout_page_offers_each_sentras_delivery_with_its_fee(client, auth):
    buyer, sentra, _ = _cart_for()
    auth.login(buyer.email)
    page = client.post("/checkout", data={**_form(sentra), "action": "refresh"})
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    assert sentra.name in body and 'value="sentra_courier"' in body and 'value="pickup"' in body
    assert "Rp60.000" in body


def test_placing_the_checkout_makes_the_order_and_shows_the_pickup_code(client, auth):
    buyer, sentra, _ = _cart_for()
    auth.login(buyer.email)
    placed = client.post("/checkout", data=_form(sentra))
    assert placed.status_code == 302
    done = client.get(placed.headers["Location"])
    order = db.session.scalar(select(Order))
    assert order.number in done.get_data(as_text=True)
    assert order.pickup_code in done.get_data(as_text=True)


def test_replayed_checkout_form_makes_one_order(client, auth):
    buyer, sentra, variant = _cart_for()
    auth.login(buyer.email)
    first = client.post("/checkout", data=_form(sentra))
    fill_cart(buyer, [(variant, 1)])
    db.session.commit()
    second = client.post("/checkout", data=_form(sentra))
    assert first.headers["Location"] == second.headers["Location"]
    assert db.session.scalar(select(func.count()).select_from(Order)) == 1


def test_missing_address_fields_are_shown_not_a_500(client, auth):
    buyer, sentra, _ = _cart_for()
    auth.login(buyer.email)
    page = client.post("/checkout", data=_form(sentra, recipient="", street=""))
    assert page.status_code == 422
    assert db.session.scalar(select(func.count()).select_from(Order)) == 0


def test_someone_elses_checkout_is_404(client, auth):
    buyer, sentra, _ = _cart_for()
    auth.login(buyer.email)
    placed = client.post("/checkout", data=_form(sentra))
    auth.logout()
    make_user(email="other@example.test")
    auth.login("other@example.test")
    assert client.get(placed.headers["Location"]).status_code == 404


def test_guest_is_sent_to_login(client):
    assert client.get("/checkout").status_code == 302


def test_updating_the_total_shows_the_new_total_to_agree_to(client, auth):
    """The page carries the total the buyer sees; after "Update total" it is the new one, not the one sent."""
    buyer, sentra, _ = _cart_for()
    auth.login(buyer.email)
    refreshed = client.post("/checkout", data={**_form(sentra), "action": "refresh", "expected_total_idr": "1"})
    assert 'name="expected_total_idr" type="hidden" value="60000"' in refreshed.get_data(as_text=True)
    placed = client.post("/checkout", data=_form(sentra, expected_total_idr="60000"))
    assert placed.status_code == 302
