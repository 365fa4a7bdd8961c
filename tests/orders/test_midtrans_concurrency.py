"""Midtrans notification storms on PostgreSQL, with real parallel connections."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from orders.core.models import Order, OrderEvent
from orders.core.payments import Payment, ProviderEvent
from shop.extensions import db
from tests.orders.midtrans_fixtures import *  # noqa: F403  (fixtures)
from tests.orders.test_webhooks_concurrency import _in_parallel

pytestmark = pytest.mark.postgres_only


def _post(app, body: dict):
    def job() -> int:
        return app.test_client().post("/webhooks/midtrans", json=body).status_code
    return job


def test_twenty_parallel_notifications_of_one_settlement_change_the_order_once(app, make_midtrans_checkout,
                                                                                 midtrans):
    checkout = make_midtrans_checkout("qris", sentras=2)
    order_id = checkout.payment.provider_ref
    midtrans.settle(order_id)
    body = midtrans.notification(order_id)

    statuses = _in_parallel(app, [_post(app, body)] * 20)

    assert statuses == [200] * 20
    db.session.expire_all()
    orders = list(db.session.scalars(select(Order).where(Order.checkout_id == checkout.id).order_by(Order.id)))
    assert [(o.status, o.payment_status) for o in orders] == [("placed", "paid")] * 2
    assert db.session.scalar(select(func.count()).select_from(OrderEvent).join(Order).where(
        Order.checkout_id == checkout.id, OrderEvent.kind == "payment")) == 2  # one per order
    assert db.session.scalar(select(func.count()).select_from(OrderEvent).join(Order).where(
        Order.checkout_id == checkout.id, OrderEvent.to_status == "placed")) == 2
    assert db.session.scalar(select(func.count()).select_from(ProviderEvent)) == 1
    assert db.session.get(Payment, checkout.payment.id).state == "succeeded"


def test_parallel_settlement_and_expire_notifications_end_paid(app, make_midtrans_checkout, midtrans):
    checkout = make_midtrans_checkout("va_bca")
    order_id = checkout.payment.provider_ref
    midtrans.settle(order_id)
    settled = midtrans.notification(order_id)
    # A (signed) expire notification whose status request now answers "settlement": nothing ends.
    expired = midtrans.notification(order_id, transaction_status="expire", status_code="407")

    assert _in_parallel(app, [_post(app, b) for b in [settled, expired] * 5]) == [200] * 10
    db.session.expire_all()
    [order] = db.session.scalars(select(Order).where(Order.checkout_id == checkout.id))
    assert (order.status, order.payment_status) == ("placed", "paid")
