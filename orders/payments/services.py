"""What happens to orders when money arrives, fails, is refunded or never comes.

Every function locks the payment row first (``SELECT ... FOR UPDATE``), then the
checkout's orders in ascending id order, so a webhook, the buyer's return from
3-D Secure, the office and the expiry job can race on one checkout and each
change happens once. All of them are idempotent: a repeat finds the work done.
They flush; the caller commits.
"""
from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from flask import current_app
from sqlalchemy import select

from catalog import stock
from orders.checkout.services import return_stock
from orders.models import Checkout, Order, OrderStatus, PaymentStatus
from orders.payments.models import Payment, PaymentState, Refund
from orders.payments.providers import get_provider
from orders.status import record_event, transition
from shop.db import utcnow
from shop.extensions import db
from shop.outbox.services import enqueue, register

log = logging.getLogger(__name__)

WAITING = frozenset({PaymentState.PENDING, PaymentState.PROCESSING})
REFUND_JOB = "order.refund"
PAID_STATES = frozenset({PaymentState.SUCCEEDED, PaymentState.PARTIALLY_REFUNDED, PaymentState.REFUNDED})


def lock_payment(payment_id: int) -> Payment:
    """The payment, locked for this transaction, and its checkout's orders locked in id order.

    :raise LookupError: no such payment.
    """
    payment = db.session.scalar(
        select(Payment).where(Payment.id == payment_id).with_for_update(of=Payment).execution_options(populate_existing=True)
    )
    if payment is None:
        raise LookupError(f"no payment {payment_id}")
    _lock_orders(payment.checkout_id)
    return payment


def _lock_orders(checkout_id: int) -> list[Order]:
    return list(db.session.scalars(
        select(Order).where(Order.checkout_id == checkout_id).order_by(Order.id)
        .with_for_update(of=Order).execution_options(populate_existing=True)
    ))


def payment_for_ref(provider_ref: str) -> Payment | None:
    return db.session.scalar(select(Payment).where(Payment.provider_ref == provider_ref))


def mark_paid(payment: Payment, actor: Any | None, note: str, config: Mapping[str, Any], *,
              office_note: str | None = None) -> None:
    """Record that the whole checkout amount arrived. Locks the payment and its orders; flushes.

    Orders waiting for payment become ``placed``/``paid``. A payment already recorded
    changes nothing. A payment for a checkout that expired meanwhile takes the stock
    again if it still can; otherwise it is refunded at once and the buyer told.

    ``note`` goes into every order's history, which the buyer and the sentra read: a
    system note (see :mod:`orders.notes`), never a person's words. What the office
    writes for itself is ``office_note``, kept on the payment only.
    """
    payment = lock_payment(payment.id)
    if payment.state in PAID_STATES:
        return
    orders = _lock_orders(payment.checkout_id)
    now = utcnow()
    payment.state = PaymentState.SUCCEEDED
    payment.paid_at = now
    payment.decided_by_id = getattr(actor, "id", None)
    payment.office_note = (office_note or "").strip()[:500] or None
    if any(order.status == OrderStatus.EXPIRED for order in orders):
        _late_payment(payment, orders, actor, config)
        return
    for order in orders:
        if order.payment_status != PaymentStatus.UNPAID:
            continue
        order.payment_status = PaymentStatus.PAID
        order.paid_at = now
        record_event(order, "payment", actor, note or "paid")
        if order.partner_id is not None:
            from orders.b2b.invoices import paid_for_order  # noqa: PLC0415  (b2b builds on orders)

            paid_for_order(order, now)
        if order.status == OrderStatus.COMPLETED:  # an invoice on terms paid after completion
            from orders.ledger.services import sync_order  # noqa: PLC0415

            sync_order(order, config)
        if order.status == OrderStatus.CANCELLED:
            # Cancelled while the money was on its way: its share goes back (by the worker,
            # so a webhook never waits on a refund call).
            enqueue(REFUND_JOB, {"order_id": order.id, "reason": "paid after the order was cancelled"})
            continue
        if order.status == OrderStatus.PENDING_PAYMENT:
            transition(order, OrderStatus.PLACED, actor, "payment received")
            enqueue("order.placed", {"order_id": order.id})
        enqueue("order.paid", {"order_id": order.id})
    db.session.flush()


def _late_payment(payment: Payment, orders: list[Order], actor: Any | None, config: Mapping[str, Any]) -> None:
    """The money came after expiry: revive the orders if all their stock is still there, else refund."""
    now = utcnow()
    savepoint = db.session.begin_nested()
    try:
        wanted = sorted(
            (line.variant_id, line.quantity, order) for order in orders for line in order.lines
            if line.variant_id is not None and not line.made_to_order and order.status == OrderStatus.EXPIRED
        )
        for variant_id, quantity, order in wanted:
            stock.reserve(variant_id, quantity, order_id=order.id)
        savepoint.commit()
    except stock.InsufficientStockError:
        savepoint.rollback()
        payment = lock_payment(payment.id)
        orders = _lock_orders(payment.checkout_id)
        payment.state = PaymentState.SUCCEEDED
        payment.paid_at = now
        for order in orders:
            order.payment_status = PaymentStatus.PAID
            order.paid_at = now
            record_event(order, "payment", actor, "paid after the checkout expired; stock is gone, refunding")
            enqueue(REFUND_JOB, {"order_id": order.id, "reason": "paid after expiry, stock no longer available"})
            enqueue("order.late_payment_refunded", {"order_id": order.id})
        return
    for order in orders:
        order.payment_status = PaymentStatus.PAID
        order.paid_at = now
        record_event(order, "payment", actor, "paid after the checkout expired; stock taken again")
        if order.status == OrderStatus.EXPIRED:
            transition(order, OrderStatus.PLACED, actor, "late payment received")
            enqueue("order.placed", {"order_id": order.id})
        if order.partner_id is not None:
            from orders.b2b.invoices import paid_for_order  # noqa: PLC0415  (b2b builds on orders)

            paid_for_order(order, now)  # the invoice the expiry voided is paid after all
        enqueue("order.paid", {"order_id": order.id})
    db.session.flush()


@register(REFUND_JOB)
def _refund_job(payload: dict[str, Any]) -> None:
    """Refund one order's paid share (outbox job; idempotent: a refunded order returns None)."""
    order = db.session.get(Order, payload["order_id"])
    if order is not None:
        refund_order(order, None, payload.get("reason"), current_app.config)
        db.session.commit()


def mark_failed(payment: Payment, message: str) -> None:
    """Record a failed attempt (a declined card). Locks the payment; flushes.

    After a success this changes nothing (events may arrive out of order); otherwise the
    buyer may try again until the checkout expires.
    """
    payment = lock_payment(payment.id)
    if payment.state not in WAITING:
        return
    payment.failure_message = (message or "declined")[:500]
    db.session.flush()


def flag_dispute(payment: Payment, note: str) -> None:
    """A card dispute was opened: flag the checkout's orders for the program office. Flushes."""
    payment = lock_payment(payment.id)
    for order in _lock_orders(payment.checkout_id):
        if order.disputed_at is None:
            order.disputed_at = utcnow()
            record_event(order, "dispute", None, note or "card dispute opened")
    db.session.flush()


def lose_dispute(payment: Payment, note: str, config: Mapping[str, Any]) -> None:
    """The card dispute was lost: the buyer's bank took the money back. The orders are marked and
    the ledger takes back what was credited for them. Locks the payment and orders; flushes; idempotent."""
    from orders.ledger.services import sync_order  # noqa: PLC0415  (the ledger reads orders)

    payment = lock_payment(payment.id)
    for order in _lock_orders(payment.checkout_id):
        if order.dispute_lost_at is None:
            order.dispute_lost_at = utcnow()
            order.disputed_at = order.disputed_at or order.dispute_lost_at
            record_event(order, "dispute", None, note or "card dispute lost")
        sync_order(order, config)
    db.session.flush()


def refund_order(order: Order, actor: Any | None, reason: str | None, config: Mapping[str, Any]) -> Refund | None:
    """Give back what was paid for ``order`` through its provider. Locks the payment; flushes.

    Returns None when nothing was paid or all is already refunded or being refunded.
    A provider that pays at once (Stripe) updates the order and payment now; a bank
    transfer leaves a pending refund for the office (:func:`complete_refund`).

    :raise PaymentError: the provider refused.
    """
    payment = lock_payment(order.checkout.payment.id)
    db.session.refresh(order)
    if order.payment_status not in (PaymentStatus.PAID, PaymentStatus.PARTIALLY_REFUNDED):
        return None
    pending = sum(r.amount_idr for r in payment.refunds if r.order_id == order.id and r.state == "pending")
    amount = order.total_idr - order.refunded_idr - pending
    if amount <= 0:
        return None
    provider = get_provider(payment.method)
    refund = provider.refund(payment, order, amount, actor, reason, config)
    if refund.state == "succeeded":
        apply_refund(refund)
    else:
        record_event(order, "refund", actor, f"refund of Rp{amount} requested")
    db.session.flush()
    return refund


def apply_refund(refund: Refund) -> None:
    """Book a refund that has happened onto its order and payment, once. Flushes.

    ``completed_at`` marks a booked refund; providers leave it empty.
    """
    payment = lock_payment(refund.payment_id)
    db.session.refresh(refund)
    if refund.completed_at is not None:
        return  # booked already: completed_at is set here and nowhere else
    refund.state = "succeeded"
    refund.completed_at = utcnow()
    payment.refunded_idr += refund.amount_idr
    payment.state = (PaymentState.REFUNDED if payment.refunded_idr >= payment.amount_idr - (payment.unique_code or 0)
                     else PaymentState.PARTIALLY_REFUNDED)
    if refund.order_id is not None:
        order = db.session.get(Order, refund.order_id)
        order.refunded_idr += refund.amount_idr
        order.payment_status = (PaymentStatus.REFUNDED if order.refunded_idr >= order.total_idr
                                else PaymentStatus.PARTIALLY_REFUNDED)
        record_event(order, "refund", None, f"refunded Rp{refund.amount_idr}"
                     + (f" ({refund.reference})" if refund.reference else ""))
        enqueue("order.refunded", {"order_id": order.id})
        from flask import current_app  # noqa: PLC0415

        from orders.ledger.services import sync_order  # noqa: PLC0415  (the ledger reads orders)

        sync_order(order, current_app.config)  # a credited order gives back its refunded part
    db.session.flush()


def complete_refund(refund: Refund, reference: str, actor: Any | None) -> None:
    """The office made a pending refund by bank transfer: record its reference and book it. Flushes.

    :raise ValueError: no reference given.
    """
    reference = (reference or "").strip()
    if not reference:
        raise ValueError("a refund needs the transfer's reference")
    if refund.completed_at is not None:
        return
    refund.reference = reference[:255]
    if refund.created_by_id is None:
        refund.created_by_id = getattr(actor, "id", None)
    apply_refund(refund)


def expire_due_payments(now: datetime, config: Mapping[str, Any]) -> int:
    """Expire checkouts whose payment did not arrive in time; return how many. Commits each one.

    Each checkout is handled in its own short transaction (payment locked, orders locked,
    stock returned); after the commit a card PaymentIntent is cancelled at the provider,
    best effort. A payment that succeeds later goes through :func:`mark_paid`'s late path.
    """
    due = list(db.session.scalars(
        select(Payment.id).join(Checkout, Checkout.id == Payment.checkout_id)
        .where(Payment.state.in_(list(WAITING)), Checkout.expires_at.is_not(None), Checkout.expires_at <= now)
        .order_by(Payment.id)
    ))
    db.session.rollback()
    expired = 0
    for payment_id in due:
        payment = lock_payment(payment_id)
        if payment.state not in WAITING:
            db.session.rollback()
            continue
        payment.state = PaymentState.EXPIRED
        for order in _lock_orders(payment.checkout_id):
            if order.status == OrderStatus.PENDING_PAYMENT:
                return_stock(order, None)
                transition(order, OrderStatus.EXPIRED, None, "payment not received in time")
                enqueue("order.expired", {"order_id": order.id})
        db.session.commit()
        expired += 1
        provider = get_provider(payment.method)
        cancel = getattr(provider, "cancel", None)
        if cancel is not None and payment.provider_ref:
            try:
                cancel(payment, config)
            except Exception:  # noqa: BLE001  (the provider may be down; the late-payment path covers it)
                log.warning("could not cancel %s payment %s at the provider", payment.method, payment_id)
    return expired
