"""Bodies read through their declared models answer with the messages the hand-written checks gave."""
from __future__ import annotations

import pytest

from tests.factories import make_checkout, make_product, make_sentra, make_user
from tests.orders.cart_helpers import bearer_for


def _error(response) -> dict:
    return response.get_json()["error"]


def test_register_names_missing_fields_required_and_wrong_types_invalid(client):
    response = client.post("/api/v1/auth/register", json={"email": "a@example.test", "password": None, "name": 5})
    assert response.status_code == 422
    assert _error(response) == {"code": "validation_failed", "message": "Some fields are missing or not valid.",
                                "fields": {"password": "required", "name": "invalid"}}


def test_a_token_request_that_is_not_an_object_is_a_400(client):
    response = client.post("/api/v1/auth/token", json=["a@example.test", "rahasia"])
    assert response.status_code == 400
    assert _error(response)["message"] == "Send a JSON object."


def test_a_token_request_without_a_password_is_a_400_naming_it(client):
    response = client.post("/api/v1/auth/token", json={"email": "a@example.test"})
    assert response.status_code == 400
    assert _error(response)["fields"] == {"password": "required"}


@pytest.mark.parametrize(("quantity", "problem"), [
    ("2", "Must be a whole number."),
    (True, "Must be a whole number."),
    (None, "Required."),
    (2_100_000_000, "Must be a whole number from -2000000000 to 2000000000."),
])
def test_a_cart_quantity_that_is_not_a_whole_number_in_range_is_a_400(client, quantity, problem):
    buyer = make_user()
    variant = make_product(make_sentra()).variants[0]
    response = client.post("/api/v1/cart/items", headers=bearer_for(buyer),
                           json={"variant_id": variant.id, "quantity": quantity})
    assert response.status_code == 400
    assert _error(response) == {"code": "bad_request", "message": "Some fields are missing or of the wrong type.",
                                "fields": {"quantity": problem}}


def test_a_cart_item_without_a_quantity_adds_one(client):
    buyer = make_user()
    variant = make_product(make_sentra()).variants[0]
    response = client.post("/api/v1/cart/items", headers=bearer_for(buyer), json={"variant_id": variant.id})
    assert response.status_code == 201
    assert response.get_json()["items"][0]["quantity"] == 1


def test_a_stock_change_of_zero_for_an_order_reason_names_both_fields(client):
    owner = make_user()
    sentra = make_sentra(owner=owner)
    variant = make_product(sentra).variants[0]
    response = client.post(f"/api/v1/kelola/{sentra.slug}/variants/{variant.id}/stock", headers=bearer_for(owner),
                           json={"delta": 0, "reason": "order", "note": 7})
    assert response.status_code == 422
    assert _error(response)["fields"] == {
        "delta": "A whole number other than 0, from -1000000 to 1000000.",
        "reason": "One of: correction, restock, return.",
        "note": "Must be a string.",
    }


def test_a_cancel_reason_that_is_not_a_string_is_a_422(client):
    buyer = make_user()
    variant = make_product(make_sentra()).variants[0]
    order = make_checkout(buyer, [(variant, 1)]).orders[0]
    response = client.post(f"/api/v1/orders/{order.number}/cancel", headers=bearer_for(buyer), json={"reason": 5})
    assert response.status_code == 422
    assert _error(response)["fields"] == {"reason": "Must be a string."}


def test_a_cancel_without_a_body_cancels(client):
    buyer = make_user()
    variant = make_product(make_sentra()).variants[0]
    order = make_checkout(buyer, [(variant, 1)]).orders[0]
    response = client.post(f"/api/v1/orders/{order.number}/cancel", headers=bearer_for(buyer))
    assert response.status_code == 200
    assert response.get_json()["status"] == "cancelled"


def _quote_to_decline():
    from tests.orders.b2b.b2b_helpers import partner_team, send_quote, send_rfq

    owner = make_user()
    sentra = make_sentra(owner=owner)
    partner, partner_owner, _ = partner_team()
    quote = send_quote(sentra, owner, send_rfq(partner, partner_owner, sentra))
    return quote, bearer_for(partner_owner)


@pytest.mark.parametrize(("body", "fields"), [
    ({"reason": 5}, {"reason": "a string"}),
    (["Terlalu mahal"], {"body": "a JSON object is required"}),
])
def test_a_decline_with_a_malformed_body_is_a_400_naming_what_is_wrong(client, body, fields):
    quote, headers = _quote_to_decline()
    response = client.post(f"/api/v1/mitra/quotes/{quote.id}/decline", json=body, headers=headers)
    assert response.status_code == 400
    assert _error(response)["fields"] == fields


def test_a_decline_without_a_body_declines(client):
    quote, headers = _quote_to_decline()
    response = client.post(f"/api/v1/mitra/quotes/{quote.id}/decline", headers=headers)
    assert response.status_code == 200 and response.get_json()["quote"]["status"] == "declined"
