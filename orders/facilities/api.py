"""The facilities in the JSON API (on ``shop.api.bp``): the list, a sentra adding one, and booking by the hour."""
from __future__ import annotations

from typing import Any

from flask import current_app, g, jsonify, request

from orders.checkout.api import checkout_json
from orders.classes.api import guarded, read, when
from orders.facilities import services
from orders.facilities.api_schemas import (
    SENTRA,
    FacilityAnswer,
    FacilityBookingAnswer,
    FacilityInput,
    FacilityList,
    SlotInput,
)
from orders.facilities.models import Facility, FacilityBooking
from shop.api import bp
from shop.api.auth import api_login_required, api_sentra_required
from shop.api.operations import ERROR_DESCRIPTION, header, operation
from shop.api.paging import list_envelope, page_params
from shop.api.schemas import PAGE_PARAMS
from shop.errors import api_error
from shop.extensions import db


def facility_json(facility: Facility) -> dict[str, Any]:
    return {"id": facility.id, "sentra": facility.sentra.slug, "name": facility.name,
            "description": facility.description, "hourly_price_idr": facility.hourly_price_idr,
            "units": facility.units, "opening_hours": facility.opening_hours}


def facility_booking_json(booking: FacilityBooking) -> dict[str, Any]:
    body: dict[str, Any] = {"id": booking.id, "facility_id": booking.facility_id, "kind": booking.kind,
                            "status": booking.status, "starts_at": booking.starts_at.isoformat(),
                            "ends_at": booking.ends_at.isoformat(), "total_idr": booking.total_idr,
                            "by_member": booking.by_member}
    if booking.order is not None:
        body["checkout"] = checkout_json(booking.order.checkout)
    return body


@bp.get("/facilities")
@operation("Equipment and workspace the active sentras lend", params=[SENTRA, *PAGE_PARAMS],
           responses={200: (FacilityList, "A page of facilities"), 400: "bad paging"})
def list_facilities():
    """Facilities of active sentras (``sentra``: one sentra's)."""
    page, per_page = page_params()
    found = services.public_facilities((request.args.get("sentra") or "").strip() or None)
    items = found[(page - 1) * per_page:page * per_page]
    return list_envelope([facility_json(f) for f in items], len(found), page, per_page)


@bp.post("/kelola/<sentra_slug>/facilities")
@operation("Add equipment or workspace the sentra lends (a manager or owner)", security=True, body=FacilityInput,
           body_description="Name, description, hourly price, units and opening hours",
           responses={201: (FacilityAnswer, "The facility"), 400: "bad_request: not a JSON object or a field of the "
                                                                 "wrong JSON type",
                      401: ERROR_DESCRIPTION, 403: "forbidden: a member below manager",
                      404: "not a member of this sentra",
                      422: "validation_error: no name, a price or units out of range, hours not HH:MM-HH:MM"})
@api_sentra_required("manager")
@guarded
def create_facility(sentra_slug: str):
    """Add a facility. :raise 422: field errors."""
    body = read(FacilityInput)
    facility = services.create_facility(g.sentra, services.FacilityInput(
        name=body.name, description=body.description or "", hourly_price_idr=body.hourly_price_idr,
        units=body.units, opening_hours=body.opening_hours))
    db.session.commit()
    return jsonify({"facility": facility_json(facility)}), 201


@bp.post("/facilities/<int:facility_id>/bookings")
@operation("Book one unit of a facility for a time inside its opening hours (members free, others pay)",
           security=True, body=SlotInput, body_description="The start and the end",
           params=[header("Idempotency-Key", "A repeat with the same key returns the first booking (200)",
                          required=True)],
           responses={201: (FacilityBookingAnswer, "Booked"),
                      200: (FacilityBookingAnswer, "The booking of the first request with this key"),
                      400: "No Idempotency-Key, a malformed body, a time without an offset", 401: ERROR_DESCRIPTION,
                      404: "not_found: no such facility", 409: "slot_taken: no unit is free for the whole time",
                      422: "validation_error: an end before the start, longer than a day, in the past, outside the "
                           "opening hours, an unknown payment_method; payment errors"})
@api_login_required
@guarded
def book_facility(facility_id: int):
    """Book a facility. :raise 409: slot_taken. :raise 422: a bad time."""
    key = (request.headers.get("Idempotency-Key") or "").strip()
    if not key or len(key) > services.MAX_KEY_LENGTH:
        return api_error(400, "bad_request", "An Idempotency-Key header of 1-100 characters is required.",
                         {"Idempotency-Key": "required"})
    body = read(SlotInput)
    slot = services.SlotInput(key, when(body.starts_at, "starts_at"), when(body.ends_at, "ends_at"),
                              body.payment_method)
    result = services.book_facility(g.api_user, facility_id, slot, current_app.config)
    return jsonify({"booking": facility_booking_json(result.booking)}), 201 if result.created else 200


