"""Fulfilment in the JSON API, for sentra members (on ``shop.api.bp``).

``POST /api/v1/kelola/<slug>/orders/<number>/tracking`` records a timeline step and
``POST /api/v1/kelola/<slug>/orders/<number>/handover`` hands the order over against the
buyer's pickup code or delivery PIN. Orders are loaded by (sentra, number): another
sentra's is a 404. Neither answer carries the pickup code or the delivery PIN.

A wrong code is a 422 ``wrong_code`` whose failure count is committed; after five in a
row the handover is locked and answers 423 ``locked`` until a manager resets it.
"""
from __future__ import annotations

from typing import Any

from flask import g, request

from orders import services as order_services
from orders.api_schemas import NUMBER
from orders.core.errors import OrderError, OrderNotFoundError
from orders.core.models import Order
from orders.core.providers import PaymentError
from orders.shipping import errors as shipping_errors
from orders.shipping import services
from orders.shipping import timeline as shipping_timeline
from orders.shipping.api_schemas import HandoverInput, TrackingInput, TrackingResult
from orders.shipping.carriers import carrier_label, tracking_url
from orders.shipping.models import Shipment, TrackingEvent, TrackingStatus
from shop.api import bp
from shop.api.auth import api_sentra_required
from shop.api.operations import ERROR_DESCRIPTION, operation
from shop.errors import api_error
from shop.extensions import db


def event_json(event: TrackingEvent) -> dict[str, Any]:
    return {"id": event.id, "status": event.status, "note": event.note, "at": event.created_at.isoformat(),
            "has_photo": event.photo_key is not None}


def shipment_json(shipment: Shipment, order: Order) -> dict[str, Any]:
    """The sentra's view of a shipment (no pickup code, no delivery PIN)."""
    return {
        "order": {"number": order.number, "status": order.status, "payment_status": order.payment_status},
        "method": shipment.method,
        "status": shipment.status,
        "courier": shipment.carrier,
        "courier_label": carrier_label(shipment.carrier, shipment.carrier_name) if shipment.carrier else None,
        "waybill": shipment.waybill,
        "tracking_url": tracking_url(shipment.carrier, shipment.waybill),
        "courier_user_id": shipment.courier_user_id,
        "code_failures": shipment.code_failures,
        "locked": shipment.locked_at is not None,
        "recipient_name": shipment.recipient_name,
        "delivered_at": shipment.delivered_at.isoformat() if shipment.delivered_at else None,
        "events": [event_json(e) for e in shipment.events],
        "next_events": shipping_timeline.next_events(shipment, order),
    }


def _error(error: OrderError | PaymentError):
    message = getattr(error, "message", None) or str(error)
    return api_error(error.status, error.code, message[:1].upper() + message[1:], getattr(error, "fields", None))


def _load(number: str) -> Order | None:
    try:
        return order_services.load_sentra_order(g.sentra, number)
    except OrderNotFoundError:
        return None


def _strings(body: dict[str, Any], *names: str) -> dict[str, str] | None:
    """The named optional string fields, or None when one is present but not a string."""
    values = {name: body.get(name) for name in names}
    if any(value is not None and not isinstance(value, str) for value in values.values()):
        return None
    return values


def _answer(order: Order, event: TrackingEvent, status: int):
    shipment = db.session.get(Shipment, event.shipment_id)
    db.session.refresh(shipment)
    return {"event": event_json(event), "shipment": shipment_json(shipment, order)}, status


@bp.post("/kelola/<sentra_slug>/orders/<number>/tracking")
@operation(
    "Add a step to the order's timeline. Per delivery method: pickup: [packed] -> ready_for_pickup -> delivered "
    "(handover only); sentra_courier: [packed] -> handed_to_courier (a courier must be assigned) -> [in_transit] -> "
    "out_for_delivery <-> delivery_failed -> delivered (handover only) or returned; courier: [packed] -> "
    "handed_to_courier (courier and waybill) -> in_transit (repeatable) -> out_for_delivery -> delivery_failed, "
    "delivered or returned. Never backwards, nothing after delivered or returned; the order must be accepted "
    "(processing). The order follows: ready_for_pickup, shipped (handed_to_courier), delivered, cancelled "
    "(returned: stock back, paid orders refunded).", security=True, params=[NUMBER],
    body=TrackingInput, body_description="The step",
    responses={201: (TrackingResult, "The event and the shipment"),
               400: "bad_request: not a JSON object, or status missing or unknown",
               401: ERROR_DESCRIPTION, 403: ERROR_DESCRIPTION, 404: "not_found: no such order in this sentra",
               409: "invalid_event: the timeline cannot take this step; handover_required: delivered needs the "
                    "buyer's code; courier_required: assign a courier first",
               422: "reason_required, invalid_waybill, invalid_carrier"})
@api_sentra_required("member")
def record_tracking_event(sentra_slug: str, number: str):
    """Add a step to the order's timeline: ``{"status", "note"?, "courier"?, "waybill"?, "carrier_name"?}``.

    :raise 404: not this sentra's. :raise 400: not a JSON object, or no known ``status``.
    :raise 409: ``invalid_event`` (the timeline cannot take it), ``handover_required``,
        ``courier_required``. :raise 422: ``reason_required``, ``invalid_waybill``, ``invalid_carrier``.
    """
    order = _load(number)
    if order is None:
        return api_error(404, "not_found", "No such order in this sentra.")
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return api_error(400, "bad_request", "The body must be a JSON object.")
    status = body.get("status")
    if not isinstance(status, str) or status not in set(TrackingStatus):
        return api_error(400, "bad_request", "`status` must be a tracking status.",
                         {"status": "one of: " + ", ".join(TrackingStatus)})
    fields = _strings(body, "note", "courier", "waybill", "carrier_name")
    if fields is None:
        return api_error(422, "invalid", "Some fields are not valid.", {"note": "Must be a string."})
    try:
        event = services.record_tracking_event(
            order, status, g.api_user, fields["note"], courier=fields["courier"], waybill=fields["waybill"],
            carrier_name=fields["carrier_name"],
        )
    except (OrderError, PaymentError) as error:
        db.session.rollback()
        return _error(error)
    db.session.commit()
    return _answer(order, event, 201)


@bp.post("/kelola/<sentra_slug>/orders/<number>/handover")
@operation(
    "Hand the order to the buyer against their pickup code (pickup, ready_for_pickup) or delivery PIN (sentra "
    "courier, handed over to the courier): records delivered. A pay-on-pickup order needs paid_with and is marked "
    "paid at the same moment. A wrong code is counted and changes nothing else; after five in a row the handover "
    "is locked (423) until a manager resets it in the order page.", security=True, params=[NUMBER],
    body=HandoverInput, body_description="The buyer's code",
    responses={200: (TrackingResult, "Delivered: the event and the shipment"),
               400: "bad_request: not a JSON object or no code", 401: ERROR_DESCRIPTION, 403: ERROR_DESCRIPTION,
               404: "not_found: no such order in this sentra",
               409: "invalid_event: the order is not awaiting a handover",
               422: "wrong_code (fields.attempts_left; the try is counted), paid_with_required, invalid",
               423: "locked: five wrong codes in a row; a manager must reset it"})
@api_sentra_required("member")
def handover(sentra_slug: str, number: str):
    """Hand the order over: ``{"code", "paid_with"?}`` (``cash`` or ``qris`` for pay-on-pickup).

    :raise 404: not this sentra's. :raise 400: not a JSON object or no ``code``.
    :raise 409: ``invalid_event`` (not awaiting a handover). :raise 422: ``wrong_code`` (counted;
        nothing else changed), ``paid_with_required``. :raise 423: ``locked`` after five wrong codes.
    """
    order = _load(number)
    if order is None:
        return api_error(404, "not_found", "No such order in this sentra.")
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return api_error(400, "bad_request", "The body must be a JSON object.")
    code, paid_with = body.get("code"), body.get("paid_with")
    if not isinstance(code, str) or not code.strip():
        return api_error(400, "bad_request", "`code` (the buyer's pickup code or PIN) is required.",
                         {"code": "required"})
    if paid_with is not None and paid_with not in shipping_timeline.PAID_WITH:
        return api_error(422, "invalid", "`paid_with` is cash or qris.", {"paid_with": "cash or qris"})
    try:
        event = services.handover(order, code, g.api_user, paid_with)
    except (shipping_errors.WrongCodeError, shipping_errors.HandoverLockedError) as error:
        db.session.commit()  # the failed try is counted: that is what locks out guessing
        return _error(error)
    except OrderError as error:
        db.session.rollback()
        return _error(error)
    db.session.commit()
    return _answer(order, event, 200)
