"""What a verified Stripe event does to our payments, once per event id.

Dispatch is a dict of event type -> handler (saleor's habit). Each handler finds the
payment, then calls a service of :mod:`orders.payments.services`, which locks the
payment and its orders; the services are idempotent and tolerate events out of order
(a failure after a success changes nothing; a success after a failure pays).
No handler calls Stripe: everything needed is in the event.
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from orders.core.lifecycle import apply_refund
from orders.core.payments import Payment, PaymentMethod, ProviderEvent, Refund
from orders.payments.services import (
    flag_dispute,
    lose_dispute,
    mark_failed,
    mark_paid,
    payment_for_ref,
)
from shop.extensions import db

log = logging.getLogger(__name__)

Handler = Callable[[Mapping[str, Any], Mapping[str, Any]], bool]


def _payment_for_intent(intent_id: str | None, metadata: Mapping[str, Any] | None) -> Payment | None:
    """The card payment of a PaymentIntent: by its id, else by the checkout id we put in its metadata."""
    if not intent_id:
        return None
    payment = payment_for_ref(intent_id)
    if payment is not None:
        return payment
    checkout_id = str((metadata or {}).get("checkout_id", ""))
    if checkout_id.isdigit():
        payment = db.session.scalar(select(Payment).where(
            Payment.checkout_id == int(checkout_id), Payment.method == PaymentMethod.STRIPE_CARD))
        if payment is not None:
            log.warning("PaymentIntent %s is not checkout %s's recorded one (%s)",
                        intent_id, checkout_id, payment.provider_ref)
    return payment


def _intent_succeeded(intent: Mapping[str, Any], config: Mapping[str, Any]) -> bool:
    payment = _payment_for_intent(intent.get("id"), intent.get("metadata"))
    if payment is None:
        return False
    mark_paid(payment, None, f"card payment {intent['id']} (Stripe webhook)", config)
    return True


def _intent_failed(intent: Mapping[str, Any], config: Mapping[str, Any]) -> bool:
    payment = _payment_for_intent(intent.get("id"), intent.get("metadata"))
    if payment is None:
        return False
    error = intent.get("last_payment_error") or {}
    mark_failed(payment, error.get("message") or "the card payment failed")
    return True


def _reconcile_refund(refund: Mapping[str, Any]) -> bool:
    """Bring our Refund row (found by its ``re_...`` reference) to Stripe's state, once."""
    row = db.session.scalar(select(Refund).where(Refund.reference == refund.get("id")))
    if row is None:
        log.info("Stripe refund %s is not one of ours (made in the dashboard?)", refund.get("id"))
        return False
    status = refund.get("status")
    if status == "succeeded":
        apply_refund(row)  # books it once: a repeat finds completed_at set
    elif status in ("failed", "canceled") and row.completed_at is None:
        row.state = "failed"
        db.session.flush()
    elif status in ("failed", "canceled"):
        log.error("Stripe refund %s %s after it was booked: the office must look", row.reference, status)
    return True


def _charge_refunded(charge: Mapping[str, Any], config: Mapping[str, Any]) -> bool:
    refunds = (charge.get("refunds") or {}).get("data") or []
    return any([_reconcile_refund(refund) for refund in refunds])


def _refund_changed(refund: Mapping[str, Any], config: Mapping[str, Any]) -> bool:
    return _reconcile_refund(refund)


def _dispute_created(dispute: Mapping[str, Any], config: Mapping[str, Any]) -> bool:
    payment = _payment_for_intent(dispute.get("payment_intent"), None)
    if payment is None:
        return False
    reason = dispute.get("reason") or "unknown reason"
    flag_dispute(payment, f"card dispute {dispute.get('id')} opened at Stripe: {reason}")
    return True


def _dispute_closed(dispute: Mapping[str, Any], config: Mapping[str, Any]) -> bool:
    """Only a lost dispute moves money (won or warning-closed ones change nothing)."""
    if dispute.get("status") != "lost":
        return False
    payment = _payment_for_intent(dispute.get("payment_intent"), None)
    if payment is None:
        return False
    lose_dispute(payment, f"card dispute {dispute.get('id')} lost at Stripe", config)
    return True


HANDLERS: dict[str, Handler] = {
    "payment_intent.succeeded": _intent_succeeded,
    "payment_intent.payment_failed": _intent_failed,
    "charge.refunded": _charge_refunded,
    "refund.created": _refund_changed,
    "refund.updated": _refund_changed,
    "charge.dispute.created": _dispute_created,
    "charge.dispute.closed": _dispute_closed,
}


def handle_event(event: Mapping[str, Any], config: Mapping[str, Any]) -> str:
    """Apply one verified event. Commits. Returns ``processed``, ``duplicate``, ``ignored`` or ``unknown``.

    The event's id is inserted into ``provider_event`` in the same transaction as its
    effect: a repeat finds it; a concurrent repeat waits on the primary key and then
    fails on it, and is acknowledged without effect. An event about a payment we do not
    know is acknowledged and not recorded.

    :raise KeyError: the event has no id, type or object.
    """
    handler = HANDLERS.get(event["type"])
    if handler is None:
        return "ignored"
    obj = event["data"]["object"]
    try:
        db.session.add(ProviderEvent(id=str(event["id"])[:255], provider="stripe", type=event["type"][:80]))
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        return "duplicate"
    if not handler(obj, config):
        db.session.rollback()
        log.warning("Stripe event %s (%s) is about nothing we know: %s", event["id"], event["type"], obj.get("id"))
        return "unknown"
    try:
        db.session.commit()
    except IntegrityError:  # a concurrent repeat committed first (SQLite detects it here)
        db.session.rollback()
        return "duplicate"
    return "processed"
