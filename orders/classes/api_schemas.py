"""The shapes of the classes API (orders/classes/api.py)."""
from __future__ import annotations

from typing import Literal, Required

from pydantic import StrictStr
from typing_extensions import TypedDict

from catalog.search.api_schemas import ClassSummary
from orders.checkout.api_schemas import CheckoutBody
from orders.classes.models import Audience, BookingStatus, ClassStatus
from shop.api.operations import path, query
from shop.api.schemas import Body, BodyInt, Day, When, described, page_of

CLASS_ID = path("class_id", int)
FILTERS = (
    query("kecamatan", str, "a kecamatan code, e.g. 32.75.08", allow_empty=True),
    query("subsector", str, "a subsector code, e.g. kriya", allow_empty=True),
    query("from", Day, "classes with a session on this day (WIB) or later", allow_empty=True),
    query("to", Day, "classes with a session on this day (WIB) or earlier", allow_empty=True),
    query("audience", Audience, "public or youth", allow_empty=True),
    query("free", bool, "true: free classes only; false: paid ones only", allow_empty=True),
)
BAD_FILTER = "invalid_filter: a day not YYYY-MM-DD, free not true/false, an unknown audience; or bad paging"
BAD_BODY = "bad_request: not a JSON object, a field of the wrong JSON type, a time without an offset"
CLASS_422 = ("validation_error: a missing title or subsector, sessions that end before they start, overlap, "
             "last over 24 hours or lie in the past, a capacity outside 1-1000 or below the seats booked, a youth "
             "class with a price, an unknown trainer email; fields name each, e.g. sessions.0")


class Class(ClassSummary, total=False):
    """A class: what the list and search show (``ClassSummary``), and in full the rest."""

    status: ClassStatus
    description: str
    subsector: str
    location: str
    bring: str
    trainer: str
    max_seats_per_booking: int
    cancel_deadline: described(When, "buyers may cancel until then")


ClassList = page_of(Class, "ClassList")


# "class" is a keyword: the functional form names the key
ClassAnswer = TypedDict("ClassAnswer", {"class": Class})


class Booking(TypedDict, total=False):
    id: Required[int]
    class_id: Required[int]
    status: Required[BookingStatus]
    seats: Required[int]
    code: Required[described(str, "the 6-character attendance code shown at the door")]
    total_idr: Required[int]
    attended: Required[bool]
    checkout: described(CheckoutBody, "a paid class: the checkout to pay, as POST /checkout returns it")


class BookingAnswer(TypedDict):
    booking: Booking


class SessionInput(Body):
    starts_at: described(StrictStr, "ISO 8601 with an offset, e.g. 2026-12-20T09:00:00+07:00")
    ends_at: described(StrictStr, "ISO 8601 with an offset")


class ClassInput(Body):
    title: StrictStr | None = None
    description: StrictStr | None = None
    subsector: StrictStr | None = None
    sessions: list[SessionInput] | None = None
    capacity: BodyInt | None = None
    price_idr: described(BodyInt | None, "0 = free") = None
    audience: Literal["public", "youth"] | None = None
    location: described(StrictStr | None, "the sentra's address when not given") = None
    bring: StrictStr | None = None
    trainer: described(StrictStr | None, "a member's email, or a guest trainer's name") = None
    cancel_hours: described(BodyInt | None, "buyers may cancel until this many hours before (default 24)") = None
    max_seats_per_booking: described(BodyInt | None, "default 4") = None


class BookingInput(Body):
    seats: BodyInt
    birth_year: described(BodyInt | None, "required for a youth class") = None
    kelurahan_code: described(StrictStr | None, "required for a youth class: a Kota Bekasi kelurahan") = None
    payment_method: described(StrictStr | None, "a paid class: bank_transfer (default), stripe_card or "
                                                "pay_on_pickup") = None


class AttendanceInput(Body):
    code: StrictStr


class CancelInput(Body):
    reason: StrictStr | None = None
