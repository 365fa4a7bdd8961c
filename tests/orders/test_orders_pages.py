"""The buyer's /orders pages and the sentra's order inbox at /kelola/<slug>/pesanan."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from catalog.products.models import Variant
from orders.core.models import Order
from shop.extensions import db
from tests.factories import make_checkout
from tests.orders.orders_helpers import a_sentra, add_member, make_user, placed_order
from tests.queries import count_queries


@pytest.fixture(autouse=True)
def _english_pages(client):
    """These tests read the English texts (the default language is Indonesian)."""
    client.post("/bahasa", data={"lang": "en"})


def _login(auth, user):
    auth.login(user.email)


# --- the buyer ---------------------------------------------------------------------------------------


def test_orders_page_needs_login(client):
    response = client.get("/orders")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_buyer_sees_only_own_orders_in_the_list(client, auth):
    _, _, variant = a_sentra()
    buyer, other = make_user(), make_user()
    mine = placed_order(buyer, variant)
    theirs = placed_order(other, variant)
    _login(auth, buyer)
    body = client.get("/orders").get_data(as_text=True)
    assert mine.number in body and theirs.number not in body


def test_empty_order_list_says_so(client, auth):
    buyer = make_user()
    _login(auth, buyer)
    response = client.get("/orders")
    assert response.status_code == 200 and "You have no orders yet." in response.get_data(as_text=True)


def test_another_buyers_order_is_not_found(client, auth):
    _, _, variant = a_sentra()
    order = placed_order(make_user(), variant)
    intruder = make_user()
    _login(auth, intruder)
    assert client.get(f"/orders/{order.number}").status_code == 404
    assert client.get(f"/orders/{order.number}/cancel").status_code == 404
    assert client.post(f"/orders/{order.number}/cancel").status_code == 404
    assert db.session.get(Order, order.id).status == "placed"


def test_order_detail_shows_lines_money_pickup_code_and_history(client, auth):
    _, _, variant = a_sentra(price_idr=25_000)
    buyer = make_user()
    order = placed_order(buyer, variant, 2)
    _login(auth, buyer)
    body = client.get(f"/orders/{order.number}").get_data(as_text=True)
    assert order.pickup_code in body and order.tracking_code in body
    assert variant.product.title in body
    assert "Rp50,000" in body  # the English page groups with commas
    assert "WIB" in body  # history times
    assert f"/orders/{order.number}/cancel" in body


def test_pending_payment_order_links_to_its_payment_page(client, auth):
    _, _, variant = a_sentra()
    buyer = make_user()
    checkout = make_checkout(buyer, [(variant, 1)], method="bank_transfer")
    _login(auth, buyer)
    body = client.get(f"/orders/{checkout.orders[0].number}").get_data(as_text=True)
    assert f"/checkout/{checkout.id}/bayar" in body


def test_buyer_cancels_with_confirmation_and_gets_the_stock_back(client, auth):
    _, _, variant = a_sentra(stock=4)
    buyer = make_user()
    order = placed_order(buyer, variant, 2)
    _login(auth, buyer)
    confirm = client.get(f"/orders/{order.number}/cancel")
    assert confirm.status_code == 200 and "Yes, cancel the order" in confirm.get_data(as_text=True)
    response = client.post(f"/orders/{order.number}/cancel", data={"reason": "salah pilih"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Order, order.id).status == "cancelled"
    assert db.session.get(Variant, variant.id).stock == 4


def test_buyer_cancel_refused_once_processing_shows_a_message(client, auth):
    _, owner, variant = a_sentra()
    buyer = make_user()
    order = placed_order(buyer, variant)
    from orders.services import accept_order

    accept_order(order, owner)
    db.session.commit()
    _login(auth, buyer)
    response = client.post(f"/orders/{order.number}/cancel", data={}, follow_redirects=True)
    assert "can no longer be cancelled" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Order, order.id).status == "processing"


def test_orders_list_query_count_does_not_grow_with_orders(client, auth):
    _, _, variant = a_sentra(stock=100)
    buyer = make_user()
    placed_order(buyer, variant)
    _login(auth, buyer)
    db.session.expire_all()
    with count_queries() as few:
        client.get("/orders")
    for _ in range(5):
        placed_order(buyer, variant)
    db.session.expire_all()
    with count_queries() as many:
        assert client.get("/orders").status_code == 200
    assert len(many) == len(few)


# --- the sentra ---------------------------------------------------------------------------------------


def test_inbox_shows_new_orders_first_with_counts_per_tab(client, auth):
    sentra, owner, variant = a_sentra()
    buyer = make_user()
    new = placed_order(buyer, variant)
    accepted = placed_order(buyer, variant)
    from orders.services import accept_order

    accept_order(accepted, owner)
    db.session.commit()
    _login(auth, owner)
    body = client.get(f"/kelola/{sentra.slug}/pesanan").get_data(as_text=True)
    assert new.number in body and accepted.number not in body
    assert "New (1)" in body and "Processing (1)" in body
    body = client.get(f"/kelola/{sentra.slug}/pesanan?status=processing").get_data(as_text=True)
    assert accepted.number in body and new.number not in body


def test_inbox_empty_state(client, auth):
    sentra, owner, _ = a_sentra()
    _login(auth, owner)
    body = client.get(f"/kelola/{sentra.slug}/pesanan").get_data(as_text=True)
    assert "No new orders right now." in body


def test_inbox_unknown_status_is_not_found(client, auth):
    sentra, owner, _ = a_sentra()
    _login(auth, owner)
    assert client.get(f"/kelola/{sentra.slug}/pesanan?status=lost").status_code == 404


def test_sentra_sees_only_its_own_orders(client, auth):
    sentra_a, owner_a, variant_a = a_sentra()
    _, _, variant_b = a_sentra("32.75.01.1001")
    buyer = make_user()
    order_a = placed_order(buyer, variant_a)
    order_b = placed_order(buyer, variant_b)
    _login(auth, owner_a)
    body = client.get(f"/kelola/{sentra_a.slug}/pesanan").get_data(as_text=True)
    assert order_a.number in body and order_b.number not in body
    assert client.get(f"/kelola/{sentra_a.slug}/pesanan/{order_b.number}").status_code == 404
    assert client.post(f"/kelola/{sentra_a.slug}/pesanan/{order_b.number}/terima").status_code == 404
    assert client.post(f"/kelola/{sentra_a.slug}/pesanan/{order_b.number}/batal",
                       data={"reason": "bukan milik kami"}).status_code == 404
    db.session.expire_all()
    assert db.session.get(Order, order_b.id).status == "placed"


def test_sentra_order_detail_shows_buyer_and_hides_the_pickup_code(client, auth):
    sentra, owner, variant = a_sentra()
    buyer = make_user(name="Budi Pembeli")
    order = placed_order(buyer, variant)
    _login(auth, owner)
    body = client.get(f"/kelola/{sentra.slug}/pesanan/{order.number}").get_data(as_text=True)
    assert "Budi Pembeli" in body and order.checkout.phone in body
    assert order.pickup_code not in body


def test_any_member_can_accept_a_new_order(client, auth):
    sentra, _, variant = a_sentra()
    member = make_user()
    add_member(sentra, member)
    db.session.commit()
    order = placed_order(make_user(), variant)
    _login(auth, member)
    response = client.post(f"/kelola/{sentra.slug}/pesanan/{order.number}/terima")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Order, order.id).status == "processing"


def test_sentra_cancel_without_reason_is_refused_and_changes_nothing(client, auth):
    sentra, owner, variant = a_sentra()
    order = placed_order(make_user(), variant)
    _login(auth, owner)
    response = client.post(f"/kelola/{sentra.slug}/pesanan/{order.number}/batal", data={"reason": ""})
    assert response.status_code == 400
    assert db.session.get(Order, order.id).status == "placed"


def test_sentra_cancels_with_reason_after_confirmation(client, auth):
    sentra, owner, variant = a_sentra(stock=3)
    order = placed_order(make_user(), variant, 3)
    _login(auth, owner)
    assert client.get(f"/kelola/{sentra.slug}/pesanan/{order.number}/batal").status_code == 200
    response = client.post(f"/kelola/{sentra.slug}/pesanan/{order.number}/batal",
                           data={"reason": "Bahan baku habis minggu ini"})
    assert response.status_code == 302
    db.session.expire_all()
    order = db.session.get(Order, order.id)
    assert order.status == "cancelled" and order.cancel_reason == "Bahan baku habis minggu ini"
    assert db.session.get(Variant, variant.id).stock == 3


def test_inbox_query_count_does_not_grow_with_orders(client, auth):
    sentra, owner, variant = a_sentra(stock=100)
    placed_order(make_user(), variant)
    _login(auth, owner)
    db.session.expire_all()
    with count_queries() as few:
        client.get(f"/kelola/{sentra.slug}/pesanan")
    for _ in range(5):
        placed_order(make_user(), variant)
    db.session.expire_all()
    with count_queries() as many:
        assert client.get(f"/kelola/{sentra.slug}/pesanan").status_code == 200
    assert len(many) == len(few)
    assert db.session.scalar(select(Order.id).where(Order.sentra_id == sentra.id).limit(1))
