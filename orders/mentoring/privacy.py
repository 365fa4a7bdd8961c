"""What mentoring keeps about a person, for the account's data export and deletion (UU PDP).

A mentor's export holds their roster entry and the sessions they gave with their notes; a sentra
manager's holds the sessions they booked with their questions and the mentor's notes. Deleting the
account removes the mentor's roster entry data, withdraws their open slots and erases the notes they
wrote; a booker's questions are erased. The sessions stay (without text) for the programme's figures.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import select, update

from orders.mentoring.models import Mentor, MentoringSession, MentoringSlot, SlotStatus
from shop.accounts.privacy import DELETED_NAME, Memberships, iso, register_memberships
from shop.extensions import db


def _session_json(session: MentoringSession) -> dict[str, Any]:
    return {"id": session.id, "sentra": session.sentra.slug, "mentor": session.mentor.name,
            "starts_at": iso(session.starts_at), "ends_at": iso(session.ends_at), "topic": session.topic,
            "question": session.question, "notes": session.notes,
            "action_items": [{"text": a.text, "done_at": iso(a.done_at)} for a in session.actions]}


def export(user_id: int) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    mentor = db.session.scalar(select(Mentor).where(Mentor.user_id == user_id))
    if mentor is not None:
        sessions = db.session.scalars(select(MentoringSession).where(MentoringSession.mentor_id == mentor.id)
                                      .order_by(MentoringSession.id))
        out.append({"role": "mentor", "name": mentor.name, "email": mentor.email, "headline": mentor.headline,
                    "contact": mentor.contact, "topics": mentor.topic_list,
                    "subsectors": [s.code for s in mentor.subsectors], "joined_at": iso(mentor.joined_at),
                    "sessions": [_session_json(s) for s in sessions]})
    booked = db.session.scalars(select(MentoringSession).where(MentoringSession.booked_by_id == user_id)
                                .order_by(MentoringSession.id))
    out.extend({"role": "booked_by", **_session_json(s)} for s in booked)
    return out


def delete(user_id: int) -> None:
    mentor = db.session.scalar(select(Mentor).where(Mentor.user_id == user_id))
    if mentor is not None:
        db.session.execute(update(MentoringSlot).where(MentoringSlot.mentor_id == mentor.id,
                                                       MentoringSlot.status == SlotStatus.OPEN)
                           .values(status=SlotStatus.WITHDRAWN).execution_options(synchronize_session=False))
        db.session.execute(update(MentoringSession).where(MentoringSession.mentor_id == mentor.id)
                           .values(notes="").execution_options(synchronize_session=False))
        mentor.name, mentor.email = DELETED_NAME, f"deleted-mentor-{mentor.id}@invalid"
        mentor.headline = mentor.contact = ""
        mentor.user_id, mentor.active = None, False
    db.session.execute(update(MentoringSession).where(MentoringSession.booked_by_id == user_id)
                       .values(question="").execution_options(synchronize_session=False))


register_memberships(Memberships("mentoring", 30, export, lambda _user_id: [], delete))
