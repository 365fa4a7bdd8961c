"""Midtrans methods end to end against the stand-in: the charge each method sends, the API's
instructions, a settlement notification that pays, and the methods hidden without keys."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from orders.core.models import Checkout, Order
from orders.core.payments import Payment
from orders.core.providers import available_methods
from orders.payments.midtrans import from_midtrans_amount, to_midtrans_amount
from shop.extensions import db
from tests.factories import BEKASI_ADDRESS, fill_cart, make_product, make_sentra, make_user
from tests.orders.midtrans_fixtures import *  # noqa: F403  (fixtures)
from tests.orders.test_checkout_api import bearer

MIDTRANS = ["qris", "gopay", "shopeepay", "va_bca", "va_bni", "va_bri", "va_permata", "va_mandiri"]


def _api_checkout(client, method: str, key: str = "mt-1", quantity: int = 2):
    buyer = make_user()
    sentra = make_sentra("32.75.08.1001")
    variant = make_product(sentra, variants=[{"price_idr": 25_000, "stock": 5}]).variants[0]
    fill_cart(buyer, [(variant, quantity)])
    db.session.commit()
    body = {"payment_method": method, "address": BEKASI_ADDRESS, "deliveries": {sentra.slug: {"method": "pickup"}}}
    response = client.post("/api/v1/checkout", json=body, headers={**bearer(buyer), "Idempotency-Key": key})
    return response, variant


def _orders(checkout_id: int) -> list[Order]:
    db.session.expire_all()
    return list(db.session.scalars(select(Order).where(Order.checkout_id == checkout_id).order_by(Order.id)))


def test_amounts_go_to_midtrans_in_whole_rupiah_never_times_100():
    assert to_midtrans_amount(50_000) == 50_000
    assert from_midtrans_amount("50000.00") == 50_000
    assert from_midtrans_amount("50000.50") is None
    assert from_midtrans_amount("abc") is None
    with pytest.raises(ValueError):
        to_midtrans_amount(1.5)


def test_midtrans_methods_are_hidden_without_a_server_key(app):
    assert not set(MIDTRANS) & set(available_methods({**app.config, "MIDTRANS_SERVER_KEY": None}, ["pickup"]))


def test_midtrans_methods_are_offered_with_a_server_key(midtrans, app):
    assert set(MIDTRANS) <= set(available_methods(app.config, ["pickup"]))


@pytest.mark.parametrize("method", MIDTRANS)
def test_each_method_is_charged_once_per_checkout_for_the_whole_total(client, midtrans, method):
    response, _ = _api_checkout(client, method)
    assert response.status_code == 201, response.get_json()
    [charge] = midtrans.charges
    checkout = response.get_json()["checkout"]
    assert charge["transaction_details"]["gross_amount"] == checkout["total_idr"] == 50_000
    payment = db.session.get(Checkout, checkout["id"]).payment
    assert charge["transaction_details"]["order_id"] == payment.provider_ref
    expected_type = {"qris": "qris", "gopay": "gopay", "shopeepay": "shopeepay", "va_mandiri": "echannel"}
    assert charge["payment_type"] == expected_type.get(method, "bank_transfer")
    if charge["payment_type"] == "bank_transfer":
        assert charge["bank_transfer"] == {"bank": method.removeprefix("va_")}


@pytest.mark.parametrize("method,fields", [
    ("qris", {"qr_string"}),
    ("gopay", {"qr_url", "deeplink_url"}),
    ("shopeepay", {"deeplink_url"}),
    ("va_bca", {"bank", "va_number"}),
    ("va_bni", {"bank", "va_number"}),
    ("va_bri", {"bank", "va_number"}),
    ("va_permata", {"bank", "va_number"}),
    ("va_mandiri", {"bank", "biller_code", "bill_key"}),
])
def test_the_201_body_carries_what_the_buyer_needs_to_pay(client, midtrans, method, fields):
    response, _ = _api_checkout(client, method)
    instructions = response.get_json()["checkout"]["payment"]["instructions"]
    assert fields <= {key for key, value in instructions.items() if value}
    assert instructions["expires_at"] == response.get_json()["checkout"]["expires_at"]
    txn = midtrans.only()
    if method.startswith("va_") and method not in ("va_permata", "va_mandiri"):
        assert instructions["va_number"] == txn["va_numbers"][0]["va_number"]
    if method == "va_permata":
        assert instructions["va_number"] == txn["permata_va_number"]
    if method == "va_mandiri":
        assert (instructions["biller_code"], instructions["bill_key"]) == (txn["biller_code"], txn["bill_key"])
    if method == "qris":
        assert instructions["qr_string"] == txn["qr_string"]


@pytest.mark.parametrize("method,minutes", [("qris", 15), ("va_bca", 24 * 60)])
def test_the_charge_expires_when_the_checkout_does(client, midtrans, method, minutes):
    response, _ = _api_checkout(client, method)
    checkout = db.session.get(Checkout, response.get_json()["checkout"]["id"])
    expiry = midtrans.charges[0]["custom_expiry"]
    assert expiry["unit"] == "minute" and expiry["expiry_duration"] == minutes
    assert checkout.expires_at - checkout.created_at == timedelta(minutes=minutes)
    assert expiry["order_time"].endswith("+0700")


def test_repeating_the_api_checkout_does_not_charge_twice(client, midtrans):
    buyer = make_user()
    sentra = make_sentra("32.75.08.1001")
    variant = make_product(sentra, variants=[{"price_idr": 25_000, "stock": 5}]).variants[0]
    fill_cart(buyer, [(variant, 1)])
    db.session.commit()
    body = {"payment_method": "qris", "address": BEKASI_ADDRESS, "deliveries": {sentra.slug: {"method": "pickup"}}}
    headers = {**bearer(buyer), "Idempotency-Key": "twice"}
    first = client.post("/api/v1/checkout", json=body, headers=headers)
    second = client.post("/api/v1/checkout", json=body, headers=headers)
    assert (first.status_code, second.status_code) == (201, 200)
    assert len(midtrans.charges) == 1
    assert second.get_json()["checkout"]["payment"]["instructions"]["qr_string"] == midtrans.only()["qr_string"]


@pytest.mark.parametrize("method", MIDTRANS)
def test_a_settlement_notification_pays_each_method(client, midtrans, method):
    response, variant = _api_checkout(client, method)
    checkout_id = response.get_json()["checkout"]["id"]
    order_id = midtrans.only()["order_id"]
    midtrans.settle(order_id)
    answer = client.post("/webhooks/midtrans", json=midtrans.notification(order_id))
    assert answer.status_code == 200 and answer.get_json()["outcome"] == "processed"
    [order] = _orders(checkout_id)
    assert (order.status, order.payment_status) == ("placed", "paid")
    payment = db.session.get(Checkout, checkout_id).payment
    assert (payment.state, payment.provider_status) == ("succeeded", "settlement")
    assert db.session.get(type(variant), variant.id).stock == 3


def test_a_refused_charge_cancels_the_orders_and_returns_the_stock(client, midtrans, monkeypatch):
    from orders.payments import midtrans as provider

    monkeypatch.setattr(provider, "VA_BANKS", {**provider.VA_BANKS, "va_bca": "nope"})
    response, variant = _api_checkout(client, "va_bca")
    assert response.status_code == 422
    assert db.session.get(type(variant), variant.id).stock == 5
    payment = db.session.scalar(select(Payment))
    assert payment.state == "failed"
    assert [o.status for o in _orders(payment.checkout_id)] == ["cancelled"]


def test_the_charge_carries_the_checkout_total_with_delivery_for_two_sentras(make_midtrans_checkout, midtrans):
    checkout = make_midtrans_checkout("gopay", sentras=2)
    assert checkout.total_idr == 90_000
    assert midtrans.charges[0]["transaction_details"]["gross_amount"] == 90_000
    assert len(checkout.orders) == 2


def test_a_repeated_start_after_a_crash_reads_the_transaction_back_instead_of_charging_twice(
        make_midtrans_checkout, midtrans, app):
    from orders.core.providers import get_provider

    checkout = make_midtrans_checkout("va_bca")
    payment = db.session.get(Checkout, checkout.id).payment
    started = get_provider("va_bca").start(payment, app.config)  # as a retried step 2 would
    assert started.provider_ref == payment.provider_ref
    assert started.extra["va_number"] == midtrans.only()["va_numbers"][0]["va_number"]
    assert len(midtrans.charges) == 2 and len(midtrans.transactions) == 1  # the second charge was refused
