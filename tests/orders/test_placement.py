"""Placement (orders.core.placement) is the one way an order is built: a cart's checkout and an
accepted quote get the same promise, codes and payment record, and one transfer-collision policy."""
from __future__ import annotations

import re
import subprocess
import sys
from datetime import UTC, datetime

import pytest
from flask import current_app
from sqlalchemy.exc import IntegrityError

from orders.b2b.acceptance import accept_quote
from orders.core import placement
from orders.core.models import OrderStatus
from orders.core.promises import promised_at
from orders.core.signals import order_placed
from orders.delivery.services import settings_for
from orders.payments import bank_transfer
from shop.db import utcnow
from shop.extensions import db
from tests.factories import BEKASI_ADDRESS, make_checkout
from tests.orders.b2b.b2b_helpers import membership, partner_team, send_quote, send_rfq
from tests.orders.orders_helpers import a_sentra, make_user

HANDLING_DAYS = 3


def _slow_sentra():
    """A sentra that needs three days to prepare an order, with one stocked variant."""
    sentra, owner, variant = a_sentra(price_idr=50_000)
    settings = settings_for(sentra)
    settings.handling_days = HANDLING_DAYS
    db.session.add(settings)
    db.session.commit()
    return sentra, owner, variant


def _config() -> dict:
    return {**current_app.config, "PPN_RATE_PERCENT": 11}


def _checkout_order(variant, delivery: str = "sentra_courier"):
    return make_checkout(make_user(), [(variant, 2)], method="bank_transfer", delivery=delivery).orders[0]


def _quote_order(sentra, owner):
    partner, _owner, staff = partner_team(threshold=None)
    quote = send_quote(sentra, owner, send_rfq(partner, staff, sentra))
    order = accept_quote(membership(partner, staff), staff, quote.id, "bank_transfer", _config()).order
    db.session.commit()
    return order


def _expected_promise(order) -> datetime:
    placed = order.created_at if order.created_at.tzinfo else order.created_at.replace(tzinfo=UTC)  # SQLite
    lead_times = [10] if order.partner_id else []  # the quote's line takes ten days to make
    return promised_at(placed, handling_days=HANDLING_DAYS, lead_times=lead_times, method=order.delivery_method,
                       in_city=True)


def test_a_checkout_order_and_a_quote_order_are_promised_by_the_same_sentra_handling_days():
    sentra, owner, variant = _slow_sentra()
    for order in (_checkout_order(variant), _quote_order(sentra, owner)):
        assert order.promised_at.replace(tzinfo=None) == _expected_promise(order).replace(tzinfo=None)


def test_a_checkout_order_and_a_quote_order_get_the_same_codes_and_opening_event():
    sentra, owner, variant = _slow_sentra()
    for order in (_checkout_order(variant), _quote_order(sentra, owner)):
        assert re.fullmatch(r"PS-\d{4}-[0-9A-Z]{5}", order.number)
        assert len(order.tracking_code) == 8 and order.pickup_code is None
        assert order.shipment.method == "sentra_courier" and re.fullmatch(r"\d{6}", order.shipment.delivery_pin)
        assert (order.status, order.payment_status) == (OrderStatus.PENDING_PAYMENT, "unpaid")
        assert [(e.from_status, e.to_status) for e in order.events] == [(None, OrderStatus.PENDING_PAYMENT)]


def test_a_checkout_order_and_a_quote_order_get_the_same_transfer_payment_record():
    sentra, owner, variant = _slow_sentra()
    for order in (_checkout_order(variant), _quote_order(sentra, owner)):
        payment = order.checkout.payment
        assert (payment.method, payment.state, payment.provider_started_at) == ("bank_transfer", "pending", None)
        assert 1 <= payment.unique_code <= 999
        assert payment.amount_idr == order.checkout.total_idr + payment.unique_code


def _open_transfer_checkout(buyer, total_idr: int):
    return placement.open_checkout(buyer_id=buyer.id, idempotency_key=f"test:{buyer.id}",
                                   payment_method="bank_transfer", total_idr=total_idr,
                                   address={**BEKASI_ADDRESS, "city": None, "postal_code": None},
                                   now=utcnow(), config=_config())


def _taken_code(monkeypatch) -> int:
    """A waiting transfer of 100,000 holds code 1; from now on every draw starts with code 1."""
    monkeypatch.setattr(bank_transfer, "draw_code", lambda free: free[0])
    first = _open_transfer_checkout(make_user(), 100_000)
    placement.record_payment(first, _config())
    return first.payment.unique_code


def test_a_transfer_amount_a_parallel_transfer_took_is_drawn_again_and_the_checkout_stands(monkeypatch):
    taken = _taken_code(monkeypatch)
    draws = iter([taken, 7])
    monkeypatch.setattr(bank_transfer, "draw_code", lambda free: next(draws))  # a race: 1 looked free
    checkout = _open_transfer_checkout(make_user(), 100_000)
    payment = placement.record_payment(checkout, _config())
    db.session.flush()
    assert (payment.unique_code, payment.amount_idr) == (7, 100_007)
    assert checkout.id is not None and checkout.payment is payment


def test_a_transfer_amount_that_collides_every_time_is_given_up_after_three_draws(monkeypatch):
    taken = _taken_code(monkeypatch)
    draws: list[int] = []
    monkeypatch.setattr(bank_transfer, "draw_code", lambda free: draws.append(taken) or taken)
    checkout = _open_transfer_checkout(make_user(), 100_000)
    with pytest.raises(IntegrityError):
        placement.record_payment(checkout, _config())
    assert len(draws) == placement.TRANSFER_ATTEMPTS


def test_placing_an_order_sends_order_placed_with_the_new_order():
    _sentra, _owner, variant = a_sentra()
    heard = []

    def listen(sender, **_kwargs):
        heard.append(sender)

    with order_placed.connected_to(listen):
        order = _checkout_order(variant, delivery="pickup")
    assert heard == [order]


def test_a_pickup_order_gets_a_pickup_code_and_a_shipment_without_a_delivery_pin():
    _sentra, _owner, variant = a_sentra()
    order = _checkout_order(variant, delivery="pickup")
    assert re.fullmatch(r"\d{6}", order.pickup_code)
    assert (order.shipment.method, order.shipment.delivery_pin) == ("pickup", None)


RECEIVERS = """
from shop import create_app
create_app({"TESTING": True})
from orders.core.signals import order_placed
print(*(f"{r.__module__}.{r.__name__}" for r in order_placed.receivers_for(object())))
"""


@pytest.mark.nodb
def test_the_app_factory_connects_shipping_to_open_each_placed_order_shipment():
    result = subprocess.run([sys.executable, "-c", RECEIVERS], capture_output=True, text=True, timeout=60, check=True)
    assert result.stdout.split() == ["orders.shipping.services.open_shipment"]
