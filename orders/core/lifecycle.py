"""How an order ends, with a sale or without, or gives money back: complete, cancel, expire,
refund, and the stock return they share. Every caller (the buyer, the sentra, the office, the worker's jobs, a
parcel that came back, a payment that never started or never came, a settled problem) goes
through these functions, so the steps cannot drift apart.

Each is idempotent: called again on an order already cancelled, expired or refunded, it
changes nothing. Each records its event on the order (the status change through
:func:`orders.core.status.transition`, a refund through :func:`orders.core.status.record_event`).
The caller holds the locks (:mod:`orders.core.locks`); these functions flush, never commit.
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from catalog import stock
from catalog.products.models import StockReason
from orders.core.errors import InvalidTransitionError
from orders.core.locks import lock_payment
from orders.core.models import Order, OrderStatus, PaymentStatus
from orders.core.payments import PaymentState, Refund
from orders.core.providers import get_provider
from orders.core.signals import order_refunded
from orders.core.status import record_event, transition
from shop.db import utcnow
from shop.extensions import db
from shop.outbox.services import enqueue

S = OrderStatus

PAID = frozenset({PaymentStatus.PAID, PaymentStatus.PARTIALLY_REFUNDED})
# A booking's order completes from these once its time has passed (see :func:`complete`).
SERVICE_COMPLETABLE = frozenset({S.PLACED, S.PROCESSING, S.DELIVERED})
CANCELLED_JOB = "order.cancelled"
EXPIRED_JOB = "order.expired"


def return_stock(order: Order, actor: Any | None, reason: StockReason = StockReason.CANCEL) -> None:
    """Give back what ``order`` reserved (lines of stocked variants), in ascending variant id. Flushes."""
    lines = [stock.Line(line.variant_id, line.quantity) for line in order.lines
             if line.variant_id is not None and not line.made_to_order]
    stock.release_lines(lines, reason=reason, order_id=order.id, actor_id=getattr(actor, "id", None))


def cancel(order: Order, actor: Any | None, note: str, config: Mapping[str, Any], *, reason: str | None = None,
           by: str | None = None, job: str | None = CANCELLED_JOB,
           stock_reason: StockReason = StockReason.CANCEL) -> bool:
    """Cancel a locked ``order``: status (with ``note`` in its history), ``reason`` for the buyer,
    stock back, a paid order refunded, an unpaid checkout's payment closed, ``job`` enqueued
    (``{"order_id", "by"}``; none when ``job`` is None). Flushes.

    Returns False, changing nothing, when the order is cancelled already.

    :raise InvalidTransitionError: the order can no longer be cancelled (shipped, delivered, expired...).
    :raise PaymentError: the refund was refused; the caller rolls back.
    """
    if order.status == S.CANCELLED:
        return False
    transition(order, S.CANCELLED, actor, note)
    order.cancel_reason = reason
    return_stock(order, actor, stock_reason)
    if order.payment_status in PAID:
        refund(order, actor, reason or note, config)
    _close_unpaid_payment(order)
    if job is not None:
        enqueue(job, {"order_id": order.id} | ({"by": by} if by else {}))
    db.session.flush()
    return True


def _close_unpaid_payment(order: Order) -> None:
    """Every order of an unpaid checkout has ended: nothing is left to pay, so the payment closes.

    (Money that still arrives is booked and refunded by ``mark_paid``.)
    """
    payment = order.checkout.payment
    # A transfer whose proof is waiting (processing) stays open: the money has probably been
    # sent, and the office's confirmation then books it and refunds the cancelled orders.
    if payment is None or payment.state != PaymentState.PENDING:
        return
    if all(o.status in (S.CANCELLED, S.EXPIRED) for o in order.checkout.orders):
        payment.state = PaymentState.CANCELLED


def expire(order: Order, note: str = "payment not received in time") -> bool:
    """A locked order whose payment never came expires: stock back, ``order.expired`` enqueued. Flushes.

    Returns False, changing nothing, unless the order is still waiting for its payment.
    """
    if order.status != S.PENDING_PAYMENT:
        return False
    return_stock(order, None)
    transition(order, S.EXPIRED, None, note)
    enqueue(EXPIRED_JOB, {"order_id": order.id})
    return True


def complete(order: Order, actor: Any | None, note: str, now: datetime, *, service_ended: bool = False) -> bool:
    """A locked, delivered ``order`` completes: the buyer confirmed it arrived, the days to raise a
    problem passed, or a problem was settled. Sets ``completed_at``; the ledger credits the sentra
    (``order_status_changed``). Flushes.

    ``service_ended``: the order is a booking's (class seats, facility hours) whose time has passed;
    there is nothing to deliver, so it completes from placed or processing as well.

    Returns False, changing nothing, when the order is completed already.

    :raise InvalidTransitionError: the order is not delivered (not yet, or it ended otherwise), or,
        with ``service_ended``, it is not placed, processing or delivered.
    """
    if order.status == S.COMPLETED:
        return False
    if order.status != S.DELIVERED and not (service_ended and order.status in SERVICE_COMPLETABLE):
        raise InvalidTransitionError(order.status, S.COMPLETED)
    transition(order, S.COMPLETED, actor, note)
    order.completed_at = now
    db.session.flush()
    return True


def refund(order: Order, actor: Any | None, reason: str | None, config: Mapping[str, Any]) -> Refund | None:
    """Give back what was paid for ``order`` through its provider. Locks the payment; flushes.

    Returns None when nothing was paid or all is already refunded or being refunded.
    A provider that pays at once (Stripe) updates the order and payment now; a bank
    transfer leaves a pending refund for the office (``complete_refund``).

    :raise PaymentError: the provider refused.
    """
    payment = lock_payment(order.checkout.payment.id)
    db.session.refresh(order)
    if order.payment_status not in PAID:
        return None
    pending = sum(r.amount_idr for r in payment.refunds if r.order_id == order.id and r.state == "pending")
    amount = order.refundable_idr - pending
    if amount <= 0:
        return None
    provider = get_provider(payment.method)
    booked = provider.refund(payment, order, amount, actor, reason, config)
    if booked.state == "succeeded":
        apply_refund(booked)
    else:
        record_event(order, "refund", actor, f"refund of Rp{amount} requested")
    db.session.flush()
    return booked


def apply_refund(booked: Refund) -> None:
    """Book a refund that has happened onto its order and payment, once; sends ``order_refunded``. Flushes.

    ``completed_at`` marks a booked refund; providers leave it empty.
    """
    payment = lock_payment(booked.payment_id)
    db.session.refresh(booked)
    if booked.completed_at is not None:
        return  # booked already: completed_at is set here and nowhere else
    booked.state = "succeeded"
    booked.completed_at = utcnow()
    payment.refunded_idr += booked.amount_idr
    payment.state = (PaymentState.REFUNDED if payment.refunded_idr >= payment.amount_idr - (payment.unique_code or 0)
                     else PaymentState.PARTIALLY_REFUNDED)
    if booked.order_id is not None:
        order = db.session.get(Order, booked.order_id)
        order.refunded_idr += booked.amount_idr
        order.payment_status = (PaymentStatus.REFUNDED if order.refunded_idr >= order.total_idr
                                else PaymentStatus.PARTIALLY_REFUNDED)
        record_event(order, "refund", None, f"refunded Rp{booked.amount_idr}"
                     + (f" ({booked.reference})" if booked.reference else ""))
        enqueue("order.refunded", {"order_id": order.id})
        order_refunded.send(order)  # the ledger gives back the refunded part of a credit
    db.session.flush()
