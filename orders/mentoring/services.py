"""The mentoring operations: the office's roster, mentors' slots, booking a slot, notes and action items.

A slot is taken once: booking is the conditional ``UPDATE mentoring_slot SET status = 'booked'
WHERE id = :id AND status = 'open' AND starts_at > :now``. On PostgreSQL a second booker waits on
the row lock at that UPDATE until the first commits, then matches no row; on SQLite the database
lock orders them the same way. The session row's unique ``slot_id`` is the second guard.
A booked session may be cancelled before it starts, by the sentra's managers or by the mentor: the
session row goes (its slot's unique ``slot_id`` with it) and the slot is open again, by one
conditional DELETE, so two people cancelling at once cancel once. Services flush, never commit; the
caller commits once.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select, update

from orders.mentoring.errors import (
    CancelClosedError,
    MentorExistsError,
    MentoringNotFoundError,
    MentoringValidationError,
    SlotTakenError,
)
from orders.mentoring.models import (
    Mentor,
    MentoringAction,
    MentoringSession,
    MentoringSlot,
    SlotMode,
    SlotStatus,
    Topic,
    mentor_subsector,
)
from orders.notify import external_url
from orders.rows import scoped_row
from shop.accounts.checks import is_valid_email
from shop.accounts.models import User
from shop.db import WIB, utcnow
from shop.extensions import db
from shop.mail import send_mail
from shop.outbox.services import enqueue
from shop.places.models import Subsector
from shop.sentras.models import Sentra

TOPIC_LABELS = {
    Topic.PRICING: _l("Pricing"), Topic.BOOKKEEPING: _l("Bookkeeping"), Topic.PHOTOGRAPHY: _l("Product photography"),
    Topic.ONLINE_MARKETING: _l("Online marketing"), Topic.HALAL_CERTIFICATION: _l("Halal certification"),
    Topic.OTHER: _l("Other"),
}
MAX_SLOT_HOURS = 4
MAX_ACTIONS = 20
BOOKED_JOB, REMINDER_JOB, CANCELLED_JOB = "mentoring.booked", "mentoring.reminder", "mentoring.cancelled"
REMINDER_AHEAD = timedelta(days=1)


def _text(value: object, limit: int) -> str:
    return value.strip()[:limit] if isinstance(value, str) else ""


# --- the roster ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class MentorInput:
    name: str
    email: str
    headline: str = ""
    contact: str = ""
    subsectors: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()


def invite_mentor(actor: User, data: MentorInput) -> Mentor:
    """Put a mentor on the roster and email them an invitation to accept with an account of that address.
    A verified user of that address accepts on /pendamping; anyone else registers first. Flushes.

    :raise MentoringValidationError: no name, an address that is not one, no topic, an unknown subsector.
    :raise MentorExistsError: (409) that address is on the roster already.
    """
    fields: dict[str, str] = {}
    name, email = _text(data.name, 120), _text(data.email, 254).lower()
    if not name:
        fields["name"] = _("This field is required.")
    if not is_valid_email(email):
        fields["email"] = _("Enter a valid email address.")
    topics = [t for t in data.topics if t in set(Topic)]
    if not topics or len(topics) != len(data.topics):
        fields["topics"] = _("Choose at least one topic from the list.")
    known = {s.code: s for s in db.session.scalars(select(Subsector).where(Subsector.code.in_(data.subsectors)))}
    if len(known) != len(set(data.subsectors)):
        fields["subsectors"] = _("Choose subsectors from the list.")
    if fields:
        raise MentoringValidationError(_("Check the fields marked."), fields)
    if db.session.scalar(select(Mentor.id).where(Mentor.email == email)) is not None:
        raise MentorExistsError(_("That address is on the roster already."), {"email": _("That address is on "
                                                                                          "the roster already.")})
    mentor = Mentor(email=email, name=name, headline=_text(data.headline, 160), contact=_text(data.contact, 255),
                    topics=",".join(topics), invited_by_id=actor.id, subsectors=list(known.values()))
    user = db.session.scalar(select(User).where(User.email == email, User.deleted_at.is_(None)))
    db.session.add(mentor)
    db.session.flush()
    link = external_url("mentoring.home" if user is not None and user.is_verified else "accounts.register")
    send_mail(email, _("Invitation to mentor sentras on Pasar Sentra"), "\n".join([
        _("The Pasar Sentra programme office invites you to mentor the youth-run sentras of Kota Bekasi."),
        _("Sign in (or register) with this email address, verify it, and accept the invitation here:"), link]))
    return mentor


def mentor_for(user: User | None) -> Mentor | None:
    """The active mentor profile of ``user`` (holding one is the ``mentor`` role), or None."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(select(Mentor).where(Mentor.user_id == user.id, Mentor.active))


def pending_invitation(user: User) -> Mentor | None:
    """An active, not yet accepted roster entry for ``user``'s verified address."""
    if not user.is_verified:
        return None
    return db.session.scalar(select(Mentor).where(Mentor.email == user.email.lower(), Mentor.user_id.is_(None),
                                                  Mentor.active))


def accept_invitation(user: User) -> Mentor:
    """Link ``user`` to the roster entry of their verified address: they become a mentor. Flushes.

    :raise MentoringNotFoundError: no such invitation (or the address is not verified).
    """
    mentor = pending_invitation(user)
    if mentor is None:
        raise MentoringNotFoundError(_("There is no mentoring invitation for this account."))
    mentor.user_id, mentor.joined_at = user.id, utcnow()
    db.session.flush()
    return mentor


def roster() -> list[Mentor]:
    return list(db.session.scalars(select(Mentor).order_by(Mentor.active.desc(), Mentor.name, Mentor.id)))


def set_active(mentor_id: int, active: bool) -> Mentor:
    """Take a mentor off the roster (their open slots are withdrawn) or back on. Flushes.

    :raise MentoringNotFoundError: no such mentor.
    """
    mentor = db.session.get(Mentor, mentor_id)
    if mentor is None:
        raise MentoringNotFoundError(_("No such mentor."))
    mentor.active = active
    if not active:
        db.session.execute(update(MentoringSlot).where(MentoringSlot.mentor_id == mentor.id,
                                                       MentoringSlot.status == SlotStatus.OPEN)
                           .values(status=SlotStatus.WITHDRAWN).execution_options(synchronize_session=False))
    db.session.flush()
    return mentor


# --- slots ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SlotInput:
    starts_at: datetime | None
    ends_at: datetime | None
    mode: str = SlotMode.ONLINE
    link: str = ""
    place: str = ""


def publish_slot(mentor: Mentor, data: SlotInput, now: datetime | None = None) -> MentoringSlot:
    """A time the mentor is free for one sentra: online (with a meeting link) or at a place. Flushes.

    :raise MentoringValidationError: a start in the past, an end before the start or over four hours
        later, an online slot without an http(s) link, a slot at a place without the place.
    """
    now = now or utcnow()
    fields: dict[str, str] = {}
    starts, ends = data.starts_at, data.ends_at
    if starts is None or ends is None:
        fields["starts_at"] = _("Give the start and the end.")
    elif starts <= now:
        fields["starts_at"] = _("The start must be in the future.")
    elif ends <= starts:
        fields["ends_at"] = _("The end must come after the start.")
    elif ends - starts > timedelta(hours=MAX_SLOT_HOURS):
        fields["ends_at"] = _("A slot lasts at most %(hours)d hours.", hours=MAX_SLOT_HOURS)
    link, place = _text(data.link, 500), _text(data.place, 255)
    if data.mode not in set(SlotMode):
        fields["mode"] = _("Choose online or at a place.")
    elif data.mode == SlotMode.ONLINE and not link.startswith(("https://", "http://")):
        fields["link"] = _("Give the meeting link (https://...).")
    elif data.mode == SlotMode.PLACE and not place:
        fields["place"] = _("Give the place.")
    if fields:
        raise MentoringValidationError(_("Check the fields marked."), fields)
    slot = MentoringSlot(mentor_id=mentor.id, starts_at=starts, ends_at=ends, mode=data.mode,
                         link=link if data.mode == SlotMode.ONLINE else "",
                         place=place if data.mode == SlotMode.PLACE else "")
    db.session.add(slot)
    db.session.flush()
    return slot


def withdraw_slot(mentor: Mentor, slot_id: int) -> None:
    """The mentor takes back an open slot of theirs. Flushes.

    :raise MentoringNotFoundError: not theirs, or not open any more (booked slots stay).
    """
    done = db.session.execute(update(MentoringSlot).where(
        MentoringSlot.id == slot_id, MentoringSlot.mentor_id == mentor.id, MentoringSlot.status == SlotStatus.OPEN)
        .values(status=SlotStatus.WITHDRAWN).execution_options(synchronize_session=False)).rowcount
    if not done:
        raise MentoringNotFoundError(_("No such open slot."))


def mentor_slots(mentor: Mentor, now: datetime | None = None) -> list[MentoringSlot]:
    """The mentor's open slots still to come, soonest first."""
    return list(db.session.scalars(select(MentoringSlot).where(
        MentoringSlot.mentor_id == mentor.id, MentoringSlot.status == SlotStatus.OPEN,
        MentoringSlot.starts_at > (now or utcnow())).order_by(MentoringSlot.starts_at)))


@dataclass(frozen=True)
class SlotFilters:
    topic: str | None = None
    subsector: str | None = None
    day_from: date | None = None


def parse_slot_filters(args) -> tuple[SlotFilters, dict[str, str]]:
    """Filters from a query string (``topic``, ``subsector``, ``from``); the problems found, by parameter."""
    problems: dict[str, str] = {}
    topic = (args.get("topic") or "").strip() or None
    if topic is not None and topic not in set(Topic):
        problems["topic"] = _("Choose a topic from the list.")
        topic = None
    raw = (args.get("from") or "").strip()
    day_from = None
    if raw:
        try:
            day_from = date.fromisoformat(raw)
        except ValueError:
            problems["from"] = _("Use the form YYYY-MM-DD.")
    return SlotFilters(topic, (args.get("subsector") or "").strip() or None, day_from), problems


def open_slots(filters: SlotFilters, page: int = 1, per_page: int = 20,
               now: datetime | None = None) -> tuple[list[MentoringSlot], int]:
    """Open slots of active mentors still to come, soonest first, and how many there are in all."""
    query = (select(MentoringSlot).join(Mentor, Mentor.id == MentoringSlot.mentor_id)
             .where(MentoringSlot.status == SlotStatus.OPEN, MentoringSlot.starts_at > (now or utcnow()),
                    Mentor.active, Mentor.user_id.is_not(None)))
    if filters.topic:
        query = query.where(("," + Mentor.topics + ",").contains(f",{filters.topic},", autoescape=True))
    if filters.subsector:
        query = query.where(Mentor.id.in_(select(mentor_subsector.c.mentor_id)
                                          .where(mentor_subsector.c.subsector_code == filters.subsector)))
    if filters.day_from:
        query = query.where(MentoringSlot.starts_at >= datetime.combine(filters.day_from, datetime.min.time(),
                                                                        tzinfo=WIB))
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    items = db.session.scalars(query.order_by(MentoringSlot.starts_at, MentoringSlot.id)
                               .offset((page - 1) * per_page).limit(per_page))
    return list(items), int(total or 0)


def load_open_slot(slot_id: int, now: datetime | None = None) -> MentoringSlot:
    """:raise MentoringNotFoundError: no such open slot of an active mentor still to come."""
    slot = db.session.scalar(select(MentoringSlot).join(Mentor, Mentor.id == MentoringSlot.mentor_id).where(
        MentoringSlot.id == slot_id, MentoringSlot.status == SlotStatus.OPEN, Mentor.active,
        MentoringSlot.starts_at > (now or utcnow())))
    if slot is None:
        raise MentoringNotFoundError(_("No such slot."))
    return slot


# --- booking -------------------------------------------------------------------------------------


def book_slot(sentra: Sentra, user: User, slot_id: object, topic: object, question: object,
              now: datetime | None = None) -> MentoringSession:
    """A sentra's manager books a mentor's slot with a topic and a question; the mentor is told. Flushes.

    :raise MentoringNotFoundError: (404) no such slot, or its mentor left the roster.
    :raise MentoringValidationError: (422) a topic not in the list, no question, a slot in the past.
    :raise SlotTakenError: (409) another sentra booked it first, or the mentor withdrew it.
    """
    now = now or utcnow()
    slot = db.session.get(MentoringSlot, slot_id) if isinstance(slot_id, int) and not isinstance(slot_id, bool) \
        else None
    if slot is None or not slot.mentor.active:
        raise MentoringNotFoundError(_("No such slot."), {"slot_id": _("No such slot.")})
    fields: dict[str, str] = {}
    if topic not in set(Topic):
        fields["topic"] = _("Choose a topic from the list.")
    question_text = _text(question, 2000)
    if not question_text:
        fields["question"] = _("Write what you want to ask.")
    if slot.starts_at <= now:
        fields["slot_id"] = _("This slot has passed; choose one still to come.")
    if fields:
        raise MentoringValidationError(_("Check the fields marked."), fields)
    taken = db.session.execute(update(MentoringSlot).where(
        MentoringSlot.id == slot.id, MentoringSlot.status == SlotStatus.OPEN, MentoringSlot.starts_at > now)
        .values(status=SlotStatus.BOOKED).execution_options(synchronize_session=False)).rowcount
    if not taken:
        raise SlotTakenError(_("Another sentra has just booked this slot."), {"slot_id": "slot_taken"})
    db.session.expire(slot, ["status"])
    session = MentoringSession(slot_id=slot.id, mentor_id=slot.mentor_id, sentra_id=sentra.id, booked_by_id=user.id,
                               topic=str(topic), question=question_text)
    db.session.add(session)
    db.session.flush()
    enqueue(BOOKED_JOB, {"session_id": session.id})
    return session


# --- cancelling -----------------------------------------------------------------------------------


def can_cancel(session: MentoringSession, now: datetime | None = None) -> bool:
    """A session may be cancelled until its slot starts."""
    return session.starts_at > (now or utcnow())


def cancel_session(session: MentoringSession, by: str, actor: User, now: datetime | None = None) -> None:
    """Cancel a booked session before it starts: the session goes, its slot is open again for any sentra
    (withdrawn instead when the mentor has left the roster), and the other side is told: the mentor
    when the sentra cancels (``by="sentra"``), the manager who booked when the mentor does
    (``by="mentor"``). The caller loaded ``session`` through its own scope (:func:`load_sentra_session` or
    :func:`load_mentor_session`), so another sentra's or mentor's session never gets here. Flushes.

    :raise CancelClosedError: (409) the session has started.
    :raise MentoringNotFoundError: (404) it was cancelled a moment ago (by the other side, or twice).
    """
    now = now or utcnow()
    if not can_cancel(session, now):
        raise CancelClosedError(_("This session has started; it can no longer be cancelled."))
    slot = session.slot
    message = {"by": by, "actor_id": actor.id, "mentor_id": session.mentor_id, "sentra_id": session.sentra_id,
               "booked_by_id": session.booked_by_id, "starts_at": slot.starts_at.isoformat(),
               "topic": session.topic}
    db.session.execute(delete(MentoringAction).where(MentoringAction.session_id == session.id)
                       .execution_options(synchronize_session=False))
    gone = db.session.execute(delete(MentoringSession).where(MentoringSession.id == session.id)
                              .execution_options(synchronize_session=False)).rowcount
    if not gone:
        raise MentoringNotFoundError(_("No such session."))
    db.session.expunge(session)
    db.session.execute(update(MentoringSlot).where(MentoringSlot.id == slot.id, MentoringSlot.status ==
                                                   SlotStatus.BOOKED)
                       .values(status=SlotStatus.OPEN if slot.mentor.active else SlotStatus.WITHDRAWN)
                       .execution_options(synchronize_session=False))
    db.session.expire(slot, ["status"])
    db.session.flush()
    enqueue(CANCELLED_JOB, message)


# --- sessions, notes, action items ---------------------------------------------------------------


def sentra_sessions(sentra_id: int) -> list[MentoringSession]:
    """The sentra's sessions, latest first."""
    return list(db.session.scalars(select(MentoringSession).join(MentoringSlot)
                                   .where(MentoringSession.sentra_id == sentra_id)
                                   .order_by(MentoringSlot.starts_at.desc(), MentoringSession.id.desc())))


def mentor_sessions(mentor: Mentor) -> list[MentoringSession]:
    return list(db.session.scalars(select(MentoringSession).join(MentoringSlot)
                                   .where(MentoringSession.mentor_id == mentor.id)
                                   .order_by(MentoringSlot.starts_at.desc(), MentoringSession.id.desc())))


def load_sentra_session(sentra_id: int, session_id: int) -> MentoringSession:
    """:raise MentoringNotFoundError: not this sentra's session."""
    return scoped_row(MentoringSession, session_id, MentoringNotFoundError(_("No such session.")), sentra_id=sentra_id)


def load_mentor_session(mentor: Mentor, session_id: int) -> MentoringSession:
    """:raise MentoringNotFoundError: not this mentor's session."""
    return scoped_row(MentoringSession, session_id, MentoringNotFoundError(_("No such session.")),
                      mentor_id=mentor.id)


@dataclass(frozen=True)
class NotesInput:
    notes: str
    actions: tuple[str, ...] = field(default_factory=tuple)


def write_notes(mentor: Mentor, session_id: int, data: NotesInput, now: datetime | None = None) -> MentoringSession:
    """After the session has started, the mentor writes notes and action items (one per line).

    Rewriting keeps the ticks of items whose text stays; items left out are removed. Flushes.

    :raise MentoringNotFoundError: not this mentor's session.
    :raise MentoringValidationError: before the session starts; no notes; more than 20 items.
    """
    now = now or utcnow()
    session = load_mentor_session(mentor, session_id)
    fields: dict[str, str] = {}
    notes = _text(data.notes, 10_000)
    lines = [line.strip()[:255] for line in data.actions if line.strip()]
    if session.starts_at > now:
        fields["notes"] = _("Notes are written after the session has started.")
    elif not notes:
        fields["notes"] = _("Write what you discussed.")
    if len(lines) > MAX_ACTIONS:
        fields["actions"] = _("At most %(n)d action items.", n=MAX_ACTIONS)
    if fields:
        raise MentoringValidationError(_("Check the fields marked."), fields)
    kept = {action.text: action for action in session.actions}
    session.actions = [kept.pop(text, None) or MentoringAction(sentra_id=session.sentra_id, text=text)
                       for text in dict.fromkeys(lines)]
    for position, action in enumerate(session.actions):
        action.position = position
    session.notes, session.notes_at = notes, now
    db.session.flush()
    return session


def tick_action(sentra: Sentra, user: User, session_id: int, action_id: int, done: bool) -> MentoringAction:
    """The sentra ticks an action item off (or back on). Flushes.

    :raise MentoringNotFoundError: not an item of this sentra's session.
    """
    action = scoped_row(MentoringAction, action_id, MentoringNotFoundError(_("No such action item.")),
                        sentra_id=sentra.id, session_id=session_id)
    action.done_at, action.done_by_id = (utcnow(), user.id) if done else (None, None)
    db.session.flush()
    return action


def send_reminders(now: datetime | None = None) -> int:
    """Enqueue the reminder of each session that starts within a day; returns how many. Marks the
    session first, in the same transaction, so a reminder goes once. Flushes."""
    now = now or utcnow()
    due = db.session.scalars(select(MentoringSession).join(MentoringSlot).where(
        MentoringSession.reminded_at.is_(None), MentoringSlot.starts_at > now,
        MentoringSlot.starts_at <= now + REMINDER_AHEAD).order_by(MentoringSession.id).limit(200)).all()
    for session in due:
        session.reminded_at = now
        enqueue(REMINDER_JOB, {"session_id": session.id})
    db.session.flush()
    return len(due)


def topic_choices(topics: Iterable[str] | None = None) -> list[tuple[str, str]]:
    return [(str(t), str(TOPIC_LABELS[Topic(t)])) for t in (topics or list(Topic))]
