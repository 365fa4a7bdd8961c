"""POST /api/v1/checkout: the documented shape, the idempotency header and the errors."""
from __future__ import annotations

from sqlalchemy import func, select

from orders.core.models import Order
from shop.accounts.tokens import issue_token
from shop.extensions import db
from tests.factories import BEKASI_ADDRESS, fill_cart, make_product, make_sentra, make_user


def bearer(user) -> dict[str, str]:
    token, _ = issue_token(user, "test", 30)
    db.session.commit()
    return {"Authorization": f"Bearer {token}"}


def _setup(stock=5, quantity=2, kelurahan="32.75.08.1001"):
    buyer = make_user()
    sentra = make_sentra(kelurahan)
    variant = make_product(sentra, variants=[{"price_idr": 15_000, "stock": stock, "weight_grams": 500}]).variants[0]
    fill_cart(buyer, [(variant, quantity)])
    db.session.commit()
    return buyer, sentra, variant


def _body(slug, method="pickup", payment="pay_on_pickup", address=None):
    return {"payment_method": payment, "address": address or BEKASI_ADDRESS, "deliveries": {slug: {"method": method}}}


def test_checkout_answers_201_with_the_documented_shape(client):
    buyer, sentra, _ = _setup()
    headers = {**bearer(buyer), "Idempotency-Key": "api-1"}
    response = client.post("/api/v1/checkout", json=_body(sentra.slug), headers=headers)
    assert response.status_code == 201
    checkout = response.get_json()["checkout"]
    assert checkout["total_idr"] == 30_000
    assert checkout["payment"]["method"] == "pay_on_pickup"
    [order] = checkout["orders"]
    assert order["sentra"] == sentra.slug
    assert (order["status"], order["payment_status"]) == ("placed", "unpaid")
    assert (order["subtotal_idr"], order["delivery_fee_idr"], order["total_idr"]) == (30_000, 0, 30_000)
    assert order["delivery"] == {"method": "pickup"}


def test_repeated_idempotency_key_answers_200_with_the_first_checkout(client):
    buyer, sentra, variant = _setup()
    headers = {**bearer(buyer), "Idempotency-Key": "api-2"}
    first = client.post("/api/v1/checkout", json=_body(sentra.slug), headers=headers)
    fill_cart(buyer, [(variant, 1)])
    db.session.commit()
    again = client.post("/api/v1/checkout", json=_body(sentra.slug), headers=headers)
    assert again.status_code == 200
    assert again.get_json()["checkout"]["id"] == first.get_json()["checkout"]["id"]
    assert db.session.scalar(select(func.count()).select_from(Order)) == 1


def test_checkout_without_idempotency_key_is_400(client):
    buyer, sentra, _ = _setup()
    response = client.post("/api/v1/checkout", json=_body(sentra.slug), headers=bearer(buyer))
    assert response.status_code == 400
    assert response.get_json()["error"]["fields"] == {"Idempotency-Key": "required"}


def test_malformed_body_is_400(client):
    buyer, _, _ = _setup()
    response = client.post("/api/v1/checkout", json={"deliveries": []},
                           headers={**bearer(buyer), "Idempotency-Key": "x"})
    assert response.status_code == 400
    assert set(response.get_json()["error"]["fields"]) >= {"payment_method", "address", "deliveries"}


def test_not_enough_stock_is_409_naming_the_variant(client):
    buyer, sentra, variant = _setup(stock=5, quantity=2)
    variant.stock = 1  # another buyer took them meanwhile
    db.session.commit()
    response = client.post("/api/v1/checkout", json=_body(sentra.slug), headers={**bearer(buyer), "Idempotency-Key": "s"})
    assert response.status_code == 409
    error = response.get_json()["error"]
    assert error["code"] == "insufficient_stock"
    assert error["fields"] == {str(variant.id): "2 requested, 1 available"}


def test_sentra_courier_to_an_address_outside_bekasi_is_422(client):
    buyer, sentra, _ = _setup()
    outside = {"recipient": "Budi", "phone": "081234567891", "street": "Jl. Braga 1", "city": "Bandung",
               "postal_code": "40111"}
    response = client.post("/api/v1/checkout", json=_body(sentra.slug, "sentra_courier", address=outside),
                           headers={**bearer(buyer), "Idempotency-Key": "o"})
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "delivery_unavailable"


def test_sentra_courier_is_quoted_by_the_distance_between_kelurahan_centroids(app):
    from orders.checkout.quote import cart_lines, quote
    from orders.delivery import fees
    from orders.delivery.services import Destination
    from shop.places.models import Kelurahan

    buyer, sentra, _ = _setup(kelurahan="32.75.08.1002")
    here, there = db.session.get(Kelurahan, "32.75.08.1002"), db.session.get(Kelurahan, "32.75.08.1001")
    result = quote(buyer, cart_lines(buyer), Destination(there.code), {sentra.slug: "sentra_courier"}, app.config)
    km = fees.road_km(here.lat, here.lon, there.lat, there.lon)
    assert result.parts[0].chosen.fee_idr == fees.sentra_courier_fee(km)
    assert result.total_idr == 30_000 + fees.sentra_courier_fee(km)


def test_empty_cart_is_422(client):
    buyer = make_user()
    sentra = make_sentra()
    db.session.commit()
    response = client.post("/api/v1/checkout", json=_body(sentra.slug), headers={**bearer(buyer), "Idempotency-Key": "e"})
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "empty_cart"


def test_checkout_needs_a_token(client):
    assert client.post("/api/v1/checkout", json={}).status_code == 401


def _raise_price(variant, price_idr):
    variant.price_idr = price_idr  # the sentra raises the price after the buyer added it
    db.session.commit()


def _checkout_count() -> int:
    from orders.core.models import Checkout

    return db.session.scalar(select(func.count()).select_from(Checkout))


def test_checkout_after_an_unseen_price_change_is_409_naming_the_line(client):
    buyer, sentra, variant = _setup(stock=5, quantity=2)
    headers = bearer(buyer)
    [line] = client.get("/api/v1/cart", headers=headers).get_json()["items"]
    _raise_price(variant, 18_000)
    response = client.post("/api/v1/checkout", json=_body(sentra.slug), headers={**headers, "Idempotency-Key": "p"})
    assert response.status_code == 409
    error = response.get_json()["error"]
    assert error["code"] == "price_changed"
    assert error["fields"] == {f"items.{line['id']}": "seen 15000, now 18000"}


def test_checkout_refused_for_a_price_change_reserves_nothing(client):
    buyer, sentra, variant = _setup(stock=5, quantity=2)
    _raise_price(variant, 18_000)
    client.post("/api/v1/checkout", json=_body(sentra.slug), headers={**bearer(buyer), "Idempotency-Key": "p"})
    db.session.expire_all()
    assert (_checkout_count(), variant.stock) == (0, 5)


def test_reading_the_cart_shows_a_price_change_once_and_then_counts_it_as_seen(client):
    buyer, _, variant = _setup(stock=5, quantity=2)
    headers = bearer(buyer)
    _raise_price(variant, 18_000)
    [first] = client.get("/api/v1/cart", headers=headers).get_json()["items"]
    [again] = client.get("/api/v1/cart", headers=headers).get_json()["items"]
    assert (first["price_changed"], first["seen_unit_price_idr"], first["unit_price_idr"]) == (True, 15_000, 18_000)
    assert (again["price_changed"], again["seen_unit_price_idr"]) == (False, 18_000)


def _checkout_after_a_price_rise(client, *, read_cart: bool = False, **body):
    """The buyer's 2 x Rp15.000 go up to Rp18.000 each; the buyer (maybe reads the cart and) checks out."""
    buyer, sentra, variant = _setup(stock=5, quantity=2)
    headers = bearer(buyer)
    _raise_price(variant, 18_000)
    if read_cart:
        client.get("/api/v1/cart", headers=headers)
    return client.post("/api/v1/checkout", json={**_body(sentra.slug), **body},
                       headers={**headers, "Idempotency-Key": "rise"})


def test_checkout_after_the_cart_showed_the_new_price_charges_it(client):
    response = _checkout_after_a_price_rise(client, read_cart=True)
    assert (response.status_code, response.get_json()["checkout"]["total_idr"]) == (201, 36_000)


def test_checkout_with_the_matching_expected_total_accepts_a_price_change(client):
    response = _checkout_after_a_price_rise(client, expected_total_idr=36_000)
    assert (response.status_code, response.get_json()["checkout"]["total_idr"]) == (201, 36_000)


def test_checkout_with_another_expected_total_is_409_price_changed(client):
    response = _checkout_after_a_price_rise(client, expected_total_idr=30_000)
    assert (response.status_code, response.get_json()["error"]["code"]) == (409, "price_changed")
    assert _checkout_count() == 0


def test_expected_total_that_is_not_a_whole_number_is_400(client):
    buyer, sentra, _ = _setup()
    body = {**_body(sentra.slug), "expected_total_idr": "banyak"}
    response = client.post("/api/v1/checkout", json=body, headers={**bearer(buyer), "Idempotency-Key": "x"})
    assert response.status_code == 400
    assert "expected_total_idr" in response.get_json()["error"]["fields"]
