"""Public tracking (/track/<number>?code= and GET /api/v1/track/<number>) and the buyer's timeline."""
from __future__ import annotations

import pytest
from flask import Flask

from orders.shipping.tracking import WITHOUT_PIN_NOTE
from shop.extensions import db
from tests.orders.conftest import configured
from tests.orders.tracking_helpers import (
    BUYER_EMAIL,
    PHONE,
    RECIPIENT,
    STREET,
    delivered_by_courier,
    delivered_without_pin,
    new_order,
    ready_pickup,
    shipped_by_sentra_courier,
)
from tests.queries import count_queries


@pytest.fixture(autouse=True)
def _english_pages(client):
    client.post("/bahasa", data={"lang": "en"})


def _personal_data(order) -> list[str]:
    values = [RECIPIENT, PHONE, STREET, BUYER_EMAIL, "Sari Pembeli"]
    if order.pickup_code:
        values.append(order.pickup_code)
    if order.shipment.delivery_pin:
        values.append(order.shipment.delivery_pin)
    return values


def _leaks(body: str, order) -> list[str]:
    return [value for value in _personal_data(order) if value in body]


def test_track_page_shows_the_timeline_without_personal_data(client):
    setup = new_order()
    order = ready_pickup(setup)
    response = client.get(f"/track/{order.number}?code={order.tracking_code}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Ready for pickup" in html and "Siap di meja depan" not in html  # the sentra's note is private
    assert _leaks(html, order) == []


def test_track_api_returns_status_method_promise_and_events_without_personal_data(client):
    order = ready_pickup(new_order())
    response = client.get(f"/api/v1/track/{order.number}?code={order.tracking_code}")
    assert response.status_code == 200
    body = response.get_json()
    assert body["number"] == order.number
    assert body["status"] == "ready_for_pickup"
    assert body["delivery_method"] == "pickup"
    assert body["promised_at"].endswith("+07:00")
    assert [(e["status"], e["note"]) for e in body["events"]] == [("ready_for_pickup", None)]
    assert body["events"][0]["at"].endswith("+07:00")
    assert _leaks(response.get_data(as_text=True), order) == []


def test_track_api_gives_the_carrier_waybill_and_the_carriers_tracking_link(client):
    order = delivered_by_courier(new_order(method="bank_transfer", delivery="courier", paid=True))
    body = client.get(f"/api/v1/track/{order.number}?code={order.tracking_code}").get_json()
    assert body["courier"]["carrier"] == "jne" and body["courier"]["name"] == "JNE"
    assert body["courier"]["waybill"] == "JP12345678"
    assert "JP12345678" in body["courier"]["tracking_url"]
    assert [e["status"] for e in body["events"]] == ["handed_to_courier", "delivered"]
    assert _leaks(client.get(f"/api/v1/track/{order.number}?code={order.tracking_code}").get_data(as_text=True),
                  order) == []


def test_a_sentra_courier_pin_never_shows_on_public_tracking(client):
    order = shipped_by_sentra_courier(new_order(method="bank_transfer", delivery="sentra_courier", paid=True))
    for url in (f"/track/{order.number}?code={order.tracking_code}",
                f"/api/v1/track/{order.number}?code={order.tracking_code}"):
        body = client.get(url).get_data(as_text=True)
        assert order.shipment.delivery_pin not in body
        assert _leaks(body, order) == []


def test_the_recipient_name_of_a_delivery_without_pin_is_not_shown_publicly(client):
    order = delivered_without_pin(new_order(method="bank_transfer", delivery="sentra_courier", paid=True),
                                  recipient_name="Budi Tetangga")
    api = client.get(f"/api/v1/track/{order.number}?code={order.tracking_code}")
    page = client.get(f"/track/{order.number}?code={order.tracking_code}")
    assert "Budi Tetangga" not in api.get_data(as_text=True)
    assert "Budi Tetangga" not in page.get_data(as_text=True)
    last = api.get_json()["events"][-1]
    assert (last["status"], last["note"]) == ("delivered", WITHOUT_PIN_NOTE)


def test_the_sentras_own_notes_never_show_publicly(client):
    from orders.services import accept_order
    from orders.shipping import services as shipping

    setup = new_order()
    accept_order(setup.order, setup.owner)
    shipping.record_tracking_event(setup.order, "packed", setup.owner, "Titip ke Bu Sari, rumah pagar hijau no. 5")
    db.session.commit()
    url = f"/api/v1/track/{setup.order.number}?code={setup.order.tracking_code}"
    body = client.get(url).get_json()
    assert body["events"][0] == {**body["events"][0], "status": "packed", "note": None}
    for page in (client.get(url), client.get(f"/track/{setup.order.number}?code={setup.order.tracking_code}")):
        assert "pagar hijau" not in page.get_data(as_text=True)


@pytest.mark.parametrize("query", ["", "?code=", "?code=WRONG123"])
def test_a_missing_or_wrong_code_is_404_on_the_page_and_the_api(client, query):
    order = ready_pickup(new_order())
    assert client.get(f"/track/{order.number}{query}").status_code == 404
    response = client.get(f"/api/v1/track/{order.number}{query}")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_a_wrong_code_shows_the_lookup_form_again_with_the_number_filled_in(client):
    order = ready_pickup(new_order())
    response = client.get(f"/track/{order.number}?code=WRONG123")
    body = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "Wrong tracking code" in body
    assert f'value="{order.number}"' in body
    assert 'action="/track"' in body
    assert "Siap di meja depan" not in body


def test_a_wrong_code_for_an_unknown_number_reads_the_same(client):
    body = client.get("/track/PS-0000-NOPE?code=ABCDEFGH").get_data(as_text=True)
    assert "Wrong tracking code" in body and 'value="PS-0000-NOPE"' in body


def test_a_missing_code_asks_for_it_without_calling_it_wrong(client):
    order = ready_pickup(new_order())
    body = client.get(f"/track/{order.number}").get_data(as_text=True)
    assert 'name="code"' in body
    assert "Wrong tracking code" not in body


def test_an_unknown_order_number_is_404(client):
    assert client.get("/track/PS-0000-NOPE?code=ABCDEFGH").status_code == 404
    assert client.get("/api/v1/track/PS-0000-NOPE?code=ABCDEFGH").status_code == 404


def test_the_code_is_accepted_in_lower_case(client):
    order = ready_pickup(new_order())
    assert client.get(f"/track/{order.number}?code={order.tracking_code.lower()}").status_code == 200


def test_the_lookup_form_goes_to_the_tracking_page(client):
    order = ready_pickup(new_order())
    response = client.get(f"/track?number={order.number.lower()}&code={order.tracking_code}")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/track/{order.number}?code={order.tracking_code}")
    assert client.get("/track").status_code == 200


def test_tracking_is_rate_limited_per_address_across_page_and_api(app: Flask, client):
    order = ready_pickup(new_order())
    with configured(app, {"TRACK_RATE_LIMIT": "3 per minute"}):
        codes = [client.get(f"/track/{order.number}?code=WRONG000").status_code for _ in range(2)]
        codes.append(client.get(f"/api/v1/track/{order.number}?code={order.tracking_code}").status_code)
        codes.append(client.get(f"/api/v1/track/{order.number}?code={order.tracking_code}").status_code)
    assert codes == [404, 404, 200, 429]


def test_track_page_makes_a_bounded_number_of_queries(client):
    order = delivered_by_courier(new_order(method="bank_transfer", delivery="courier", paid=True))
    url = f"/track/{order.number}?code={order.tracking_code}"
    client.get(url)
    with count_queries() as statements:
        assert client.get(url).status_code == 200
    assert len(statements) <= 4


def test_buyer_order_page_shows_the_timeline_and_the_public_link(client, auth):
    order = ready_pickup(new_order())
    auth.login(BUYER_EMAIL)
    html = client.get(f"/orders/{order.number}").get_data(as_text=True)
    assert "Siap di meja depan" in html
    assert f"/track/{order.number}?code={order.tracking_code}" in html


def test_buyer_order_page_shows_where_and_when_to_collect_a_pickup(client, auth):
    setup = new_order()
    order = ready_pickup(setup)
    auth.login(BUYER_EMAIL)
    html = client.get(f"/orders/{order.number}").get_data(as_text=True)
    assert setup.sentra.address in html
    assert "Senin-Sabtu 09.00-17.00" in html
    assert "https://www.google.com/maps/search/?api=1&amp;query=" in html
    assert "Estimated ready" in html
    assert order.pickup_code in html


def test_buyer_sees_the_delivery_pin_once_the_parcel_is_with_the_courier(client, auth):
    setup = new_order(method="bank_transfer", delivery="sentra_courier", paid=True)
    auth.login(BUYER_EMAIL)
    pin = setup.order.shipment.delivery_pin
    assert pin not in client.get(f"/orders/{setup.order.number}").get_data(as_text=True)
    shipped_by_sentra_courier(setup)
    html = client.get(f"/orders/{setup.order.number}").get_data(as_text=True)
    assert "Delivery PIN" in html and pin in html
    assert "Estimated arrival" in html
