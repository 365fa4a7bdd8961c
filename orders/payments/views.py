"""The card payment's browser steps: pay with a card token, and the buyer's return.

The payment page (``checkout.payment``) includes ``orders/payments/_stripe_card.html``;
its script (static/js/card.js) posts the token here and runs 3-D Secure when asked.
"""
from __future__ import annotations

import logging
import re

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from orders.core.errors import CheckoutNotFoundError
from orders.core.locks import lock_payment
from orders.core.models import Checkout
from orders.core.payments import PaymentMethod
from orders.core.placement import load_checkout
from orders.core.providers import PaymentError, get_provider
from orders.payments.services import PAID_STATES, WAITING, mark_failed, mark_paid
from orders.payments.stripe import IntentRef, StripeCard
from shop.db import utcnow
from shop.errors import api_error
from shop.extensions import db

log = logging.getLogger(__name__)

bp = Blueprint("payments", __name__)

TOKEN = re.compile(r"tok_[A-Za-z0-9_]{1,200}")


def _card_checkout(checkout_id: int) -> Checkout:
    """One of the buyer's card checkouts. :raise 404: someone else's, or not paid by card."""
    try:
        checkout = load_checkout(current_user, checkout_id)
    except CheckoutNotFoundError:
        abort(404)
    if checkout.payment is None or checkout.payment.method != PaymentMethod.STRIPE_CARD:
        abort(404)
    return checkout


def _provider() -> StripeCard:
    provider = get_provider(PaymentMethod.STRIPE_CARD)
    assert isinstance(provider, StripeCard)
    return provider


def _is_open(checkout: Checkout) -> bool:
    expires_at = checkout.expires_at
    return checkout.payment.state in WAITING and (expires_at is None or expires_at > utcnow())


@bp.post("/checkout/<int:checkout_id>/kartu")
@login_required
def card_confirm(checkout_id: int):
    """Pay the checkout with the card behind a Stripe.js token: JSON ``{"token"}``.

    Answers ``{"status", "client_secret", "next_url", "message"}``: ``status`` is the
    PaymentIntent's (``requires_action`` asks the page to run 3-D Secure, then go to
    ``next_url``; ``requires_payment_method`` means declined, ``message`` says why).

    :raise 400: no token. :raise 404: someone else's checkout.
    :raise 409: the payment is no longer open (expired, cancelled). :raise 502: Stripe failed.
    """
    checkout = _card_checkout(checkout_id)
    payment = checkout.payment
    next_url = url_for("payments.card_return", checkout_id=checkout.id)
    body = request.get_json(silent=True)
    token = body.get("token") if isinstance(body, dict) else None
    if not isinstance(token, str) or not TOKEN.fullmatch(token):
        return api_error(400, "bad_request", _("The card details did not arrive. Please enter them again."))
    if payment.state in PAID_STATES:
        return jsonify(status="succeeded", client_secret=None, next_url=next_url, message=None)
    if not _is_open(checkout) or not payment.provider_ref:
        return api_error(409, "payment_closed",
                         _("This payment is no longer open. Your cart has the items again if they are in stock."))
    intent = IntentRef.of(payment)
    db.session.commit()  # nothing is held open while Stripe answers
    try:
        attempt = _provider().pay_with_token(intent, token, current_app.config)
    except PaymentError as error:
        return api_error(502, error.code, _("The card payment could not be made: %(message)s", message=error.message))
    payment = lock_payment(intent.payment_id)
    if attempt.provider_ref != payment.provider_ref:
        payment.provider_ref, payment.client_secret = attempt.provider_ref, attempt.client_secret
    message = None
    if attempt.status == "succeeded":
        mark_paid(payment, current_user, f"card payment {attempt.provider_ref}", current_app.config)
    elif attempt.error:
        mark_failed(payment, attempt.error)
        message = _("The card was not accepted: %(reason)s You can try another card.", reason=attempt.error)
    db.session.commit()
    return jsonify(status=attempt.status, client_secret=attempt.client_secret, next_url=next_url, message=message)


@bp.get("/checkout/<int:checkout_id>/kartu/kembali")
@login_required
def card_return(checkout_id: int):
    """Where the page goes after the card step: asks Stripe, so a lost webhook leaves no order unpaid.

    :raise 302: to the confirmation page, or back to the payment page when the card failed.
    :raise 404: someone else's checkout.
    """
    checkout = _card_checkout(checkout_id)
    payment = checkout.payment
    done_url = url_for("checkout.done", checkout_id=checkout.id)
    if payment.state not in WAITING or not payment.provider_ref:
        return redirect(done_url)
    intent = IntentRef.of(payment)
    db.session.commit()
    try:
        status = _provider().retrieve(intent, current_app.config)
    except PaymentError:
        log.warning("could not ask Stripe about checkout %s; the webhook will tell", checkout_id)
        return redirect(done_url)
    if status == "succeeded":
        mark_paid(lock_payment(intent.payment_id), current_user, f"card payment {intent.provider_ref}",
                  current_app.config)
        db.session.commit()
    elif status == "requires_payment_method":
        flash(_("The card payment did not go through. You can try another card."), "error")
        return redirect(url_for("checkout.payment", checkout_id=checkout_id))
    return redirect(done_url)
