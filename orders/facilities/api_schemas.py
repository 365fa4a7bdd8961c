"""The shapes of the facilities API (orders/facilities/api.py)."""
from __future__ import annotations

from typing import Required

from pydantic import StrictStr
from typing_extensions import TypedDict

from orders.facilities.models import FacilityBookingKind, FacilityBookingStatus
from shop.api.operations import path, query
from shop.api.schemas import Body, BodyInt, When, described, page_of

FACILITY_ID = path("facility_id", int)
SENTRA = query("sentra", str, "a sentra's slug: only its facilities", allow_empty=True)


class Facility(TypedDict, total=False):
    id: Required[int]
    sentra: Required[str]
    name: Required[str]
    description: str
    hourly_price_idr: Required[described(int, "for residents and partners; members book free")]
    units: Required[int]
    opening_hours: Required[described(str, "HH:MM-HH:MM, WIB, every day")]


FacilityList = page_of(Facility, "FacilityList")


class FacilityAnswer(TypedDict):
    facility: Facility


class FacilityBooking(TypedDict, total=False):
    id: Required[int]
    facility_id: Required[int]
    kind: FacilityBookingKind
    status: Required[FacilityBookingStatus]
    starts_at: Required[When]
    ends_at: Required[When]
    total_idr: Required[int]
    by_member: bool
    checkout: described(dict, "a paid booking: the checkout to pay, as POST /checkout returns it")


class FacilityBookingAnswer(TypedDict):
    booking: FacilityBooking


class FacilityInput(Body):
    name: StrictStr
    description: StrictStr | None = None
    hourly_price_idr: described(BodyInt | None, "0: free for everyone; members always book free") = None
    units: described(BodyInt | None, "how many can be booked at once (default 1)") = None
    opening_hours: described(StrictStr | None, "HH:MM-HH:MM (WIB); default: the sentra's hours, or 08:00-20:00") = None


class SlotInput(Body):
    starts_at: described(StrictStr, "ISO 8601 with an offset")
    ends_at: described(StrictStr, "ISO 8601 with an offset; at most a day after the start")
    payment_method: described(StrictStr | None, "a paid booking: bank_transfer (default), stripe_card or "
                                                "pay_on_pickup") = None
