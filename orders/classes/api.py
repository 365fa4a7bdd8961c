"""The classes in the JSON API (on ``shop.api.bp``): the public list, the sentra's classes,
bookings and attendance at the door.

Members reach a class by (sentra, id) through :func:`~shop.api.auth.api_sentra_required`, so
another sentra's class is a 404. Domain errors answer with their documented status, rolled back.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import wraps
from typing import Any

from flask import current_app, g, jsonify, request

from orders.checkout.api import checkout_json
from orders.classes import bookings, services
from orders.classes.api_schemas import (
    BAD_BODY,
    BAD_FILTER,
    CLASS_422,
    FILTERS,
    AttendanceInput,
    BookingAnswer,
    BookingInput,
    CancelInput,
    ClassAnswer,
    ClassInput,
    ClassList,
)
from orders.classes.models import ClassBooking, TrainingClass
from orders.core.errors import OrderError
from orders.core.providers import PaymentError
from shop.api import bp
from shop.api.auth import api_login_required, api_sentra_required
from shop.api.operations import ERROR_DESCRIPTION, BodyError, header, operation, read_body
from shop.api.paging import filtered_list
from shop.api.schemas import PAGE_PARAMS
from shop.errors import api_error
from shop.extensions import db

NO_SUCH_CLASS = "not_found: no such class of this sentra"


class BadBody(Exception):
    def __init__(self, fields: dict[str, str]):
        super().__init__(fields)
        self.fields = fields


def guarded(view: Callable[..., Any]) -> Callable[..., Any]:
    """Malformed bodies answer 400, domain errors their documented status; either rolls back."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any):
        try:
            return view(*args, **kwargs)
        except BadBody as error:
            db.session.rollback()
            return api_error(400, "bad_request", "The request body is malformed.", error.fields)
        except (OrderError, PaymentError) as error:
            db.session.rollback()
            return api_error(error.status, error.code, getattr(error, "message", str(error)),
                             {k: str(v) for k, v in (getattr(error, "fields", None) or {}).items()})

    return wrapper


def read(model: Any, optional: bool = False) -> Any:
    try:
        return read_body(model, optional=optional)
    except BodyError as error:
        raise BadBody(error.problems or {"body": "a JSON object is required"}) from None


def when(raw: str, name: str) -> datetime:
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        raise BadBody({name: "not an ISO 8601 time"}) from None
    if value.tzinfo is None:
        raise BadBody({name: "an offset is required, e.g. +07:00"})
    return value


def class_json(klass: TrainingClass, detail: bool = True) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": klass.id,
        "sentra": {"slug": klass.sentra.slug, "name": klass.sentra.name, "kelurahan_code": klass.sentra.kelurahan_code},
        "title": klass.title,
        "sessions": [{"starts_at": s.starts_at.isoformat(), "ends_at": s.ends_at.isoformat()} for s in klass.sessions],
        "capacity": klass.capacity,
        "seats_left": klass.seats_left,
        "price_idr": klass.price_idr,
        "audience": klass.audience,
    }
    if detail:
        body.update(status=klass.status, description=klass.description, subsector=klass.subsector_code,
                    location=klass.location, bring=klass.bring, trainer=klass.trainer_label,
                    max_seats_per_booking=klass.max_seats_per_booking,
                    cancel_deadline=bookings.cancel_deadline(klass).isoformat())
    return body


def booking_json(booking: ClassBooking) -> dict[str, Any]:
    body: dict[str, Any] = {"id": booking.id, "class_id": booking.class_id, "status": booking.status,
                            "seats": booking.seats, "code": booking.code, "total_idr": booking.total_idr,
                            "attended": booking.attended}
    checkout = bookings.checkout_of(booking)
    if checkout is not None:
        body["checkout"] = checkout_json(checkout)
    return body


def _class_input(body: ClassInput) -> services.ClassInput:
    sessions = None
    if body.sessions is not None:
        sessions = [services.SessionInput(when(s.starts_at, f"sessions.{i}.starts_at"),
                                          when(s.ends_at, f"sessions.{i}.ends_at"))
                    for i, s in enumerate(body.sessions)]
    return services.ClassInput(
        title=body.title, description=body.description, subsector_code=body.subsector, sessions=sessions,
        capacity=body.capacity, price_idr=body.price_idr, audience=body.audience, location=body.location,
        bring=body.bring, trainer=body.trainer, cancel_hours=body.cancel_hours,
        max_seats_per_booking=body.max_seats_per_booking,
    )


@bp.get("/classes")
@operation("Upcoming classes and workshops of active sentras, soonest first", params=[*FILTERS, *PAGE_PARAMS],
           responses={200: (ClassList, "A page of classes"), 400: BAD_FILTER})
def list_classes():
    """Upcoming classes, filtered. :raise 400: a malformed filter."""
    return filtered_list(services.parse_filters, services.find_classes, lambda k: class_json(k, detail=False))


def search_classes_json(text: str) -> list[dict[str, Any]]:
    """The classes the search page shows for ``text``, as GET /api/v1/classes lists them (``/api/v1/search``)."""
    return [class_json(klass, detail=False) for klass in services.class_objects_matching(text)]


@bp.post("/kelola/<sentra_slug>/classes")
@operation("Publish a class of the sentra (a manager or owner)", security=True, body=ClassInput,
           body_description="The class: title, description, subsector, sessions, capacity, price_idr, audience",
           responses={201: (ClassAnswer, "The class"), 400: BAD_BODY, 401: ERROR_DESCRIPTION,
                      403: "forbidden: a member below manager", 404: "not a member of this sentra", 422: CLASS_422})
@api_sentra_required("manager")
@guarded
def create_class(sentra_slug: str):
    """Publish a class. :raise 400: :raise 422: field errors."""
    data = _class_input(read(ClassInput))
    klass = services.publish_class(g.sentra, g.api_user, data)
    db.session.commit()
    return jsonify({"class": class_json(klass)}), 201


@bp.patch("/kelola/<sentra_slug>/classes/<int:class_id>")
@operation("Change a class; fields not sent stay as they are", security=True, body=ClassInput,
           body_description="The fields to change",
           responses={200: (ClassAnswer, "The class"), 400: BAD_BODY, 401: ERROR_DESCRIPTION,
                      403: "forbidden: a member below manager", 404: NO_SUCH_CLASS,
                      409: "class_closed: the class is cancelled", 422: CLASS_422})
@api_sentra_required("manager")
@guarded
def update_class(sentra_slug: str, class_id: int):
    """Change a class. :raise 404: another sentra's. :raise 409: cancelled. :raise 422: field errors."""
    data = _class_input(read(ClassInput, optional=True))
    klass = services.edit_class(g.sentra, class_id, data)
    db.session.commit()
    return jsonify({"class": class_json(klass)})


@bp.delete("/kelola/<sentra_slug>/classes/<int:class_id>")
@operation("Cancel a class: every booking ends, paid seats are refunded and each booker is told", security=True,
           body=CancelInput, body_required=False, body_description="An optional reason told to the bookers",
           responses={200: (ClassAnswer, "The cancelled class"), 400: BAD_BODY, 401: ERROR_DESCRIPTION,
                      403: "forbidden: a member below manager", 404: NO_SUCH_CLASS,
                      422: "refund_not_supported or payment_error: a refund was refused; nothing changed"})
@api_sentra_required("manager")
@guarded
def delete_class(sentra_slug: str, class_id: int):
    """Cancel a class with refunds. :raise 404: another sentra's."""
    body = read(CancelInput, optional=True)
    klass = bookings.cancel_class(g.sentra, g.api_user, class_id, body.reason or "", current_app.config)
    db.session.commit()
    return jsonify({"class": class_json(klass)})


@bp.post("/classes/<int:class_id>/bookings")
@operation("Book seats of a class: a free class is confirmed at once, a paid one returns its checkout to pay",
           security=True, body=BookingInput, body_description="How many seats, and for a youth class who attends",
           params=[header("Idempotency-Key", "A repeat with the same key returns the first booking (200)",
                          required=True)],
           responses={201: (BookingAnswer, "Booked"), 200: (BookingAnswer, "The booking of the first request "
                                                                          "with this key"),
                      400: "No Idempotency-Key, or " + BAD_BODY, 401: ERROR_DESCRIPTION,
                      404: "not_found: no such class", 409: "class_full: fewer seats are left (nothing taken); "
                                                             "class_closed: cancelled or started",
                      422: "validation_error: seats outside 1 to the class's limit per buyer (default 4), a birth "
                           "year in the future, an unknown kelurahan, a youth class without them, an unknown "
                           "payment_method; payment errors (amount_too_small)"})
@api_login_required
@guarded
def book(class_id: int):
    """Book seats. :raise 409: class_full. :raise 422: too many seats or bad attendee data."""
    key = (request.headers.get("Idempotency-Key") or "").strip()
    if not key or len(key) > bookings.MAX_KEY_LENGTH:
        return api_error(400, "bad_request", "An Idempotency-Key header of 1-100 characters is required.",
                         {"Idempotency-Key": "required"})
    body = read(BookingInput)
    data = bookings.BookingInput(idempotency_key=key, seats=body.seats, birth_year=body.birth_year,
                                 kelurahan_code=body.kelurahan_code, payment_method=body.payment_method)
    result = bookings.book_class(g.api_user, class_id, data, current_app.config)
    return jsonify({"booking": booking_json(result.booking)}), 201 if result.created else 200


@bp.post("/kelola/<sentra_slug>/classes/<int:class_id>/attendance")
@operation("Check an attendee in by the booking's code; a second check-in changes nothing", security=True,
           body=AttendanceInput, body_description="The 6-character code",
           responses={200: (BookingAnswer, "The booking, attended"), 400: BAD_BODY, 401: ERROR_DESCRIPTION,
                      404: NO_SUCH_CLASS, 422: "wrong_code: no confirmed booking of this class has that code",
                      429: "rate_limited: this member typed too many wrong codes at this class lately "
                           "(ATTENDANCE_CODE_FAILURES, 10 per 10 minutes); every code is refused until it passes"})
@api_sentra_required("member")
@guarded
def attendance(sentra_slug: str, class_id: int):
    """Check in by code. :raise 422: wrong_code (who booked is never said). :raise 429: rate_limited."""
    body = read(AttendanceInput)
    checked = bookings.check_in_by_code(g.sentra, class_id, body.code, g.api_user)
    db.session.commit()
    booking = checked.booking
    return jsonify({"booking": {"id": booking.id, "class_id": booking.class_id, "status": booking.status,
                                "seats": booking.seats, "code": booking.code, "total_idr": booking.total_idr,
                                "attended": True}})

