"""``POST /api/v1/checkout``: the buyer's cart becomes a checkout, idempotent on a header.

The ``Idempotency-Key`` header plays the form's hidden key: a repeat answers 200
with the first checkout instead of 201 with a new one.
"""
from __future__ import annotations

from typing import Any

from flask import current_app, g, jsonify, request

from orders.checkout.api_schemas import Checkout as CheckoutShape
from orders.checkout.api_schemas import CheckoutInput
from orders.checkout.errors import CheckoutError, InsufficientStockCheckoutError
from orders.checkout.services import AddressInput, CheckoutRequest, place_checkout
from orders.core.models import Checkout, Order
from orders.core.providers import PaymentError, get_provider
from shop.api import bp
from shop.api.auth import api_login_required
from shop.api.operations import ERROR_DESCRIPTION, header, operation
from shop.api.parsing import body_int
from shop.errors import api_error

ADDRESS_FIELDS = ("recipient", "phone", "street", "kelurahan_code", "city", "postal_code")


def order_summary_json(order: Order) -> dict[str, Any]:
    return {
        "number": order.number,
        "sentra": order.sentra.slug,
        "status": order.status,
        "payment_status": order.payment_status,
        "subtotal_idr": order.subtotal_idr,
        "delivery_fee_idr": order.delivery_fee_idr,
        "total_idr": order.total_idr,
        "delivery": {"method": order.delivery_method},
    }


def checkout_json(checkout: Checkout) -> dict[str, Any]:
    payment = checkout.payment
    body: dict[str, Any] = {"method": payment.method, "status": payment.state, "amount_idr": payment.amount_idr}
    if payment.client_secret:
        body["client_secret"] = payment.client_secret
        body["publishable_key"] = current_app.config.get("STRIPE_PUBLISHABLE_KEY")
    instructions = get_provider(payment.method).instructions(payment, current_app.config)
    if instructions is not None:
        body["instructions"] = instructions
    return {
        "id": checkout.id,
        "total_idr": checkout.total_idr,
        "expires_at": checkout.expires_at.isoformat() if checkout.expires_at else None,
        "payment": body,
        "orders": [order_summary_json(order) for order in checkout.orders],
    }


def _parse(body: Any, key: str) -> tuple[CheckoutRequest | None, dict[str, str]]:
    fields: dict[str, str] = {}
    if not isinstance(body, dict):
        return None, {"body": "a JSON object is required"}
    method = body.get("payment_method")
    if not isinstance(method, str) or not method:
        fields["payment_method"] = "required"
    address = body.get("address")
    if not isinstance(address, dict):
        fields["address"] = "required"
        address = {}
    elif any(k in address and not isinstance(address[k], str) for k in ADDRESS_FIELDS):
        fields["address"] = "every address field is a string"
    deliveries = body.get("deliveries")
    chosen: dict[str, str] = {}
    if not isinstance(deliveries, dict):
        fields["deliveries"] = "required: an object of sentra slug -> {\"method\"}"
    else:
        for slug, value in deliveries.items():
            wanted = value.get("method") if isinstance(value, dict) else None
            if not isinstance(wanted, str):
                fields[f"deliveries.{slug}"] = "needs {\"method\": ...}"
            else:
                chosen[slug] = wanted
    expected = body_int(body.get("expected_total_idr"), "expected_total_idr", fields, minimum=0, optional=True)
    if fields:
        return None, fields
    return CheckoutRequest(
        idempotency_key=key, payment_method=method,
        address=AddressInput(**{k: address.get(k) for k in ADDRESS_FIELDS}), deliveries=chosen,
        expected_total_idr=expected,
    ), {}


@bp.post("/checkout")
@operation("Turn the caller's cart into one checkout (the payment) and one order per sentra", security=True,
           params=[header("Idempotency-Key", "A repeat with the same key returns the first checkout (200)",
                          required=True)],
           body=CheckoutInput, body_description="Payment method, address and a delivery per sentra",
           responses={
               201: (CheckoutShape, "Checkout created"),
               200: (CheckoutShape, "The checkout made by the first request with this key"),
               400: "No Idempotency-Key, or a malformed body", 401: ERROR_DESCRIPTION,
               409: "insufficient_stock (fields: variant id -> what is short) or price_changed: expected_total_idr "
                    "is not today's total, or without it a cart item's price changed since GET /cart last showed "
                    "it (fields: \"items.<cart item id>\" -> \"seen X, now Y\"); nothing is reserved or charged",
               422: "empty_cart, unavailable, validation_error (address), delivery_unavailable, "
                    "payment_method_unavailable, amount_too_small, approval_required (a partner member's cart above "
                    "the partner's approval threshold, not approved by a manager)"})
@api_login_required
def api_checkout():
    """Place a checkout from the caller's cart.

    :raise 400: no ``Idempotency-Key`` header, or a malformed body.
    :raise 409: ``insufficient_stock`` (``fields`` names each variant short); ``price_changed``: the body's
        ``expected_total_idr`` is not today's total or, without one, a line's price is not the one the
        buyer last saw in ``GET /cart`` (``fields`` names each such line, ``items.<cart item id>``).
    :raise 422: an address, delivery or payment method the rules do not allow; an empty cart;
        ``approval_required``: a partner member's cart above the partner's approval threshold that
        no manager approved (asked for on the checkout page, decided on /mitra/persetujuan).
    """
    key = (request.headers.get("Idempotency-Key") or "").strip()
    if not key or len(key) > 100:
        return api_error(400, "bad_request", "An Idempotency-Key header of 1-100 characters is required.",
                         {"Idempotency-Key": "required"})
    checkout_request, fields = _parse(request.get_json(silent=True), key)
    if checkout_request is None:
        return api_error(400, "bad_request", "The checkout body is malformed.", fields)
    try:
        result = place_checkout(g.api_user, checkout_request, current_app.config)
    except InsufficientStockCheckoutError as error:
        fields = {str(s.variant_id): f"{s.requested} requested, {s.available} available" for s in error.shortages}
        return api_error(409, error.code, error.message, fields)
    except CheckoutError as error:
        return api_error(error.status, error.code, error.message, error.fields)
    except PaymentError as error:
        return api_error(error.status, error.code, error.message)
    return jsonify({"checkout": checkout_json(result.checkout)}), 201 if result.created else 200
