"""Money arriving, failing to arrive, or arriving late: expiry, late payments, cancelled shares."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from catalog.products.models import Variant
from orders.core.models import OrderEvent
from orders.core.payments import Refund
from orders.payments.services import expire_due_payments, mark_paid
from orders.services import cancel_by_buyer
from shop.db import utcnow
from shop.extensions import db
from shop.outbox.models import OutboxJob
from shop.outbox.services import drain
from tests.factories import make_checkout, make_product, make_sentra, make_user


def _transfer_checkout(stock=5, quantity=2, sentras=1):
    buyer = make_user()
    items = []
    for code in ("32.75.08.1001", "32.75.08.1002")[:sentras]:
        variant = make_product(make_sentra(code), variants=[{"price_idr": 20_000, "stock": stock}]).variants[0]
        items.append((variant, quantity))
    db.session.commit()
    return buyer, make_checkout(buyer, items, method="bank_transfer", delivery="pickup"), [v for v, _ in items]


def test_expire_payments_command_expires_overdue_transfers_and_returns_stock(app, runner):
    _, checkout, [variant] = _transfer_checkout()
    checkout.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    result = runner.invoke(args=["expire-payments"])
    assert "1 checkout(s) expired" in result.output
    db.session.expire_all()
    assert [o.status for o in checkout.orders] == ["expired"]
    assert checkout.payment.state == "expired"
    assert db.session.get(Variant, variant.id).stock == 5


def test_a_transfer_within_its_time_does_not_expire(app):
    _, checkout, _ = _transfer_checkout()
    assert expire_due_payments(utcnow(), app.config) == 0
    assert expire_due_payments(checkout.expires_at + timedelta(seconds=1), app.config) == 1


def test_worker_runs_the_expiry(app, runner):
    _, checkout, _ = _transfer_checkout()
    checkout.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    checkout_id = checkout.id
    runner.invoke(args=["worker", "--once"])
    from orders.core.models import Checkout

    assert db.session.get(Checkout, checkout_id).payment.state == "expired"


def test_payment_recorded_twice_marks_paid_once(app):
    _, checkout, _ = _transfer_checkout()
    mark_paid(checkout.payment, None, "transfer seen", app.config)
    mark_paid(checkout.payment, None, "transfer seen again", app.config)
    db.session.commit()
    [order] = checkout.orders
    assert (order.status, order.payment_status) == ("placed", "paid")
    paid_events = db.session.scalar(select(func.count()).select_from(OrderEvent).where(OrderEvent.kind == "payment"))
    assert paid_events == 1


def test_late_payment_takes_the_stock_again_when_it_can(app):
    _, checkout, [variant] = _transfer_checkout()
    expire_due_payments(checkout.expires_at + timedelta(seconds=1), app.config)
    mark_paid(checkout.payment, None, "late transfer", app.config)
    db.session.commit()
    db.session.expire_all()
    assert [(o.status, o.payment_status) for o in checkout.orders] == [("placed", "paid")]
    assert db.session.get(Variant, variant.id).stock == 3


def test_late_payment_without_stock_is_refunded_and_the_buyer_told(app, mail_outbox):
    _, checkout, [variant] = _transfer_checkout(stock=2, quantity=2)
    expire_due_payments(checkout.expires_at + timedelta(seconds=1), app.config)
    other = make_user()
    make_checkout(other, [(db.session.get(Variant, variant.id), 2)])  # someone else took the units
    mark_paid(checkout.payment, None, "late transfer", app.config)
    db.session.commit()
    drain()
    db.session.expire_all()
    [order] = checkout.orders
    assert order.status == "expired" and order.payment_status == "paid"
    refund = db.session.scalar(select(Refund))
    assert (refund.order_id, refund.amount_idr, refund.state) == (order.id, 40_000, "pending")
    assert any(order.number in str(m["Subject"]) + m.get_content() for m in mail_outbox)


def test_cancelling_every_unpaid_order_closes_the_payment(app):
    buyer, checkout, _ = _transfer_checkout(sentras=2)
    for order in checkout.orders:
        cancel_by_buyer(order, buyer, None, app.config)
    db.session.commit()
    db.session.expire_all()
    assert checkout.payment.state == "cancelled"


def test_money_for_an_order_cancelled_meanwhile_is_refunded(app):
    buyer, checkout, _ = _transfer_checkout(sentras=2)
    first, second = checkout.orders
    cancel_by_buyer(first, buyer, None, app.config)
    db.session.commit()
    mark_paid(checkout.payment, None, "transfer", app.config)
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(OutboxJob).where(OutboxJob.kind == "order.refund")) == 1
    drain()
    db.session.expire_all()
    assert (second.status, second.payment_status) == ("placed", "paid")
    refund = db.session.scalar(select(Refund))
    assert (refund.order_id, refund.amount_idr) == (first.id, first.total_idr)


def test_refunding_a_payment_made_in_cash_at_the_sentra_is_a_clear_refusal(app):
    import pytest

    from orders.core import lifecycle
    from orders.core.providers import PaymentError

    buyer = make_user()
    variant = make_product(make_sentra(), variants=[{"price_idr": 20_000, "stock": 5}]).variants[0]
    db.session.commit()
    order = make_checkout(buyer, [(variant, 1)]).orders[0]  # pay on pickup
    order.payment_status = "paid"  # paid in cash at the handover
    db.session.commit()
    with pytest.raises(PaymentError) as refused:
        lifecycle.refund(order, None, "buyer returned it", app.config)
    assert refused.value.code == "refund_not_supported"
