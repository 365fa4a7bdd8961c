"""Mentoring in the JSON API (on ``shop.api.bp``): the open slots, and a sentra's manager booking one.

Booking reaches the sentra through :func:`~shop.api.auth.api_sentra_required`; a slot booked by
another sentra first answers 409 ``slot_taken``, and nothing is booked.
"""
from __future__ import annotations

from typing import Any

from flask import g, jsonify

from orders.classes.api import guarded, read
from orders.mentoring import services
from orders.mentoring.api_schemas import BAD_FILTER, FILTERS, BookingInput, SessionAnswer, SlotList
from orders.mentoring.models import Mentor, MentoringSession, MentoringSlot
from shop.api import bp
from shop.api.auth import api_sentra_required
from shop.api.operations import ERROR_DESCRIPTION, operation
from shop.api.paging import filtered_list
from shop.api.schemas import PAGE_PARAMS
from shop.extensions import db


def mentor_json(mentor: Mentor) -> dict[str, Any]:
    return {"id": mentor.id, "name": mentor.name, "headline": mentor.headline, "topics": mentor.topic_list,
            "subsectors": [s.code for s in mentor.subsectors]}


def slot_json(slot: MentoringSlot) -> dict[str, Any]:
    return {"id": slot.id, "mentor": mentor_json(slot.mentor), "starts_at": slot.starts_at.isoformat(),
            "ends_at": slot.ends_at.isoformat(), "mode": slot.mode, "place": slot.place}


def session_json(session: MentoringSession) -> dict[str, Any]:
    slot = session.slot
    return {"id": session.id, "slot_id": slot.id, "sentra": session.sentra.slug, "mentor": mentor_json(session.mentor),
            "starts_at": slot.starts_at.isoformat(), "ends_at": slot.ends_at.isoformat(), "mode": slot.mode,
            "link": slot.link, "place": slot.place, "topic": session.topic, "question": session.question,
            "notes": session.notes,
            "action_items": [{"id": a.id, "text": a.text, "done": a.done_at is not None} for a in session.actions]}


@bp.get("/mentoring/slots")
@operation("Open mentoring slots still to come, soonest first", params=[*FILTERS, *PAGE_PARAMS],
           responses={200: (SlotList, "A page of open slots"), 400: BAD_FILTER})
def list_mentoring_slots():
    """Open slots of active mentors, filtered. :raise 400: a malformed filter."""
    return filtered_list(services.parse_slot_filters, services.open_slots, slot_json)


@bp.post("/kelola/<sentra_slug>/mentoring")
@operation("Book a mentor's open slot for the sentra (a manager or owner)", security=True, body=BookingInput,
           body_description="The slot, a topic and the question",
           responses={201: (SessionAnswer, "The booked session"),
                      400: "bad_request: not a JSON object or a field of the wrong JSON type",
                      401: ERROR_DESCRIPTION, 403: "forbidden: a member below manager",
                      404: "not_found: not a member of this sentra, or no such slot",
                      409: "slot_taken: another sentra booked the slot first, or its mentor withdrew it",
                      422: "validation_error: a topic not in the list, an empty question, a slot in the past"})
@api_sentra_required("manager")
@guarded
def book_mentoring(sentra_slug: str):
    """Book a slot. :raise 409: slot_taken. :raise 422: field errors."""
    body = read(BookingInput)
    session = services.book_slot(g.sentra, g.api_user, body.slot_id, body.topic, body.question)
    db.session.commit()
    return jsonify({"session": session_json(session)}), 201
