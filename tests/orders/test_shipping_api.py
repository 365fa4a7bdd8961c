"""POST /api/v1/kelola/<slug>/orders/<number>/tracking and .../handover."""
from __future__ import annotations

from shop.accounts.tokens import issue_token
from shop.extensions import db
from tests.orders.orders_helpers import a_sentra
from tests.orders.shipping_helpers import accepted_order, advance, wrong_code


def _bearer(user) -> dict[str, str]:
    token, _ = issue_token(user, "test", 1)
    db.session.commit()
    return {"Authorization": f"Bearer {token}"}


def _url(order, action: str, slug: str | None = None) -> str:
    return f"/api/v1/kelola/{slug or order.sentra.slug}/orders/{order.number}/{action}"


def test_tracking_event_is_201_with_the_event_and_the_shipment(client):
    order, owner, _, _ = accepted_order("courier")
    response = client.post(_url(order, "tracking"), headers=_bearer(owner),
                           json={"status": "handed_to_courier", "note": "dijemput", "courier": "jnt",
                                 "waybill": "jp 1234 5678"})
    assert response.status_code == 201
    body = response.get_json()
    assert body["event"]["status"] == "handed_to_courier" and body["event"]["note"] == "dijemput"
    shipment = body["shipment"]
    assert (shipment["courier"], shipment["waybill"]) == ("jnt", "JP12345678")
    assert shipment["tracking_url"] == "https://jet.co.id/track?awb=JP12345678"
    assert shipment["order"]["status"] == "shipped"
    assert "in_transit" in shipment["next_events"]


def test_tracking_answer_never_carries_the_buyers_codes(client):
    order, owner, courier, _ = accepted_order("sentra_courier")
    response = client.post(_url(order, "tracking"), headers=_bearer(owner), json={"status": "handed_to_courier"})
    assert response.status_code == 201
    assert order.shipment.delivery_pin not in response.get_data(as_text=True)


def test_event_the_timeline_cannot_take_is_409_and_changes_nothing(client):
    order, owner, _, _ = accepted_order("pickup")
    headers = _bearer(owner)
    response = client.post(_url(order, "tracking"), headers=headers, json={"status": "delivered"})
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "handover_required"
    response = client.post(_url(order, "tracking"), headers=headers, json={"status": "out_for_delivery"})
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "invalid_event"
    db.session.expire_all()
    assert order.shipment.status is None and order.status == "processing"


def test_bad_waybill_and_missing_reason_are_422(client):
    order, owner, _, _ = accepted_order("courier")
    headers = _bearer(owner)
    response = client.post(_url(order, "tracking"), headers=headers,
                           json={"status": "handed_to_courier", "courier": "jne", "waybill": "12 3"})
    assert response.status_code == 422 and response.get_json()["error"]["code"] == "invalid_waybill"
    assert "waybill" in response.get_json()["error"]["fields"]
    advance(order, owner, ["handed_to_courier", "out_for_delivery"])
    response = client.post(_url(order, "tracking"), headers=headers, json={"status": "delivery_failed"})
    assert response.status_code == 422 and response.get_json()["error"]["code"] == "reason_required"


def test_tracking_body_must_name_a_tracking_status(client):
    order, owner, _, _ = accepted_order("pickup")
    headers = _bearer(owner)
    assert client.post(_url(order, "tracking"), headers=headers, json={"status": "lost"}).status_code == 400
    assert client.post(_url(order, "tracking"), headers=headers, data="nonsense").status_code == 400
    assert client.post(_url(order, "tracking"), headers=headers,
                       json={"status": "packed", "note": 5}).status_code == 422


def test_handover_with_the_right_code_is_200(client):
    order, owner, _, _ = accepted_order("pickup")
    advance(order, owner, ["ready_for_pickup"])
    response = client.post(_url(order, "handover"), headers=_bearer(owner),
                           json={"code": order.pickup_code, "paid_with": "cash"})
    assert response.status_code == 200
    body = response.get_json()
    assert body["event"]["status"] == "delivered"
    assert body["shipment"]["order"] == {"number": order.number, "status": "delivered", "payment_status": "paid"}


def test_wrong_code_is_422_and_its_count_is_kept(client):
    order, owner, _, _ = accepted_order("pickup")
    advance(order, owner, ["ready_for_pickup"])
    response = client.post(_url(order, "handover"), headers=_bearer(owner),
                           json={"code": wrong_code(order.pickup_code), "paid_with": "cash"})
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "wrong_code" and error["fields"]["attempts_left"] == 4
    db.session.expire_all()
    assert order.shipment.code_failures == 1 and order.status == "ready_for_pickup"


def test_handover_locked_after_five_wrong_codes_is_423(client):
    order, owner, courier, _ = accepted_order("sentra_courier")
    advance(order, courier, ["handed_to_courier"])
    headers = _bearer(courier)
    bad = {"code": wrong_code(order.shipment.delivery_pin)}
    codes = [client.post(_url(order, "handover"), headers=headers, json=bad).status_code for _ in range(5)]
    assert codes == [422] * 5
    response = client.post(_url(order, "handover"), headers=headers, json={"code": order.shipment.delivery_pin})
    assert response.status_code == 423 and response.get_json()["error"]["code"] == "locked"
    db.session.expire_all()
    assert order.status == "shipped"


def test_handover_needs_a_code_and_a_known_paid_with(client):
    order, owner, _, _ = accepted_order("pickup")
    advance(order, owner, ["ready_for_pickup"])
    headers = _bearer(owner)
    assert client.post(_url(order, "handover"), headers=headers, json={}).status_code == 400
    response = client.post(_url(order, "handover"), headers=headers, json={"code": order.pickup_code})
    assert response.status_code == 422 and response.get_json()["error"]["code"] == "paid_with_required"
    response = client.post(_url(order, "handover"), headers=headers,
                           json={"code": order.pickup_code, "paid_with": "gold"})
    assert response.status_code == 422
    db.session.expire_all()
    assert order.shipment.code_failures == 0 and order.status == "ready_for_pickup"


def test_another_sentras_order_is_404_for_both_endpoints(client):
    order, _, _, _ = accepted_order("pickup")
    advance(order, order.sentra.memberships[0].user, ["ready_for_pickup"])
    other_sentra, other_owner, _ = a_sentra("32.75.01.1001")
    headers = _bearer(other_owner)
    for action, body in (("tracking", {"status": "packed"}), ("handover", {"code": order.pickup_code})):
        assert client.post(_url(order, action, other_sentra.slug), headers=headers, json=body).status_code == 404
        assert client.post(_url(order, action), headers=headers, json=body).status_code == 404
    db.session.expire_all()
    assert order.status == "ready_for_pickup" and order.shipment.code_failures == 0


def test_endpoints_need_a_token(client):
    order, _, _, _ = accepted_order("pickup")
    assert client.post(_url(order, "tracking"), json={"status": "packed"}).status_code == 401


def test_endpoints_are_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    tracking = paths["/kelola/{sentra_slug}/orders/{number}/tracking"]["post"]["responses"]
    handover = paths["/kelola/{sentra_slug}/orders/{number}/handover"]["post"]["responses"]
    assert {"201", "409", "422", "404"} <= set(tracking)
    assert {"200", "422", "423", "404"} <= set(handover)
