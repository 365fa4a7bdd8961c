"""The cart in the API: /api/v1/cart and /api/v1/cart/items (bearer tokens)."""
from __future__ import annotations

import pytest

from catalog.pricing import RETAIL
from orders.cart import services
from shop.extensions import db
from tests.factories import make_partner, make_product, make_sentra, make_user
from tests.orders.cart_helpers import KELURAHAN, bearer_for, stocked_product, variant_of

ITEM_FIELDS = {"id", "variant_id", "product_id", "title", "variant_label", "sku", "quantity", "unit_price_idr",
               "seen_unit_price_idr", "line_total_idr", "sentra", "price_changed", "stock_short",
               "available_stock", "unavailable"}


@pytest.fixture
def buyer():
    user = make_user("sari@example.test")
    db.session.commit()
    return user


@pytest.fixture
def headers(buyer):
    return bearer_for(buyer)


@pytest.fixture
def product():
    product = stocked_product(price_idr=25_000, stock=5)
    db.session.commit()
    return product


def test_the_cart_api_needs_a_bearer_token(client):
    for method, path in (("GET", "/api/v1/cart"), ("POST", "/api/v1/cart/items"),
                         ("PATCH", "/api/v1/cart/items/1"), ("DELETE", "/api/v1/cart/items/1")):
        response = client.open(path, method=method, json={})
        assert response.status_code == 401, path
        assert response.get_json()["error"]["code"] == "unauthorized"


def test_a_buyer_without_a_cart_gets_an_empty_one(client, headers):
    body = client.get("/api/v1/cart", headers=headers).get_json()
    assert body == {"items": [], "sentras": [], "total_idr": 0, "item_count": 0}


def test_adding_an_item_answers_201_with_the_whole_cart(client, headers, product):
    response = client.post("/api/v1/cart/items", headers=headers,
                           json={"variant_id": variant_of(product).id, "quantity": 2})
    assert response.status_code == 201
    body = response.get_json()
    [item] = body["items"]
    assert set(item) == ITEM_FIELDS
    assert (item["variant_id"], item["quantity"], item["unit_price_idr"], item["line_total_idr"]) == (
        variant_of(product).id, 2, 25_000, 50_000)
    assert item["sentra"] == product.sentra.slug and item["product_id"] == product.id
    assert (item["price_changed"], item["stock_short"], item["unavailable"]) == (False, False, False)
    assert body["sentras"] == [{"sentra": product.sentra.slug, "name": product.sentra.name, "subtotal_idr": 50_000}]
    assert (body["total_idr"], body["item_count"]) == (50_000, 2)


def test_adding_without_a_quantity_adds_one(client, headers, product):
    body = client.post("/api/v1/cart/items", headers=headers, json={"variant_id": variant_of(product).id}).get_json()
    assert body["items"][0]["quantity"] == 1


def test_adding_the_same_variant_again_grows_its_item(client, headers, product):
    for _ in range(2):
        client.post("/api/v1/cart/items", headers=headers, json={"variant_id": variant_of(product).id, "quantity": 2})
    body = client.get("/api/v1/cart", headers=headers).get_json()
    assert [item["quantity"] for item in body["items"]] == [4]


def test_more_than_the_stock_is_a_409_insufficient_stock(client, headers, product):
    client.post("/api/v1/cart/items", headers=headers, json={"variant_id": variant_of(product).id, "quantity": 3})
    response = client.post("/api/v1/cart/items", headers=headers,
                           json={"variant_id": variant_of(product).id, "quantity": 3})
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "insufficient_stock"
    assert client.get("/api/v1/cart", headers=headers).get_json()["item_count"] == 3


@pytest.mark.parametrize("body", [
    {"variant_id": "1", "quantity": 1},
    {"quantity": 1},
    {"variant_id": 1, "quantity": "2"},
    {"variant_id": 1, "quantity": 1.5},
    {"variant_id": 1, "quantity": True},
    {"variant_id": 1, "quantity": None},
])
def test_a_field_missing_or_of_the_wrong_type_is_a_400_naming_it(client, headers, body):
    response = client.post("/api/v1/cart/items", headers=headers, json=body)
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "bad_request" and error["fields"]


@pytest.mark.parametrize("raw", ["[1, 2]", "not json", ""])
def test_a_body_that_is_not_a_json_object_is_a_400(client, headers, raw):
    response = client.post("/api/v1/cart/items", headers={**headers, "Content-Type": "application/json"}, data=raw)
    assert response.status_code == 400


@pytest.mark.parametrize("quantity", [0, -3, 1000])
def test_a_quantity_outside_1_to_999_is_a_422(client, headers, product, quantity):
    response = client.post("/api/v1/cart/items", headers=headers,
                           json={"variant_id": variant_of(product).id, "quantity": quantity})
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "invalid_quantity" and "quantity" in error["fields"]


def test_an_unknown_variant_is_a_404(client, headers):
    response = client.post("/api/v1/cart/items", headers=headers, json={"variant_id": 424242, "quantity": 1})
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_an_archived_variant_is_a_422_unavailable(client, headers):
    product = make_product(make_sentra(KELURAHAN[0]), variants=[{"options": "Ukuran=S"}, {"options": "Ukuran=M"}])
    variant_of(product, 0).archived = True
    db.session.commit()
    response = client.post("/api/v1/cart/items", headers=headers, json={"variant_id": variant_of(product).id})
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "unavailable"


def test_a_variant_of_a_suspended_sentra_is_a_422_unavailable(client, headers, product):
    product.sentra.status = "suspended"
    db.session.commit()
    response = client.post("/api/v1/cart/items", headers=headers, json={"variant_id": variant_of(product).id})
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "unavailable"


def _add(client, headers, variant_id, quantity=1) -> int:
    body = client.post("/api/v1/cart/items", headers=headers, json={"variant_id": variant_id, "quantity": quantity})
    return body.get_json()["items"][-1]["id"]


def test_patch_sets_an_items_quantity(client, headers, product):
    item_id = _add(client, headers, variant_of(product).id)
    response = client.patch(f"/api/v1/cart/items/{item_id}", headers=headers, json={"quantity": 4})
    assert response.status_code == 200
    assert response.get_json()["items"][0]["quantity"] == 4


def test_patch_above_the_stock_is_a_409(client, headers, product):
    item_id = _add(client, headers, variant_of(product).id)
    response = client.patch(f"/api/v1/cart/items/{item_id}", headers=headers, json={"quantity": 6})
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "insufficient_stock"


def test_patch_without_a_quantity_is_a_400(client, headers, product):
    item_id = _add(client, headers, variant_of(product).id)
    response = client.patch(f"/api/v1/cart/items/{item_id}", headers=headers, json={})
    assert response.status_code == 400
    assert "quantity" in response.get_json()["error"]["fields"]


def test_delete_takes_an_item_out_and_answers_with_the_cart(client, headers, product):
    item_id = _add(client, headers, variant_of(product).id)
    response = client.delete(f"/api/v1/cart/items/{item_id}", headers=headers)
    assert response.status_code == 200
    assert response.get_json()["items"] == []


def test_another_buyers_item_is_a_404(client, headers, product):
    other = services.cart_for_user(make_user(), create=True)
    line = services.add_item(other, variant_of(product).id, 1, RETAIL)
    db.session.commit()
    _add(client, headers, variant_of(product).id)
    assert client.patch(f"/api/v1/cart/items/{line.id}", headers=headers, json={"quantity": 2}).status_code == 404
    assert client.delete(f"/api/v1/cart/items/{line.id}", headers=headers).status_code == 404
    assert db.session.get(type(line), line.id).quantity == 1


def test_a_partner_token_sees_tier_prices(client):
    partner_user = make_user("mitra@example.test")
    make_partner(partner_user)
    product = stocked_product(price_idr=10_000, stock=100, tiers="10:8000")
    db.session.commit()
    body = client.post("/api/v1/cart/items", headers=bearer_for(partner_user),
                       json={"variant_id": variant_of(product).id, "quantity": 12}).get_json()
    assert (body["items"][0]["unit_price_idr"], body["total_idr"]) == (8_000, 96_000)


def test_the_api_and_the_pages_share_the_buyers_cart(client, auth, headers, product):
    _add(client, headers, variant_of(product).id, 2)
    auth.login("sari@example.test")
    assert ">2</span>" in client.get("/cart").get_data(as_text=True)
