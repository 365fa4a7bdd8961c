"""The checkout pages: choose address, delivery and payment; pay; see the orders made.

``/checkout`` is one form: posting it with ``action=refresh`` re-prices it for the
chosen address (works without JavaScript); ``action=place`` places the checkout.
"""
from __future__ import annotations

import secrets
from datetime import UTC, datetime

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from catalog.pricing import PartnerStrategy
from catalog.thumbnails import cover_thumbnails
from orders.checkout.errors import (
    ApprovalRequiredError,
    CheckoutError,
    InsufficientStockCheckoutError,
    PriceChangedError,
)
from orders.checkout.forms import CheckoutForm, read_checkout_form
from orders.checkout.purchasers import provided as purchaser
from orders.checkout.quote import is_unavailable, quote, strategy_and_cart_lines
from orders.checkout.services import (
    AddressInput,
    CheckoutRequest,
    destination_of,
    place_checkout,
)
from orders.core.errors import CheckoutNotFoundError
from orders.core.placement import load_checkout
from orders.core.providers import PaymentError, get_provider
from shop.accounts.models import Address
from shop.db import utcnow
from shop.extensions import db
from shop.places.services import kelurahan_choices

bp = Blueprint("checkout", __name__)

FIELD_MESSAGES = {
    "required": "Please fill this in.",
    "invalid": "This does not look right.",
    "unavailable": "Not available for this address.",
}


def _saved_addresses() -> dict[str, Address]:
    rows = db.session.scalars(
        db.select(Address).where(Address.user_id == current_user.id).order_by(Address.is_default.desc(), Address.id)
    )
    return {str(a.id): a for a in rows}


def _messages(error: CheckoutError) -> dict[str, str]:
    return {name: _(FIELD_MESSAGES.get(problem, problem)) for name, problem in error.fields.items()}


@bp.route("/checkout", methods=["GET", "POST"])
@login_required
def start():
    """:raise 302: to the cart when it is empty."""
    saved = _saved_addresses()
    form = CheckoutForm()
    choices = read_checkout_form(request.form if request.method == "POST" else request.args, saved)
    strategy, lines = strategy_and_cart_lines(current_user)
    if not lines:
        flash(_("Your cart is empty."), "info")
        return redirect("/cart")
    errors: dict[str, str] = {}
    status = 200
    approval_needed = False
    if request.method == "POST" and request.form.get("action") == "place" and form.validate_on_submit():
        try:
            result = place_checkout(current_user, CheckoutRequest(
                idempotency_key=form.idempotency_key.data or "", payment_method=choices.payment_method,
                address=choices.address or AddressInput("", "", ""), deliveries=choices.deliveries,
                expected_total_idr=form.expected_total_idr.data,
            ), current_app.config)
        except InsufficientStockCheckoutError as error:
            flash(_("Not enough stock for: %(items)s. Change the quantities in your cart.",
                    items=", ".join(f"{s.title} ({s.available})" for s in error.shortages)), "error")
            return redirect("/cart")
        except PriceChangedError:
            flash(_("Prices or delivery fees changed since this page was shown. Check the new total and "
                    "place the order again."), "warning")
            status = 409
        except ApprovalRequiredError:
            flash(_("This purchase is above your organisation's approval threshold: a manager other than you "
                    "must approve it before it is placed."), "warning")
            approval_needed = True
            status = 422
        except CheckoutError as error:
            errors = _messages(error)
            flash(_("Please check the highlighted choices.") if errors else error.message, "error")
            status = 422
        except PaymentError as error:
            flash(_("The payment could not be started: %(message)s", message=error.message), "error")
            return redirect("/cart")
        else:
            checkout = result.checkout
            if checkout.payment_method == "pay_on_pickup":
                return redirect(url_for("checkout.done", checkout_id=checkout.id))
            return redirect(url_for("checkout.payment", checkout_id=checkout.id))
    elif request.method == "POST" and request.form.get("action") == "place":
        flash(_("The form expired. Please check your choices and place the order again."), "error")
        status = 400
    if not form.idempotency_key.data or request.method == "GET":
        form.idempotency_key.data = secrets.token_urlsafe(16)
    result = quote(current_user, lines, destination_of(choices.address), choices.deliveries, current_app.config,
                   strategy)
    form.expected_total_idr.data = result.total_idr
    unavailable = [line for line in lines if is_unavailable(line.variant)]
    approval, on_behalf = None, purchaser()
    if on_behalf is not None and isinstance(strategy, PartnerStrategy):  # may wait for a manager's approval
        approval = on_behalf.approval_of(current_user, [(line.variant.id, line.quantity) for line in lines])
    return render_template(
        "orders/checkout/start.html", form=form, quote=result, choices=choices, saved=saved, errors=errors,
        kelurahan_choices=kelurahan_choices(), unavailable=unavailable, approval=approval,
        approval_needed=approval_needed, thumbs=cover_thumbnails(line.variant.product_id for line in lines),
        # A new address starts as the buyer: most people send to themselves.
        profile={"recipient": current_user.name, "phone": current_user.phone or ""},
    ), status


def _own_checkout(checkout_id: int):
    try:
        return load_checkout(current_user, checkout_id)
    except CheckoutNotFoundError:
        abort(404)


@bp.get("/checkout/<int:checkout_id>/bayar")
@login_required
def payment(checkout_id: int):
    """The payment step for one of the buyer's checkouts. :raise 404: someone else's."""
    checkout = _own_checkout(checkout_id)
    payment = checkout.payment
    provider = get_provider(payment.method)
    return render_template(
        "orders/checkout/payment.html", checkout=checkout, payment=payment,
        instructions=provider.instructions(payment, current_app.config),
        seconds_left=_seconds_left(checkout.expires_at),
    )


def _seconds_left(expires_at: datetime | None) -> int | None:
    """Whole seconds until ``expires_at`` (0 once past), for the countdown; None without a deadline."""
    if expires_at is None:
        return None
    if expires_at.tzinfo is None:  # SQLite gives back naive UTC
        expires_at = expires_at.replace(tzinfo=UTC)
    return max(0, int((expires_at - utcnow()).total_seconds()))


@bp.get("/checkout/<int:checkout_id>/selesai")
@login_required
def done(checkout_id: int):
    """What the checkout made: the orders, their numbers and what happens next. :raise 404: someone else's."""
    checkout = _own_checkout(checkout_id)
    return render_template("orders/checkout/done.html", checkout=checkout, payment=checkout.payment)
