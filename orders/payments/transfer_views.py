"""Routes of the transfers blueprint: the buyer's proof of a bank transfer (upload and view).

The payment page (``checkout.payment``) shows the upload form through the
``orders/payments/_bank_transfer.html`` partial; these routes only take the file
and send the buyer back there with a message.
"""
from __future__ import annotations

import logging

from flask import Blueprint, Response, abort, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from orders.core.errors import CheckoutNotFoundError
from orders.core.locks import lock_payment
from orders.core.models import Checkout
from orders.core.payments import PaymentMethod
from orders.core.placement import load_checkout
from orders.payments import bank_transfer
from shop.db import utcnow
from shop.extensions import db, limiter
from shop.security import FILE_CSP
from shop.storage import StorageError

log = logging.getLogger(__name__)

bp = Blueprint("transfers", __name__)


def _own_transfer_checkout(checkout_id: int) -> Checkout:
    """:raise 404: not the buyer's checkout, or not paid by bank transfer."""
    try:
        checkout = load_checkout(current_user, checkout_id)
    except CheckoutNotFoundError:
        abort(404)
    if checkout.payment is None or checkout.payment.method != PaymentMethod.BANK_TRANSFER:
        abort(404)
    return checkout


@bp.post("/checkout/<int:checkout_id>/bukti")
@login_required
@limiter.limit(lambda: current_app.config["TRANSFER_PROOF_RATE_LIMIT"],
               key_func=lambda: f"user:{current_user.get_id()}")
def upload_proof(checkout_id: int):
    """Take the buyer's transfer proof (a photo or a PDF); back to the payment page with a message.

    Limited per buyer (``TRANSFER_PROOF_RATE_LIMIT``, 10 an hour): every upload is decoded and stored.

    :raise 404: another buyer's checkout, or not a bank transfer.
    """
    checkout = _own_transfer_checkout(checkout_id)
    back = redirect(url_for("checkout.payment", checkout_id=checkout_id), 303)
    upload = request.files.get("proof")
    data = upload.stream.read(bank_transfer.MAX_UPLOAD_BYTES + 1) if upload else b""
    try:
        bank_transfer.check_proof_allowed(checkout.payment, checkout, utcnow())
        proof = bank_transfer.process_proof(data)  # decoded before the lock: it takes a while
        payment = lock_payment(checkout.payment.id)
        bank_transfer.attach_proof(payment, proof, current_user)
    except (bank_transfer.InvalidProofError, bank_transfer.TransferStateError) as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return back
    except StorageError:
        db.session.rollback()
        log.exception("could not store the transfer proof of checkout %s", checkout_id)
        flash(_("The file could not be saved. Please try again in a moment."), "error")
        return back
    db.session.commit()
    flash(_("Thank you! The program office will check your transfer and confirm the payment."), "success")
    return back


@bp.get("/checkout/<int:checkout_id>/bukti")
@login_required
def proof(checkout_id: int):
    """The buyer's own uploaded proof (never public, never cached by shared caches).

    :raise 404: another buyer's checkout, or no proof uploaded.
    """
    checkout = _own_transfer_checkout(checkout_id)
    return proof_response(checkout.payment.proof_key)


def proof_response(key: str | None) -> Response:
    """The stored proof as a private, inline response. :raise 404: no proof or it is gone."""
    if not key:
        abort(404)
    try:
        data = bank_transfer.read_proof(key)
    except StorageError:
        log.warning("transfer proof %s could not be read", key)
        abort(404)
    response = Response(data, mimetype=bank_transfer.proof_content_type(key))
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Disposition"] = "inline"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = FILE_CSP
    return response
