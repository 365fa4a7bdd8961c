"""Orders in the JSON API: the buyer's (/orders) and the sentra's (/kelola/<slug>/orders).

A buyer's order is loaded by (buyer, number) and a sentra's by (sentra, number):
anyone else's is a 404. The detail is the order object itself, as the other detail
endpoints answer. The sentra's view has the buyer and address but never the pickup
code (the buyer shows it at the handover).
"""
from __future__ import annotations

from typing import Any

from flask import current_app, g, request

from orders import services
from orders.api_schemas import NUMBER, CancelInput, OrderList, StatusChange
from orders.api_schemas import Order as OrderShape
from orders.core.errors import OrderError, OrderNotFoundError
from orders.core.models import Order, OrderStatus
from orders.core.providers import PaymentError
from shop.api import bp
from shop.api.auth import api_login_required, api_sentra_required
from shop.api.operations import ERROR_DESCRIPTION, BodyError, operation, read_body
from shop.api.paging import list_envelope, page_params
from shop.api.schemas import PAGE_PARAMS, status_filter
from shop.errors import api_error
from shop.extensions import db


def order_json(order: Order, *, for_sentra: bool = False, with_events: bool = True) -> dict[str, Any]:
    """The API's order object (lines, events and checkout must be loaded)."""
    checkout = order.checkout
    body: dict[str, Any] = {
        "number": order.number,
        "sentra": order.sentra.slug,
        "status": order.status,
        "payment_status": order.payment_status,
        "payment_method": order.payment_method,
        "subtotal_idr": order.subtotal_idr,
        "delivery_fee_idr": order.delivery_fee_idr,
        "total_idr": order.total_idr,
        "refunded_idr": order.refunded_idr,
        "delivery": {"method": order.delivery_method, "fee_idr": order.delivery_fee_idr},
        "lines": [
            {"variant_id": line.variant_id, "title": line.title, "variant_label": line.variant_label,
             "sku": line.sku, "quantity": line.quantity, "unit_price_idr": line.unit_price_idr,
             "total_idr": line.total_idr}
            for line in order.lines
        ],
        "tracking_code": order.tracking_code,
        "pickup_code": order.pickup_code if order.delivery_method == "pickup" and not for_sentra else None,
        "cancel_reason": order.cancel_reason,
        "created_at": order.created_at.isoformat(),
        "paid_at": order.paid_at.isoformat() if order.paid_at else None,
        "address": {
            "recipient": checkout.recipient, "phone": checkout.phone, "street": checkout.street,
            "kelurahan_code": checkout.kelurahan_code, "city": checkout.city, "postal_code": checkout.postal_code,
        },
    }
    if not for_sentra:
        body["checkout_id"] = order.checkout_id
    if for_sentra:
        body["buyer"] = {"name": order.buyer.name}
    if with_events:
        body["events"] = [
            {"kind": event.kind, "from": event.from_status, "to": event.to_status, "note": event.note,
             "at": event.created_at.isoformat()}
            for event in order.events
        ]
    return body


def _error(error: OrderError | PaymentError):
    fields = getattr(error, "fields", None)
    message = getattr(error, "message", None) or str(error)
    return api_error(error.status, error.code, message[:1].upper() + message[1:], fields)


def _body() -> dict[str, Any] | None:
    body = request.get_json(silent=True)
    if body is None and not request.get_data():
        return {}
    return body if isinstance(body, dict) else None


def _note(body: dict[str, Any], name: str) -> tuple[str | None, bool]:
    value = body.get(name)
    if value is not None and not isinstance(value, str):
        return None, False
    return value, True


# --- the buyer -------------------------------------------------------------------------------------


@bp.get("/orders")
@operation("The caller's orders, newest first (without events)", security=True, params=PAGE_PARAMS,
           responses={200: (OrderList, "A page of orders"), 400: ERROR_DESCRIPTION, 401: ERROR_DESCRIPTION})
@api_login_required
def list_my_orders():
    """The caller's orders, newest first (without their events). :raise 400: bad paging."""
    page, per_page = page_params()
    orders = services.list_buyer_orders(g.api_user, page, per_page)
    return list_envelope([order_json(o, with_events=False) for o in orders.items], orders.total, page, per_page)


@bp.get("/orders/<number>")
@operation("One of the caller's orders, with its history", security=True, params=[NUMBER],
           responses={200: (OrderShape, "The order"), 401: ERROR_DESCRIPTION, 404: "No such order of the caller"})
@api_login_required
def get_my_order(number: str):
    """One of the caller's orders. :raise 404: not the caller's (or no such order)."""
    try:
        order = services.load_buyer_order(g.api_user, number)
    except OrderNotFoundError:
        return api_error(404, "not_found", "No such order.")
    return order_json(order)


@bp.post("/orders/<number>/cancel")
@operation("Cancel before the sentra starts on it (pending_payment or placed): stock goes back, a paid order is "
           "refunded", security=True, params=[NUMBER],
           body=CancelInput, body_description="An optional reason", body_required=False,
           responses={200: (OrderShape, "The cancelled order"), 400: ERROR_DESCRIPTION, 401: ERROR_DESCRIPTION,
                      404: ERROR_DESCRIPTION,
                      409: "not_allowed: the sentra has started on it, or it is cancelled", 422: ERROR_DESCRIPTION})
@api_login_required
def cancel_my_order(number: str):
    """Cancel before the sentra starts: ``{"reason"?}``.

    :raise 404: not the caller's. :raise 409: ``not_allowed`` (already processing or cancelled).
    :raise 422: a reason too long. :raise 400: not a JSON object.
    """
    try:
        order = services.load_buyer_order(g.api_user, number)
    except OrderNotFoundError:
        return api_error(404, "not_found", "No such order.")
    try:
        reason = read_body(CancelInput, optional=True).reason
    except BodyError as error:
        if error.not_an_object:
            return api_error(400, "bad_request", "The body must be a JSON object.")
        return api_error(422, "invalid", "Some fields are not valid.", {"reason": "Must be a string."})
    try:
        services.cancel_by_buyer(order, g.api_user, reason, current_app.config)
    except (OrderError, PaymentError) as error:
        db.session.rollback()
        return _error(error)
    db.session.commit()
    return order_json(services.load_buyer_order(g.api_user, number))


# --- the sentra -------------------------------------------------------------------------------------


@bp.get("/kelola/<sentra_slug>/orders")
@operation("The sentra's orders (buyer and address, no pickup code), newest first; status=placed lists the oldest "
           "new order first", security=True, params=[status_filter(OrderStatus), *PAGE_PARAMS],
           responses={200: (OrderList, "A page of orders"),
                      400: "invalid_filter: an unknown status; or bad paging", 401: ERROR_DESCRIPTION,
                      403: ERROR_DESCRIPTION, 404: ERROR_DESCRIPTION})
@api_sentra_required("member")
def list_sentra_orders(sentra_slug: str):
    """The sentra's orders, all or of one ``status``, newest first (new ones oldest first).

    :raise 400: an unknown status, or bad paging.
    """
    page, per_page = page_params()
    try:
        orders = services.list_sentra_orders(g.sentra, request.args.get("status"), page, per_page)
    except services.InvalidStatusFilterError as error:
        return api_error(400, "invalid_filter", str(error), {"status": "unknown"})
    items = [order_json(o, for_sentra=True, with_events=False) for o in orders.items]
    return list_envelope(items, orders.total, page, per_page)


@bp.post("/kelola/<sentra_slug>/orders/<number>/status")
@operation("Move an order on: processing (accept) or cancelled (with a note: the reason the buyer reads). "
           "ready_for_pickup, shipped and delivered follow only from tracking events (POST .../tracking and "
           ".../handover) and are refused here with 409 not_allowed", security=True, params=[NUMBER],
           body=StatusChange, body_description="The new status",
           responses={200: (OrderShape, "The order"), 400: ERROR_DESCRIPTION, 401: ERROR_DESCRIPTION,
                      403: ERROR_DESCRIPTION, 404: ERROR_DESCRIPTION,
                      409: "invalid_transition: impossible from the order's status; not_allowed: not a status a "
                           "sentra sets for this order",
                      422: "note_required: cancelling without a note"})
@api_sentra_required("member")
def change_sentra_order_status(sentra_slug: str, number: str):
    """Move an order on: ``{"to", "note"?}``; ``cancelled`` needs a note (the reason for the buyer).

    :raise 404: not this sentra's. :raise 400: not a JSON object or ``to`` missing.
    :raise 409: ``invalid_transition`` or ``not_allowed``. :raise 422: cancelling without a note.
    """
    try:
        order = services.load_sentra_order(g.sentra, number)
    except OrderNotFoundError:
        return api_error(404, "not_found", "No such order in this sentra.")
    body = _body()
    if body is None:
        return api_error(400, "bad_request", "The body must be a JSON object.")
    to = body.get("to")
    note, ok = _note(body, "note")
    if not isinstance(to, str) or not to:
        return api_error(400, "bad_request", "`to` (the new status) is required.", {"to": "required"})
    if to not in set(OrderStatus):
        return api_error(400, "bad_request", "Unknown status.", {"to": "one of: " + ", ".join(OrderStatus)})
    if not ok:
        return api_error(422, "invalid", "Some fields are not valid.", {"note": "Must be a string."})
    try:
        services.change_status(order, to, g.api_user, note, current_app.config)
    except services.InvalidReasonError as error:
        db.session.rollback()
        return api_error(422, "note_required", "Cancelling needs a note of 3-500 characters for the buyer.",
                         {"note": str(error)})
    except (OrderError, PaymentError) as error:
        db.session.rollback()
        return _error(error)
    db.session.commit()
    return order_json(services.load_sentra_order(g.sentra, number), for_sentra=True)
