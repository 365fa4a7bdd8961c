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
from orders.core import lifecycle
from orders.core.locks import lock_orders, lock_payment
from orders.core.models import Checkout, Order, OrderStatus, PaymentStatus
from orders.core.payments import Payment, PaymentState, Refund
from orders.core.providers import get_provider
from orders.core.signals import order_dispute_lost, order_paid
from orders.core.status import record_event, transition
from shop.db import utcnow
from shop.extensions import db
from shop.outbox.services import enqueue, register

log = logging.getLogger(__name__)

WAITING = frozenset({PaymentState.PENDING, PaymentState.PROCESSING})
REFUND_JOB = "order.refund"
PAID_STATES = frozenset({PaymentState.SUCCEEDED, PaymentState.PARTIALLY_REFUNDED, PaymentState.REFUNDED})


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
    orders = lock_orders(payment.checkout_id)
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
        # B2B pays the invoice; the ledger credits an order on terms paid after completion.
        order_paid.send(order, when=now, config=config)
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
        orders = lock_orders(payment.checkout_id)
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
        order_paid.send(order, when=now, config=config)  # the invoice the expiry voided is paid after all
        enqueue("order.paid", {"order_id": order.id})
    db.session.flush()


@register(REFUND_JOB)
def _refund_job(payload: dict[str, Any]) -> None:
    """Refund one order's paid share (outbox job; idempotent: a refunded order returns None)."""
    order = db.session.get(Order, payload["order_id"])
    if order is not None:
        lifecycle.refund(order, None, payload.get("reason"), current_app.config)
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
    for order in lock_orders(payment.checkout_id):
        if order.disputed_at is None:
            order.disputed_at = utcnow()
            record_event(order, "dispute", None, note or "card dispute opened")
    db.session.flush()


def lose_dispute(payment: Payment, note: str, config: Mapping[str, Any]) -> None:
    """The card dispute was lost: the buyer's bank took the money back. The orders are marked and
    the ledger takes back what was credited for them. Locks the payment and orders; flushes; idempotent."""
    payment = lock_payment(payment.id)
    for order in lock_orders(payment.checkout_id):
        if order.dispute_lost_at is None:
            order.dispute_lost_at = utcnow()
            order.disputed_at = order.disputed_at or order.dispute_lost_at
            record_event(order, "dispute", None, note or "card dispute lost")
        order_dispute_lost.send(order, config=config)  # the ledger takes back what it credited
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
    lifecycle.apply_refund(refund)


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
        for order in lock_orders(payment.checkout_id):
            lifecycle.expire(order)
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
