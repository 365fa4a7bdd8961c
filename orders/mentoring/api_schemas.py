"""The shapes of the mentoring API (orders/mentoring/api.py)."""
from __future__ import annotations

from typing import Required

from pydantic import StrictStr
from typing_extensions import TypedDict

from orders.mentoring.models import SlotMode, Topic
from shop.api.operations import query
from shop.api.schemas import Body, BodyInt, Day, When, described, page_of

FILTERS = (
    query("topic", Topic, "slots of mentors with this topic", allow_empty=True),
    query("subsector", str, "slots of mentors with this subsector, e.g. kuliner", allow_empty=True),
    query("from", Day, "slots starting on this day (WIB) or later", allow_empty=True),
)
BAD_FILTER = "invalid_filter: an unknown topic, a day not YYYY-MM-DD; or bad paging"


class Mentor(TypedDict):
    id: int
    name: str
    headline: str
    topics: list[Topic]
    subsectors: list[str]


class Slot(TypedDict, total=False):
    id: Required[int]
    mentor: Required[Mentor]
    starts_at: Required[When]
    ends_at: Required[When]
    mode: Required[SlotMode]
    place: Required[described(str, "the address of a slot at a place; empty for an online slot")]


SlotList = page_of(Slot, "MentoringSlotList")


class ActionItem(TypedDict):
    id: int
    text: str
    done: bool


class Session(TypedDict, total=False):
    id: Required[int]
    slot_id: Required[int]
    sentra: Required[str]
    mentor: Required[Mentor]
    starts_at: Required[When]
    ends_at: Required[When]
    mode: Required[SlotMode]
    link: described(str, "the meeting link of an online slot")
    place: str
    topic: Required[Topic]
    question: Required[str]
    notes: Required[str]
    action_items: Required[list[ActionItem]]


class SessionAnswer(TypedDict):
    session: Session


class BookingInput(Body):
    slot_id: described(BodyInt, "an open slot from GET /mentoring/slots")
    topic: described(StrictStr, "pricing, bookkeeping, photography, online_marketing, halal_certification or other")
    question: described(StrictStr, "what the sentra wants to ask (1-2000 characters)")
