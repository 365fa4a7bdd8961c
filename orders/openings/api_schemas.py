"""The shapes of the openings API (orders/openings/api.py)."""
from __future__ import annotations

from typing import Literal, Required

from pydantic import StrictStr
from typing_extensions import TypedDict

from orders.openings.models import ApplicationStatus, Hours, OpeningRole, Pay
from shop.api.operations import query
from shop.api.schemas import Body, BodyInt, Day, When, described, page_of, status_filter

FILTERS = (
    query("kecamatan", str, "a kecamatan code, e.g. 32.75.08", allow_empty=True),
    query("kelurahan", str, "a kelurahan code, e.g. 32.75.08.1001", allow_empty=True),
    query("subsector", str, "a subsector code of the sentra, e.g. kriya", allow_empty=True),
    query("role", OpeningRole, "the role", allow_empty=True),
)
STATUS = status_filter(ApplicationStatus, "applications in this state")
BAD_FILTER = "invalid_filter: an unknown role; or bad paging"
BAD_BODY = "bad_request: not a JSON object, a field of the wrong JSON type, a day not YYYY-MM-DD, a time without an offset"
OPENING_422 = ("validation_error: a missing title, an unknown role, hours or pay, positions outside 1-100, a closing "
               "day in the past or more than a year ahead, more than 15 skills; fields name each")
APPLICATION_422 = ("validation_error: an empty motivation, a birth year outside 1940 to this year, a kelurahan_code "
                   "that is not a Kota Bekasi kelurahan, a phone that is not an Indonesian number, a portfolio_url "
                   "that is not http(s); fields name each")
DECISION_422 = "validation_error: an unknown decision, a trial without trial_at or in the past, a note over 1000 characters"


class Sentra(TypedDict):
    slug: str
    name: str
    kelurahan_code: str | None


class Opening(TypedDict, total=False):
    id: Required[int]
    sentra: Required[Sentra]
    title: Required[str]
    role: Required[OpeningRole]
    positions: Required[int]
    closes_on: Required[described(Day, "the last day (WIB) to apply")]
    hours: Hours
    pay: Pay
    skills: list[str]
    description: str
    status: Literal["open", "closed"]


OpeningList = page_of(Opening, "OpeningList")


class OpeningAnswer(TypedDict):
    opening: Opening


class Application(TypedDict, total=False):
    id: Required[int]
    status: Required[ApplicationStatus]
    opening_id: int
    applicant: described(str, "the applicant's name")
    motivation: str
    skills: list[str]
    birth_year: int
    kelurahan_code: str
    phone: described(str | None, "shown to the sentra only once the application is shortlisted")
    portfolio_url: str | None
    has_portfolio_photo: bool
    trial_at: When | None
    note: str
    created_at: When


ApplicationList = page_of(Application, "ApplicationList")


class ApplicationAnswer(TypedDict):
    application: Application


class OpeningInput(Body):
    title: StrictStr
    role: Literal["production", "design", "photography", "online_shop_admin", "courier", "trainer", "other"]
    description: StrictStr
    skills: list[StrictStr] | None = None
    positions: BodyInt
    hours: Literal["part_time", "full_time", "per_project"] | None = None
    pay: Literal["sales_share", "per_piece", "fixed"] | None = None
    closes_on: described(StrictStr, "YYYY-MM-DD: the last day (WIB) to apply")


class ApplicationInput(Body):
    motivation: StrictStr
    skills: list[StrictStr]
    birth_year: BodyInt
    kelurahan_code: described(StrictStr, "a Kota Bekasi kelurahan, e.g. 32.75.08.1001")
    phone: described(StrictStr, "a WhatsApp number, e.g. 0812-3456-7890")
    portfolio_url: described(StrictStr | None, "an optional link to the applicant's work") = None


class DecisionInput(Body):
    decision: Literal["shortlisted", "trial", "accepted", "rejected"]
    note: described(StrictStr, "the message to the applicant (may be empty)")
    trial_at: described(StrictStr | None, "for a trial: ISO 8601 with an offset, e.g. 2026-12-20T09:00:00+07:00") = None
