"""Provider webhooks (CSRF-exempt: the provider signs them; there is no browser session): Stripe and Midtrans."""
from __future__ import annotations

import json
import logging

from flask import Blueprint, current_app, jsonify, request

from orders.core.providers import PaymentError
from orders.payments import midtrans, midtrans_events
from orders.payments.stripe_events import handle_event
from shop.errors import api_error

log = logging.getLogger(__name__)

bp = Blueprint("webhooks", __name__)

SIGNATURE_TOLERANCE_SECONDS = 300  # Stripe's default: an older signature is a replay


@bp.post("/webhooks/stripe")
def stripe_event():
    """A Stripe event, verified with ``STRIPE_WEBHOOK_SECRET`` and applied once per event id.

    Answers quickly and without calling Stripe; anything we do not act on is acknowledged.

    :raise 400: a missing, forged or stale signature, or a body that is not an event.
    """
    import stripe  # here, not at module level: only this request needs it (tests/shop/test_startup.py)

    payload = request.get_data()
    try:
        stripe.WebhookSignature.verify_header(
            payload, request.headers.get("Stripe-Signature"), current_app.config.get("STRIPE_WEBHOOK_SECRET"),
            tolerance=SIGNATURE_TOLERANCE_SECONDS,
        )
        event = json.loads(payload)
        event["id"], event["type"], event["data"]["object"]  # noqa: B018  (an event has all three)
    except stripe.SignatureVerificationError as error:
        log.warning("Stripe webhook refused: %s", error)
        return api_error(400, "bad_signature", "signature verification failed")
    except (ValueError, KeyError, TypeError):
        return api_error(400, "bad_request", "not a Stripe event")
    outcome = handle_event(event, current_app.config)
    return jsonify(received=True, outcome=outcome)


@bp.post("/webhooks/midtrans")
def midtrans_notification():
    """A Midtrans HTTP notification: its ``signature_key`` is checked (SHA-512 of order_id, status_code,
    gross_amount and ``MIDTRANS_SERVER_KEY``), then Midtrans is asked for the status, which acts once.

    :raise 400: not a JSON object, or a missing or wrong signature (nothing changes).
    :raise 503: Midtrans did not answer the status request; it sends the notification again.
    """
    notification = request.get_json(silent=True)
    if not isinstance(notification, dict):
        return api_error(400, "bad_request", "not a Midtrans notification")
    if not midtrans.signature_matches(notification, current_app.config.get("MIDTRANS_SERVER_KEY") or ""):
        log.warning("Midtrans notification refused: bad or missing signature (order %r)",
                    str(notification.get("order_id"))[:60])
        return api_error(400, "bad_signature", "signature verification failed")
    try:
        outcome = midtrans_events.handle_notification(notification, current_app.config)
    except PaymentError as error:
        return api_error(503, "gateway_unavailable", f"could not confirm the status with Midtrans ({error.code})")
    return jsonify(received=True, outcome=outcome)
