"""Midtrans refunds (full and partial through the gateway for QRIS and e-wallets; by the office for
virtual accounts, to the account the buyer gives), reconciliation of lost notifications, and the
ledger's gateway-fee line."""
from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from orders.core.models import Checkout, Order
from orders.core.payments import Payment, Refund
from orders.ledger.models import LedgerEntry
from orders.payments.midtrans_events import reconcile
from orders.payments.services import expire_due_payments, mark_paid
from orders.services import cancel_by_buyer
from shop.accounts.models import User
from shop.db import utcnow
from shop.extensions import db
from shop.outbox.models import OutboxJob
from tests.factories import make_user
from tests.orders.ledger.ledger_helpers import completed_order
from tests.orders.midtrans_fixtures import *  # noqa: F403  (fixtures)
from tests.orders.midtrans_standin import SERVER_KEY  # noqa: F401


def _orders(checkout) -> list[Order]:
    db.session.expire_all()
    return list(db.session.scalars(select(Order).where(Order.checkout_id == checkout.id).order_by(Order.id)))


def _paid(client, midtrans, checkout) -> None:
    order_id = checkout.payment.provider_ref
    midtrans.settle(order_id)
    assert client.post("/webhooks/midtrans", json=midtrans.notification(order_id)).status_code == 200


def _cancel(order: Order) -> None:
    buyer = db.session.get(User, order.buyer_id)
    cancel_by_buyer(order, buyer, "changed my mind", current_app.config)
    db.session.commit()


# --- refunds -------------------------------------------------------------------------------------


def test_cancelling_a_paid_qris_order_refunds_it_in_full_through_midtrans(client, make_midtrans_checkout, midtrans):
    checkout = make_midtrans_checkout("qris")
    _paid(client, midtrans, checkout)
    _cancel(_orders(checkout)[0])
    txn = midtrans.only()
    assert txn["transaction_status"] == "refund"
    assert [r["amount"] for r in txn["refunds"]] == [50_000]
    order = _orders(checkout)[0]
    assert (order.status, order.payment_status, order.refunded_idr) == ("cancelled", "refunded", 50_000)
    payment = db.session.get(Checkout, checkout.id).payment
    assert (payment.state, payment.refunded_idr) == ("refunded", 50_000)


def test_one_sentras_order_of_two_is_refunded_partially(client, make_midtrans_checkout, midtrans):
    checkout = make_midtrans_checkout("gopay", sentras=2)
    _paid(client, midtrans, checkout)
    first, second = _orders(checkout)
    _cancel(second)
    txn = midtrans.only()
    assert txn["transaction_status"] == "partial_refund"
    assert [r["amount"] for r in txn["refunds"]] == [second.total_idr]
    first, second = _orders(checkout)
    assert (first.payment_status, second.payment_status) == ("paid", "refunded")
    assert db.session.get(Checkout, checkout.id).payment.state == "partially_refunded"
    # Midtrans tells us about the partial refund: it was booked already, nothing doubles.
    order_id = checkout.payment.provider_ref
    client.post("/webhooks/midtrans", json=midtrans.notification(order_id))
    client.post("/webhooks/midtrans", json=midtrans.notification(order_id))
    assert _orders(checkout)[1].refunded_idr == second.total_idr
    assert db.session.get(Checkout, checkout.id).payment.refunded_idr == second.total_idr


def test_a_repeated_refund_request_is_one_refund_at_midtrans(client, make_midtrans_checkout, midtrans):
    from orders.core.providers import get_provider

    checkout = make_midtrans_checkout("shopeepay")
    _paid(client, midtrans, checkout)
    order = _orders(checkout)[0]
    payment = db.session.get(Checkout, checkout.id).payment
    provider = get_provider("shopeepay")
    provider.refund(payment, order, 10_000, None, "double click", current_app.config)
    provider.refund(payment, order, 10_000, None, "double click", current_app.config)
    assert [r["amount"] for r in midtrans.only()["refunds"]] == [10_000]


def test_a_virtual_account_refund_waits_for_the_office_and_asks_the_buyer_for_an_account(
        client, auth, make_midtrans_checkout, midtrans):
    buyer = make_user(email="va-buyer@example.com")
    checkout = make_midtrans_checkout("va_bca", buyer=buyer)
    _paid(client, midtrans, checkout)
    _cancel(_orders(checkout)[0])
    assert midtrans.only()["refunds"] == []  # the gateway cannot refund a VA
    [refund] = db.session.scalars(select(Refund)).all()
    assert (refund.state, refund.amount_idr) == ("pending", 50_000)
    assert refund.bank_details_requested_at is not None
    assert db.session.scalar(select(OutboxJob).where(OutboxJob.kind == "payment.refund_bank_details"))
    order = _orders(checkout)[0]
    assert order.payment_status == "paid"  # until the office has paid it back

    auth.login("va-buyer@example.com")
    page = client.get(f"/orders/{order.number}")
    assert f"/orders/{order.number}/rekening-refund" in page.get_data(as_text=True)
    refused = client.post(f"/orders/{order.number}/rekening-refund",
                          data={"bank_name": "BCA", "account_number": "12ab", "account_holder": "Siti"})
    assert refused.status_code == 422
    saved = client.post(f"/orders/{order.number}/rekening-refund",
                        data={"bank_name": "BCA", "account_number": "123 456 7890", "account_holder": "Siti"})
    assert saved.status_code == 303
    db.session.expire_all()
    refund = db.session.get(Refund, refund.id)
    assert (refund.bank_name, refund.bank_account_number, refund.bank_account_holder) == ("BCA", "1234567890", "Siti")


def test_the_bank_details_email_links_to_the_form(client, make_midtrans_checkout, midtrans, mail_outbox):
    from shop.outbox.services import drain

    buyer = make_user(email="va-mail@example.com")
    checkout = make_midtrans_checkout("va_mandiri", buyer=buyer)
    _paid(client, midtrans, checkout)
    _cancel(_orders(checkout)[0])
    drain()
    [message] = [m for m in mail_outbox if m["To"] == "va-mail@example.com" and "rekening-refund" in str(m)]
    assert _orders(checkout)[0].number in message["Subject"]


def test_another_buyer_cannot_see_the_refund_account_form(client, auth, make_midtrans_checkout, midtrans):
    checkout = make_midtrans_checkout("va_bni")
    _paid(client, midtrans, checkout)
    _cancel(_orders(checkout)[0])
    make_user(email="other@example.com")
    db.session.commit()
    auth.login("other@example.com")
    assert client.get(f"/orders/{_orders(checkout)[0].number}/rekening-refund").status_code == 404


# --- reconciliation ----------------------------------------------------------------------------------


def test_a_lost_notification_is_repaired_by_reconciliation_after_ten_minutes(make_midtrans_checkout, midtrans, app):
    checkout = make_midtrans_checkout("qris")
    midtrans.settle(checkout.payment.provider_ref)  # its notification never arrives
    assert reconcile(utcnow() + timedelta(minutes=5), app.config) == 0
    assert _orders(checkout)[0].payment_status == "unpaid"
    assert reconcile(utcnow() + timedelta(minutes=11), app.config) == 1
    assert [(o.status, o.payment_status) for o in _orders(checkout)] == [("placed", "paid")]
    assert db.session.get(Checkout, checkout.id).payment.provider_status == "settlement"


def test_reconciliation_asks_again_only_ten_minutes_later(make_midtrans_checkout, midtrans, app):
    make_midtrans_checkout("va_bca")
    now = utcnow() + timedelta(minutes=11)
    assert reconcile(now, app.config) == 1
    assert reconcile(now + timedelta(minutes=5), app.config) == 0
    assert reconcile(now + timedelta(minutes=11), app.config) == 1


def test_reconciliation_at_expiry_pays_what_landed_before_the_expiry_job_runs(make_midtrans_checkout, midtrans, app):
    checkout = make_midtrans_checkout("gopay")
    midtrans.settle(checkout.payment.provider_ref)
    at_expiry = utcnow() + timedelta(minutes=16)
    reconcile(at_expiry, app.config)
    assert expire_due_payments(at_expiry, app.config) == 0
    assert _orders(checkout)[0].status == "placed"


def test_reconciliation_ends_a_payment_midtrans_expired(make_midtrans_checkout, midtrans, app):
    checkout = make_midtrans_checkout("shopeepay")
    midtrans.expire(checkout.payment.provider_ref)
    reconcile(utcnow() + timedelta(minutes=11), app.config)
    assert _orders(checkout)[0].status == "expired"
    assert db.session.get(Checkout, checkout.id).payment.state == "expired"


def test_reconciliation_never_pays_a_mismatched_amount(make_midtrans_checkout, midtrans, app):
    checkout = make_midtrans_checkout("qris")
    midtrans.settle(checkout.payment.provider_ref, paid_idr=1_000)
    reconcile(utcnow() + timedelta(minutes=11), app.config)
    payment = db.session.get(Checkout, checkout.id).payment
    assert (payment.state, payment.mismatch_idr) == ("pending", 1_000)


def test_reconciliation_runs_before_the_expiry_in_the_worker():
    from orders.payments.cli import expire_payments
    from orders.payments.midtrans_events import reconcile_midtrans_payments
    from orders.worker import PERIODIC_TASKS

    assert PERIODIC_TASKS.index(reconcile_midtrans_payments) < PERIODIC_TASKS.index(expire_payments)


# --- the ledger ------------------------------------------------------------------------------------


def test_a_midtrans_order_credits_the_sentra_like_card_and_transfer(midtrans, app):
    order = completed_order(paid="qris")
    kinds = [e.kind for e in db.session.scalars(select(LedgerEntry).where(LedgerEntry.order_id == order.id))]
    assert kinds == ["order_credit"]


def test_the_gateway_fee_is_a_separate_line_when_configured(midtrans, app):
    app.config["MIDTRANS_FEE_BP"] = 70  # 0.7 %
    try:
        order = completed_order(paid="va_bri")
    finally:
        app.config["MIDTRANS_FEE_BP"] = 0
    entries = {e.kind: e for e in db.session.scalars(select(LedgerEntry).where(LedgerEntry.order_id == order.id))}
    assert set(entries) == {"order_credit", "gateway_fee"}
    assert entries["gateway_fee"].debit_idr == 700  # 0.7 % of Rp100.000


def test_mark_paid_is_the_one_way_a_midtrans_payment_is_paid(make_midtrans_checkout, midtrans, app):
    checkout = make_midtrans_checkout("va_bca")
    mark_paid(db.session.get(Payment, checkout.payment.id), None, "test", app.config)
    db.session.commit()
    assert _orders(checkout)[0].payment_status == "paid"


def test_a_checkout_cancelled_unpaid_is_cancelled_at_midtrans_too(make_midtrans_checkout, midtrans, app):
    from orders.payments.midtrans_events import close_cancelled

    checkout = make_midtrans_checkout("va_bni")
    _cancel(_orders(checkout)[0])
    assert db.session.get(Checkout, checkout.id).payment.state == "cancelled"
    assert close_cancelled(utcnow(), app.config) == 1
    assert midtrans.only()["transaction_status"] == "cancel"
    assert db.session.get(Checkout, checkout.id).payment.provider_status == "cancel"
    assert close_cancelled(utcnow(), app.config) == 0


def test_money_that_came_before_the_gateway_cancel_is_booked_and_refunded(make_midtrans_checkout, midtrans, app):
    from orders.payments.midtrans_events import close_cancelled
    from shop.outbox.services import drain

    checkout = make_midtrans_checkout("gopay")
    _cancel(_orders(checkout)[0])
    midtrans.settle(checkout.payment.provider_ref)  # the buyer paid the open QR anyway
    assert close_cancelled(utcnow(), app.config) == 0
    drain()
    assert [r["amount"] for r in midtrans.only()["refunds"]] == [50_000]
    assert _orders(checkout)[0].payment_status == "refunded"
