"""GET/POST /api/v1/orders... for buyers and /api/v1/kelola/<slug>/orders... for sentras."""
from __future__ import annotations

from datetime import datetime

from shop.accounts.tokens import issue_token
from shop.extensions import db
from tests.factories import make_checkout
from tests.orders.orders_helpers import a_sentra, make_user, placed_order


def _bearer(user) -> dict[str, str]:
    token, _ = issue_token(user, "test", 1)
    db.session.commit()
    return {"Authorization": f"Bearer {token}"}


def test_orders_need_a_token(client):
    assert client.get("/api/v1/orders").status_code == 401


def test_buyer_lists_only_own_orders(client):
    _, _, variant = a_sentra()
    buyer, other = make_user(), make_user()
    mine = placed_order(buyer, variant)
    placed_order(other, variant)
    body = client.get("/api/v1/orders", headers=_bearer(buyer)).get_json()
    assert body["total"] == 1 and body["page"] == 1 and body["per_page"] == 20
    assert [o["number"] for o in body["items"]] == [mine.number]


def test_order_detail_has_codes_as_strings_and_times_with_offset(client):
    sentra, _, variant = a_sentra(price_idr=25_000)
    buyer = make_user()
    order = placed_order(buyer, variant, 2)
    body = client.get(f"/api/v1/orders/{order.number}", headers=_bearer(buyer)).get_json()
    assert body["number"] == order.number and body["sentra"] == sentra.slug
    assert (body["status"], body["payment_status"], body["payment_method"]) == ("placed", "unpaid", "pay_on_pickup")
    assert isinstance(body["tracking_code"], str) and body["pickup_code"] == order.pickup_code
    assert body["total_idr"] == 50_000 and body["delivery"] == {"method": "pickup", "fee_idr": 0}
    assert body["lines"][0]["quantity"] == 2 and body["lines"][0]["total_idr"] == 50_000
    assert datetime.fromisoformat(body["created_at"]).utcoffset() is not None
    assert body["events"][0]["to"] == "placed"


def test_delivered_order_has_no_pickup_code(client):
    _, _, variant = a_sentra()
    buyer = make_user()
    order = make_checkout(buyer, [(variant, 1)], method="bank_transfer", delivery="courier").orders[0]
    body = client.get(f"/api/v1/orders/{order.number}", headers=_bearer(buyer)).get_json()
    assert body["pickup_code"] is None and body["status"] == "pending_payment"


def test_another_buyers_order_is_404(client):
    _, _, variant = a_sentra()
    order = placed_order(make_user(), variant)
    headers = _bearer(make_user())
    assert client.get(f"/api/v1/orders/{order.number}", headers=headers).status_code == 404
    response = client.post(f"/api/v1/orders/{order.number}/cancel", json={}, headers=headers)
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"


def test_buyer_cancels_through_the_api_and_a_second_cancel_is_409(client):
    _, _, variant = a_sentra()
    buyer = make_user()
    order = placed_order(buyer, variant)
    headers = _bearer(buyer)
    response = client.post(f"/api/v1/orders/{order.number}/cancel", json={"reason": "tidak jadi"}, headers=headers)
    assert response.status_code == 200 and response.get_json()["status"] == "cancelled"
    again = client.post(f"/api/v1/orders/{order.number}/cancel", headers=headers)
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "not_allowed"


def test_sentra_lists_its_orders_by_status_without_pickup_codes(client):
    sentra, owner, variant = a_sentra()
    order = placed_order(make_user(name="Budi"), variant)
    headers = _bearer(owner)
    body = client.get(f"/api/v1/kelola/{sentra.slug}/orders?status=placed", headers=headers).get_json()
    assert [o["number"] for o in body["items"]] == [order.number]
    assert body["items"][0]["pickup_code"] is None and body["items"][0]["buyer"] == {"name": "Budi"}
    body = client.get(f"/api/v1/kelola/{sentra.slug}/orders?status=processing", headers=headers).get_json()
    assert body["items"] == [] and body["total"] == 0


def test_sentra_list_with_unknown_status_is_400(client):
    sentra, owner, _ = a_sentra()
    response = client.get(f"/api/v1/kelola/{sentra.slug}/orders?status=lost", headers=_bearer(owner))
    assert response.status_code == 400 and response.get_json()["error"]["fields"] == {"status": "unknown"}


def test_sentra_cannot_see_or_move_another_sentras_order(client):
    sentra_a, owner_a, _ = a_sentra()
    _, _, variant_b = a_sentra("32.75.01.1001")
    order_b = placed_order(make_user(), variant_b)
    headers = _bearer(owner_a)
    body = client.get(f"/api/v1/kelola/{sentra_a.slug}/orders", headers=headers).get_json()
    assert body["items"] == []
    response = client.post(f"/api/v1/kelola/{sentra_a.slug}/orders/{order_b.number}/status",
                           json={"to": "processing"}, headers=headers)
    assert response.status_code == 404


def test_sentra_accepts_through_the_status_endpoint(client):
    sentra, owner, variant = a_sentra()
    order = placed_order(make_user(), variant)
    response = client.post(f"/api/v1/kelola/{sentra.slug}/orders/{order.number}/status",
                           json={"to": "processing"}, headers=_bearer(owner))
    assert response.status_code == 200 and response.get_json()["status"] == "processing"
    assert response.get_json()["events"][-1]["from"] == "placed"


def test_impossible_transition_is_409(client):
    sentra, owner, variant = a_sentra()
    order = placed_order(make_user(), variant)
    response = client.post(f"/api/v1/kelola/{sentra.slug}/orders/{order.number}/status",
                           json={"to": "cancelled", "note": "stok habis"}, headers=_bearer(owner))
    assert response.status_code == 200
    response = client.post(f"/api/v1/kelola/{sentra.slug}/orders/{order.number}/status",
                           json={"to": "processing"}, headers=_bearer(owner))
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "invalid_transition"


def test_status_endpoint_refuses_fulfilment_statuses_that_follow_from_tracking(client):
    sentra, owner, variant = a_sentra()
    order = placed_order(make_user(), variant)
    headers = _bearer(owner)
    url = f"/api/v1/kelola/{sentra.slug}/orders/{order.number}/status"
    assert client.post(url, json={"to": "processing"}, headers=headers).status_code == 200
    for to in ("ready_for_pickup", "shipped", "delivered"):
        response = client.post(url, json={"to": to}, headers=headers)
        assert response.status_code == 409 and response.get_json()["error"]["code"] == "not_allowed"
    assert client.get(f"/api/v1/orders/{order.number}", headers=_bearer(order.buyer)).get_json()["status"] \
        == "processing"


def test_cancel_without_note_is_422_and_with_note_cancels(client):
    sentra, owner, variant = a_sentra()
    order = placed_order(make_user(), variant)
    headers = _bearer(owner)
    url = f"/api/v1/kelola/{sentra.slug}/orders/{order.number}/status"
    response = client.post(url, json={"to": "cancelled"}, headers=headers)
    assert response.status_code == 422 and response.get_json()["error"]["code"] == "note_required"
    response = client.post(url, json={"to": "cancelled", "note": "Stok rusak"}, headers=headers)
    assert response.status_code == 200 and response.get_json()["cancel_reason"] == "Stok rusak"


def test_status_body_must_name_a_known_status(client):
    sentra, owner, variant = a_sentra()
    order = placed_order(make_user(), variant)
    url = f"/api/v1/kelola/{sentra.slug}/orders/{order.number}/status"
    assert client.post(url, json={"to": "teleported"}, headers=_bearer(owner)).status_code == 400
    assert client.post(url, data="nonsense", headers=_bearer(owner)).status_code == 400


def test_order_routes_are_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert "get" in paths["/orders"] and "get" in paths["/orders/{number}"]
    assert "post" in paths["/orders/{number}/cancel"]
    assert "get" in paths["/kelola/{sentra_slug}/orders"]
    assert "409" in paths["/kelola/{sentra_slug}/orders/{number}/status"]["post"]["responses"]
