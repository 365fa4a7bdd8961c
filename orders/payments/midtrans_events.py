"""What Midtrans' word does to our payments: notifications, and the worker's reconciliation.

A notification is only a hint. Its signature is checked (:mod:`orders.payments.webhooks`),
then Midtrans is asked for the transaction's status (``GET /v2/<order_id>/status``, as
Midtrans advises) and that answer is what acts, through :func:`apply_status`:

- ``settlement``, or ``capture`` with ``fraud_status`` ``accept``: the checkout is paid
  (:func:`orders.payments.services.mark_paid`, whose late path follows the late-payment rule);
- ``pending`` (or a capture under review): nothing changes;
- ``expire``, ``cancel``, ``deny`` (and ``failure``): the payment ends and the stock goes back;
- ``refund``, ``partial_refund``: refunds Midtrans reports under our ``refund_key`` are booked.

A status or a notification whose ``gross_amount`` is not the checkout's amount never pays: the
payment is flagged (``mismatch_idr``) for the program office.

Each effect happens once however often and in whatever order notifications arrive: a handled
notification's key goes into ``provider_event`` in the same transaction as its effect (a repeat
fails on the key), and every service locks the payment first and finds work already done.
"""
from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError

from orders.core import lifecycle
from orders.core.lifecycle import apply_refund
from orders.core.locks import lock_payment
from orders.core.models import Checkout
from orders.core.payments import (
    MIDTRANS_METHODS,
    Payment,
    PaymentState,
    ProviderEvent,
    Refund,
)
from orders.core.providers import PaymentError
from orders.core.status import record_event
from orders.notes import MIDTRANS_MISMATCH, MIDTRANS_PAID
from orders.payments import midtrans
from orders.payments.services import PAID_STATES, WAITING, mark_paid
from shop.db import utcnow
from shop.extensions import db

log = logging.getLogger(__name__)

RECONCILE_AFTER = timedelta(minutes=10)  # a notification this late is presumed lost: ask Midtrans
RECONCILE_BATCH = 50

_ENDED_NOTE = {"cancel": "cancelled", "deny": "denied", "failure": "failure"}  # orders.notes has each
_ENDED_STATE = {"expire": PaymentState.EXPIRED, "cancel": PaymentState.CANCELLED,
                "deny": PaymentState.FAILED, "failure": PaymentState.FAILED}


def payment_for_order_id(order_id: str) -> Payment | None:
    """Our payment of a Midtrans ``order_id`` (its ``provider_ref``)."""
    return db.session.scalar(select(Payment).where(Payment.provider_ref == order_id,
                                                   Payment.method.in_(list(MIDTRANS_METHODS))))


def is_paid_status(status: Mapping[str, Any]) -> bool:
    transaction_status = status.get("transaction_status")
    if transaction_status == "settlement":
        return True
    return transaction_status == "capture" and status.get("fraud_status", "accept") == "accept"


def event_key(status: Mapping[str, Any]) -> str:
    """One key per effect a status can have: its transaction, its status, and how much is refunded."""
    return ":".join(["midtrans", str(status.get("transaction_id") or status.get("order_id")),
                     str(status.get("transaction_status")), str(status.get("refund_amount") or "")])[:255]


def _flag_mismatch(payment: Payment, reported_idr: int | None, source: str) -> None:
    """An amount that is not ours: never paid on; kept on the payment for the office. Flushes."""
    payment = lock_payment(payment.id)
    if payment.mismatch_at is None or payment.mismatch_idr != reported_idr:
        payment.mismatch_idr = reported_idr
        payment.mismatch_at = utcnow()
        for order in payment.checkout.orders:
            record_event(order, "payment", None, MIDTRANS_MISMATCH)
    log.error("Midtrans %s for %s reports %s, not %s", source, payment.provider_ref, reported_idr,
              payment.amount_idr)
    db.session.flush()


def _end(payment: Payment, transaction_status: str, config: Mapping[str, Any]) -> bool:
    """The gateway ended an unpaid payment: its orders expire or are cancelled, the stock comes back."""
    payment = lock_payment(payment.id)
    if payment.state not in WAITING:
        return False
    payment.state = _ENDED_STATE[transaction_status]
    if transaction_status != "expire":
        payment.failure_message = f"Midtrans: {transaction_status}"
    for order in payment.checkout.orders:
        if transaction_status == "expire":
            lifecycle.expire(order)
        elif order.status == "pending_payment":
            lifecycle.cancel(order, None, f"payment {_ENDED_NOTE[transaction_status]} at Midtrans", config)
    db.session.flush()
    return True


def _book_refunds(payment: Payment, status: Mapping[str, Any]) -> bool:
    """Book the refunds Midtrans lists under our ``refund_key`` (those not booked yet)."""
    lock_payment(payment.id)
    known = {r.reference: r for r in db.session.scalars(select(Refund).where(Refund.payment_id == payment.id))
             if r.reference}
    booked = False
    for item in status.get("refunds") or []:
        row = known.get(str(item.get("refund_key"))) if isinstance(item, dict) else None
        if row is None:
            log.warning("Midtrans lists a refund of %s we did not make: %s", payment.provider_ref, item)
            continue
        apply_refund(row)  # books once: completed_at set means done
        booked = True
    return booked


def apply_status(payment: Payment, status: Mapping[str, Any], config: Mapping[str, Any], *,
                 notified: Mapping[str, Any] | None = None, now: datetime | None = None) -> str:
    """Act on a status Midtrans answered for ``payment``'s transaction. Locks the payment; flushes.

    Returns ``paid``, ``ended``, ``refunded``, ``pending``, ``mismatch`` or ``nothing`` (the
    work was done already, or there is none). Safe to repeat, in any order. ``now`` is when
    Midtrans was asked (the reconciliation's clock).
    """
    transaction_status = str(status.get("transaction_status") or "")
    payment = lock_payment(payment.id)
    payment.provider_status = transaction_status[:30] or None
    payment.provider_checked_at = now or utcnow()
    for source, body in (("status", status), ("notification", notified)):
        if body is None or "gross_amount" not in body:
            continue
        reported = midtrans.from_midtrans_amount(body.get("gross_amount"))
        if reported != payment.amount_idr:
            _flag_mismatch(payment, reported, source)
            return "mismatch"
    if is_paid_status(status):
        if payment.state in PAID_STATES:
            return "nothing"
        mark_paid(payment, None, MIDTRANS_PAID, config)
        return "paid"
    if transaction_status in _ENDED_STATE:
        return "ended" if _end(payment, transaction_status, config) else "nothing"
    if transaction_status in midtrans.REFUND_STATUSES:
        return "refunded" if _book_refunds(payment, status) else "nothing"
    db.session.flush()
    return "pending"


def handle_notification(notification: Mapping[str, Any], config: Mapping[str, Any]) -> str:
    """Apply a notification whose signature was verified: ask Midtrans, act once. Commits.

    Returns ``processed``, ``duplicate``, ``unknown`` (not a payment of ours), or what
    :func:`apply_status` returned when nothing needed recording (``pending``, ``mismatch``,
    ``nothing``).

    :raise PaymentError: Midtrans did not answer the status request (nothing changed; the
        caller answers 503 so Midtrans sends the notification again).
    """
    order_id = str(notification["order_id"])
    payment = payment_for_order_id(order_id)
    if payment is None:
        db.session.rollback()
        log.warning("Midtrans notification about %s, which is no payment of ours", order_id)
        return "unknown"
    payment_id = payment.id
    db.session.commit()  # nothing is held open while Midtrans answers
    status = midtrans.get_status(order_id, config)
    payment = db.session.get(Payment, payment_id)
    key = event_key(status)
    try:
        db.session.add(ProviderEvent(id=key, provider="midtrans", type=str(status.get("transaction_status"))[:80]))
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        return "duplicate"
    outcome = apply_status(payment, status, config, notified=notification)
    if outcome in ("pending", "mismatch", "nothing"):
        # Nothing happened that a repeat must not redo: forget the key, keep what was recorded.
        db.session.execute(ProviderEvent.__table__.delete().where(ProviderEvent.id == key))
    try:
        db.session.commit()
    except IntegrityError:  # a concurrent repeat committed first (SQLite detects it here)
        db.session.rollback()
        return "duplicate"
    return "processed" if outcome not in ("pending", "mismatch", "nothing") else outcome


def reconcile(now: datetime, config: Mapping[str, Any]) -> int:
    """Ask Midtrans about waiting payments whose notification is overdue (older than 10 minutes and
    not asked for 10 minutes) or whose checkout has reached its expiry, and act on the answers, so a
    lost notification never leaves an order unpaid. Returns how many were asked. Commits each one.
    """
    if not config.get("MIDTRANS_SERVER_KEY"):
        return 0
    overdue = now - RECONCILE_AFTER
    due = list(db.session.execute(
        select(Payment.id, Payment.provider_ref).join(Checkout, Checkout.id == Payment.checkout_id)
        .where(Payment.method.in_(list(MIDTRANS_METHODS)), Payment.state.in_(list(WAITING)),
               Payment.provider_ref.is_not(None),
               or_(Checkout.expires_at <= now,
                   (Payment.created_at <= overdue)
                   & or_(Payment.provider_checked_at.is_(None), Payment.provider_checked_at <= overdue)))
        .order_by(Payment.id).limit(RECONCILE_BATCH)
    ))
    db.session.rollback()
    asked = 0
    for payment_id, order_id in due:
        asked += 1
        try:
            status = midtrans.get_status(order_id, config)
        except PaymentError as error:
            log.warning("reconciliation could not ask Midtrans about %s: %s", order_id, error.code)
            payment = db.session.get(Payment, payment_id)
            payment.provider_checked_at = now
            db.session.commit()
            continue
        try:
            outcome = apply_status(db.session.get(Payment, payment_id), status, config, now=now)
            db.session.commit()
        except Exception:
            db.session.rollback()
            log.exception("reconciliation of Midtrans payment %s failed", order_id)
            continue
        if outcome not in ("pending", "nothing"):
            log.info("reconciliation: Midtrans payment %s %s", order_id, outcome)
    return asked


def close_cancelled(now: datetime, config: Mapping[str, Any]) -> int:
    """Cancel at Midtrans the transactions of checkouts that ended here unpaid (every order cancelled by
    the buyer or the sentra), so their QR or VA can no longer be paid. Money that came first is
    booked (and refunded) through :func:`apply_status`. Returns how many were closed. Commits each one.
    """
    due = list(db.session.execute(
        select(Payment.id, Payment.provider_ref)
        .where(Payment.method.in_(list(MIDTRANS_METHODS)), Payment.state == PaymentState.CANCELLED,
               Payment.provider_ref.is_not(None),
               or_(Payment.provider_status.is_(None), Payment.provider_status == "pending"))
        .order_by(Payment.id).limit(RECONCILE_BATCH)
    ))
    db.session.rollback()
    closed = 0
    for payment_id, order_id in due:
        try:
            status = midtrans.get_status(order_id, config)
        except PaymentError as error:
            log.warning("could not ask Midtrans about cancelled %s: %s", order_id, error.code)
            if error.code == "404":  # never reached Midtrans: nothing to close there
                db.session.get(Payment, payment_id).provider_status = "not_found"
                db.session.commit()
            continue
        if status.get("transaction_status") == "pending" and midtrans.cancel_transaction(order_id, config):
            status = {**status, "transaction_status": "cancel"}
            closed += 1
        apply_status(db.session.get(Payment, payment_id), status, config, now=now)
        db.session.commit()
    return closed


def reconcile_midtrans_payments() -> int:
    """The worker's periodic task (before ``expire-payments``, so a payment that landed is not expired)."""
    now = utcnow()
    return reconcile(now, current_app.config) + close_cancelled(now, current_app.config)
