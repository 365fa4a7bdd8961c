"""A guest's first product page creates no session; its add-to-cart post is checked by origin instead."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from orders.cart.models import CartLine
from shop.extensions import db
from tests.factories import make_product, make_sentra


@pytest.fixture
def variant():
    product = make_product(make_sentra(), variants=[{"price_idr": 20_000, "stock": 5}])
    db.session.commit()
    return product.variants[0]


def _lines() -> int:
    return db.session.scalar(select(func.count()).select_from(CartLine))


def test_a_new_visitors_product_page_sets_no_cookie_and_carries_no_token(client, csrf_enabled, variant):
    page = client.get(f"/p/{variant.product.id}-{variant.product.slug}")
    assert page.status_code == 200
    assert "Set-Cookie" not in page.headers
    assert 'name="csrf_token"' not in page.get_data(as_text=True).split('class="add-to-cart')[1].split("</form>")[0]


def test_a_sessionless_post_from_this_site_adds_to_the_cart(client, csrf_enabled, variant):
    added = client.post("/cart/add", data={"variant_id": variant.id, "quantity": 2},
                        headers={"Origin": "http://localhost", "Sec-Fetch-Site": "same-origin"})
    assert added.status_code == 302
    assert _lines() == 1


def test_a_sessionless_post_without_origin_is_refused(client, csrf_enabled, variant):
    assert client.post("/cart/add", data={"variant_id": variant.id, "quantity": 1}).status_code == 400
    assert _lines() == 0


@pytest.mark.parametrize("headers", [
    {"Origin": "https://evil.example"},
    {"Referer": "https://evil.example/page"},
    {"Origin": "null"},
    {"Origin": "http://localhost", "Sec-Fetch-Site": "cross-site"},
])
def test_a_post_from_another_site_is_refused(client, csrf_enabled, variant, headers):
    assert client.post("/cart/add", data={"variant_id": variant.id, "quantity": 1}, headers=headers).status_code == 400
    assert _lines() == 0


def test_a_visitor_with_a_session_must_send_the_token(client, csrf_enabled, variant):
    client.post("/cart/add", data={"variant_id": variant.id, "quantity": 1}, headers={"Origin": "http://localhost"})
    # The flash message gave this visitor a session: the origin alone is no longer enough.
    refused = client.post("/cart/add", data={"variant_id": variant.id, "quantity": 1},
                          headers={"Origin": "http://localhost"})
    assert refused.status_code == 400
    page = client.get(f"/p/{variant.product.id}-{variant.product.slug}").get_data(as_text=True)
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    accepted = client.post("/cart/add", data={"variant_id": variant.id, "quantity": 1, "csrf_token": token})
    assert accepted.status_code == 302
    assert db.session.scalar(select(CartLine.quantity)) == 2
