"""Messages about mentoring sessions, sent by outbox handlers (payload ``{"session_id": int}``; a
cancellation's carries what it needs, its session being gone): email, WhatsApp or both as each
recipient chose. Plain text in the recipient's language."""
from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from flask_babel import gettext as _

from orders.mentoring.models import Mentor, MentoringSession, SlotMode
from orders.mentoring.services import BOOKED_JOB, CANCELLED_JOB, REMINDER_JOB, TOPIC_LABELS
from orders.notify import external_url, tell, whatsapp_template
from shop.accounts.models import User
from shop.extensions import db
from shop.i18n import wib
from shop.outbox.services import register
from shop.sentras.models import Sentra

log = logging.getLogger(__name__)


def _where(session: MentoringSession) -> str:
    slot = session.slot
    return _("Online: %(link)s", link=slot.link) if slot.mode == SlotMode.ONLINE \
        else _("Place: %(place)s", place=slot.place)


def _load(session_id: int) -> MentoringSession | None:
    session = db.session.get(MentoringSession, session_id)
    if session is None:
        log.warning("mentoring session %s is gone; nothing sent", session_id)
    return session


@register(BOOKED_JOB)
def booked(payload: dict[str, Any]) -> None:
    """The mentor learns that a sentra booked their slot, with its topic and question."""
    session = _load(payload["session_id"])
    if session is None or session.mentor.user is None or session.mentor.user.deleted_at is not None:
        return

    def body() -> str:
        return "\n".join([
            _("%(sentra)s booked your mentoring slot of %(when)s.", sentra=session.sentra.name,
              when=wib(session.starts_at)),
            _("Topic: %(topic)s", topic=TOPIC_LABELS[session.topic]), _("Question: %(question)s",
                                                                         question=session.question),
            _where(session), "", link])

    link = external_url("mentoring.session", session_id=session.id)
    tell(session.mentor.user, lambda: _("A sentra booked your slot: %(sentra)s", sentra=session.sentra.name), body,
         lambda user: whatsapp_template("pendampingan_dipesan", user.name, session.sentra.name,
                                        wib(session.starts_at), str(TOPIC_LABELS[session.topic]), link))


@register(REMINDER_JOB)
def reminder(payload: dict[str, Any]) -> None:
    """A day before: the mentor and the manager who booked are reminded of when and where."""
    session = _load(payload["session_id"])
    if session is None:
        return
    mentor_user, booker = session.mentor.user, session.booked_by

    def body_for(link: str):
        def body() -> str:
            return "\n".join([
                _("Tomorrow: mentoring of %(sentra)s by %(mentor)s, %(when)s.", sentra=session.sentra.name,
                  mentor=session.mentor.name, when=wib(session.starts_at)),
                _("Topic: %(topic)s", topic=TOPIC_LABELS[session.topic]), _where(session), "", link])
        return body

    def subject() -> str:
        return _("Reminder: mentoring tomorrow")

    def whatsapp_for(link: str):
        return lambda user: whatsapp_template("pendampingan_pengingat", user.name, session.sentra.name,
                                              session.mentor.name, wib(session.starts_at), link)

    links = ((mentor_user, external_url("mentoring.session", session_id=session.id)),
             (booker, external_url("mentoring_kelola.session", sentra_slug=session.sentra.slug, session_id=session.id)))
    for user, link in links:
        if user is not None and user.deleted_at is None:
            tell(user, subject, body_for(link), whatsapp_for(link))


@register(CANCELLED_JOB)
def cancelled(payload: dict[str, Any]) -> None:
    """The other side learns that a booked session is cancelled and its slot free again: the mentor when
    the sentra cancelled, the manager who booked when the mentor did."""
    mentor, sentra = db.session.get(Mentor, payload["mentor_id"]), db.session.get(Sentra, payload["sentra_id"])
    if mentor is None or sentra is None:
        return
    if payload["by"] == "sentra":
        recipient, who = mentor.user, sentra.name
        link = external_url("mentoring.home")

        def next_step() -> str:  # in the recipient's language: called inside tell()
            return _("The slot is open again for other sentras.")
    else:
        recipient = db.session.get(User, payload["booked_by_id"]) if payload.get("booked_by_id") else None
        who, link = mentor.name, external_url("mentoring_kelola.index", sentra_slug=sentra.slug)

        def next_step() -> str:
            return _("You can book another slot here:")
    if recipient is None or recipient.deleted_at is not None:
        return
    when = datetime.fromisoformat(payload["starts_at"])

    def body() -> str:
        return "\n".join([
            _("%(who)s cancelled the mentoring session of %(sentra)s with %(mentor)s on %(when)s.", who=who,
              sentra=sentra.name, mentor=mentor.name, when=wib(when)),
            _("Topic: %(topic)s", topic=TOPIC_LABELS[payload["topic"]]),
            "", next_step(), link])

    tell(recipient, lambda: _("Mentoring cancelled: %(when)s", when=wib(when)), body,
         lambda user: whatsapp_template("pendampingan_dibatalkan", user.name, who, wib(when), link))
