"""Publishing, editing and cancelling a sentra's classes, and finding them.

Services take explicit arguments, flush but never commit, and raise
:class:`~orders.classes.errors.ClassError` subclasses whose ``fields`` carry messages for
the form (or the API's field errors).
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Select, and_, bindparam, func, select
from sqlalchemy.orm import selectinload

from catalog.storefront.freshness import SEARCH, sentra_scope
from orders.classes import seats
from orders.classes.errors import ClassClosedError, ClassNotFoundError, ClassValidationError
from orders.classes.models import Audience, ClassSession, ClassStatus, TrainingClass
from shop.accounts.models import User
from shop.database import prebuilt_rows
from shop.db import WIB, utcnow
from shop.extensions import db
from shop.outbox.services import enqueue
from shop.pagecache.versions import note_scopes
from shop.places.models import Kelurahan, Subsector
from shop.sentras.models import Sentra, SentraMembership, SentraStatus

MAX_SESSIONS = 20
MAX_CAPACITY = 1000
MAX_PRICE_IDR = 100_000_000
MAX_SESSION_HOURS = 24
MAX_TITLE = 120
MAX_TEXT = 5000
DEFAULT_MAX_SEATS = 4
DEFAULT_CANCEL_HOURS = 24


@dataclass(frozen=True)
class SessionInput:
    starts_at: datetime | None
    ends_at: datetime | None


@dataclass(frozen=True)
class ClassInput:
    """A class as the manager describes it; ``None`` for a field the caller does not change (edit)."""

    title: str | None = None
    description: str | None = None
    subsector_code: str | None = None
    sessions: Sequence[SessionInput] | None = None
    capacity: Any = None
    price_idr: Any = None
    audience: str | None = None
    location: str | None = None
    bring: str | None = None
    trainer: str | None = None  # a member's email or a guest's name
    cancel_hours: Any = None
    max_seats_per_booking: Any = None
    extra: dict[str, Any] = field(default_factory=dict)


def session_at(day: date, at: time) -> datetime:
    """A WIB day and clock time as an aware datetime."""
    return datetime.combine(day, at, tzinfo=WIB)


def _whole(value: Any, name: str, fields: dict[str, str], low: int, high: int) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int):
        fields[name] = _("Enter a whole number.")
        return None
    if not low <= value <= high:
        shown_low, shown_high = format(low, ",").replace(",", "."), format(high, ",").replace(",", ".")
        fields[name] = _("Enter a number from %(low)s to %(high)s.", low=shown_low, high=shown_high)
        return None
    return value


def _text(value: str | None, name: str, fields: dict[str, str], limit: int, required: bool = False) -> str:
    text = (value or "").strip()
    if required and not text:
        fields[name] = _("This field is required.")
    elif len(text) > limit:
        fields[name] = _("At most %(n)d characters.", n=limit)
    return text


def _check_sessions(sessions: Sequence[SessionInput], now: datetime, fields: dict[str, str]) -> list[SessionInput]:
    given = [s for s in sessions if s.starts_at is not None or s.ends_at is not None]
    if not given:
        fields["sessions"] = _("Add at least one session.")
        return []
    if len(given) > MAX_SESSIONS:
        fields["sessions"] = _("A class has at most %(n)d sessions.", n=MAX_SESSIONS)
        return []
    for index, session in enumerate(given):
        key = f"sessions.{index}"
        if session.starts_at is None or session.ends_at is None:
            fields[key] = _("Give the start and the end of the session.")
        elif session.ends_at <= session.starts_at:
            fields[key] = _("A session must end after it starts.")
        elif session.ends_at - session.starts_at > timedelta(hours=MAX_SESSION_HOURS):
            fields[key] = _("A session lasts at most %(n)d hours.", n=MAX_SESSION_HOURS)
        elif session.starts_at <= now:
            fields[key] = _("A session cannot start in the past.")
    if any(key.startswith("sessions.") for key in fields):
        return []
    ordered = sorted(given, key=lambda s: s.starts_at)
    for earlier, later in zip(ordered, ordered[1:], strict=False):
        if later.starts_at < earlier.ends_at:
            fields["sessions"] = _("Sessions must not overlap.")
            return []
    return ordered


def _trainer(sentra: Sentra, raw: str, fields: dict[str, str]) -> tuple[int | None, str]:
    """A member of the sentra (by email) or a guest's name."""
    raw = raw.strip()
    if not raw:
        return None, ""
    if len(raw) > MAX_TITLE:
        fields["trainer"] = _("At most %(n)d characters.", n=MAX_TITLE)
        return None, ""
    if "@" in raw:
        member = db.session.scalar(
            select(User).join(SentraMembership, SentraMembership.user_id == User.id)
            .where(SentraMembership.sentra_id == sentra.id, func.lower(User.email) == raw.lower()))
        if member is None:
            fields["trainer"] = _("No member of this sentra has that email; give a guest trainer's name instead.")
            return None, ""
        return member.id, ""
    return None, raw


def _apply(klass: TrainingClass, sentra: Sentra, data: ClassInput, now: datetime, creating: bool) -> None:
    fields: dict[str, str] = {}
    values: dict[str, Any] = {}

    def wanted(name: str) -> bool:
        return creating or getattr(data, name) is not None

    if wanted("title"):
        values["title"] = _text(data.title, "title", fields, MAX_TITLE, required=True)
    if wanted("description"):
        values["description"] = _text(data.description, "description", fields, MAX_TEXT)
    if wanted("subsector_code"):
        code = (data.subsector_code or "").strip()
        if not code:
            fields["subsector_code"] = _("This field is required.")
        elif db.session.get(Subsector, code) is None:
            fields["subsector_code"] = _("Choose a subsector from the list.")
        values["subsector_code"] = code
    if wanted("capacity"):
        values["capacity"] = _whole(data.capacity, "capacity", fields, 1, MAX_CAPACITY)
        if values["capacity"] is not None and values["capacity"] < (klass.seats_taken or 0):
            fields["capacity"] = _("%(n)d seats are booked already; the capacity cannot be lower.",
                                   n=klass.seats_taken)
    if wanted("price_idr"):
        values["price_idr"] = _whole(data.price_idr if data.price_idr is not None else 0, "price_idr", fields, 0,
                                     MAX_PRICE_IDR)
    if wanted("audience"):
        audience = data.audience or Audience.PUBLIC
        if audience not in set(Audience):
            fields["audience"] = _("Choose who the class is for.")
        values["audience"] = audience
    if wanted("location"):
        values["location"] = _text(data.location, "location", fields, 255) or sentra.address
    if wanted("bring"):
        values["bring"] = _text(data.bring, "bring", fields, MAX_TEXT)
    if wanted("trainer"):
        values["trainer_user_id"], values["trainer_name"] = _trainer(sentra, data.trainer or "", fields)
    if wanted("cancel_hours"):
        hours = data.cancel_hours if data.cancel_hours is not None else DEFAULT_CANCEL_HOURS
        values["cancel_hours"] = _whole(hours, "cancel_hours", fields, 0, 24 * 30)
    if wanted("max_seats_per_booking"):
        most = data.max_seats_per_booking if data.max_seats_per_booking is not None else DEFAULT_MAX_SEATS
        values["max_seats_per_booking"] = _whole(most, "max_seats_per_booking", fields, 1, MAX_CAPACITY)
    sessions = None
    if data.sessions is not None or creating:
        sessions = _check_sessions(data.sessions or [], now, fields)
    price = values.get("price_idr", klass.price_idr)
    audience = values.get("audience", klass.audience)
    if audience == Audience.YOUTH and price:
        fields["price_idr"] = _("Youth skill training is free: set the price to 0.")
    if fields:
        raise ClassValidationError(_("Check the fields marked."), fields)
    for name, value in values.items():
        setattr(klass, name, value)
    if sessions is not None:
        klass.sessions = [ClassSession(starts_at=s.starts_at, ends_at=s.ends_at) for s in sessions]
        klass.starts_at, klass.ends_at = sessions[0].starts_at, sessions[-1].ends_at


def publish_class(sentra: Sentra, actor: User, data: ClassInput) -> TrainingClass:
    """Publish a class of ``sentra`` (the place defaults to the sentra's address). Flushes.

    :raise ClassValidationError: a field is missing or out of range, sessions end before they
        start, overlap or lie in the past, a youth class has a price.
    """
    klass = TrainingClass(sentra_id=sentra.id, created_by_id=actor.id, status=ClassStatus.PUBLISHED, seats_taken=0)
    _apply(klass, sentra, data, utcnow(), creating=True)
    db.session.add(klass)
    db.session.flush()
    note_scopes(db.session, sentra_scope(sentra.id), SEARCH)
    return klass


def edit_class(sentra: Sentra, class_id: int, data: ClassInput) -> TrainingClass:
    """Change a class; fields left ``None`` stay. Locks the class row; flushes.

    :raise ClassNotFoundError: not a class of ``sentra``.
    :raise ClassClosedError: cancelled.
    :raise ClassValidationError: as :func:`publish_class`, or a capacity below the seats booked.
    """
    klass = load_sentra_class(sentra.id, class_id, lock=True)
    if klass.status != ClassStatus.PUBLISHED:
        raise ClassClosedError(_("This class is cancelled."))
    capacity = klass.capacity
    _apply(klass, sentra, data, utcnow(), creating=False)
    db.session.flush()
    if klass.capacity > capacity:  # new seats: the waiting list is offered them
        enqueue(seats.FREED_JOB, {"class_id": klass.id})
    note_scopes(db.session, sentra_scope(sentra.id), SEARCH)
    return klass


def load_sentra_class(sentra_id: int, class_id: int, *, lock: bool = False) -> TrainingClass:
    """A class loaded by (sentra, id). :raise ClassNotFoundError: another sentra's or none."""
    query = select(TrainingClass).where(TrainingClass.sentra_id == sentra_id, TrainingClass.id == class_id)
    if lock:
        query = query.with_for_update(of=TrainingClass).execution_options(populate_existing=True)
    klass = db.session.scalar(query)
    if klass is None:
        raise ClassNotFoundError(_("No such class."))
    return klass


def load_public_class(class_id: int) -> TrainingClass:
    """A class of an active sentra, as anyone may see it. :raise ClassNotFoundError:"""
    klass = db.session.scalar(
        select(TrainingClass).join(Sentra, Sentra.id == TrainingClass.sentra_id)
        .where(TrainingClass.id == class_id, Sentra.status == SentraStatus.ACTIVE)
        .options(selectinload(TrainingClass.sessions)))
    if klass is None:
        raise ClassNotFoundError(_("No such class."))
    return klass


def sentra_classes(sentra_id: int) -> list[TrainingClass]:
    """A sentra's classes for its managers: upcoming first by start, then the past ones."""
    now = utcnow()
    return list(db.session.scalars(
        select(TrainingClass).where(TrainingClass.sentra_id == sentra_id)
        .options(selectinload(TrainingClass.sessions))
        .order_by((TrainingClass.ends_at < now), TrainingClass.starts_at)))


@dataclass(frozen=True)
class ClassFilters:
    kecamatan: str | None = None
    subsector: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    free: bool | None = None
    audience: str | None = None
    sentra_id: int | None = None


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=WIB)


def _filtered(filters: ClassFilters, now: datetime) -> Select:
    query = (select(TrainingClass).join(Sentra, Sentra.id == TrainingClass.sentra_id)
             .where(Sentra.status == SentraStatus.ACTIVE, TrainingClass.status == ClassStatus.PUBLISHED,
                    TrainingClass.ends_at > now))
    if filters.kecamatan:
        query = query.join(Kelurahan, Kelurahan.code == Sentra.kelurahan_code).where(
            Kelurahan.kecamatan_code == filters.kecamatan)
    if filters.subsector:
        query = query.where(TrainingClass.subsector_code == filters.subsector)
    if filters.free is not None:
        query = query.where(TrainingClass.price_idr == 0 if filters.free else TrainingClass.price_idr > 0)
    if filters.audience:
        query = query.where(TrainingClass.audience == filters.audience)
    if filters.sentra_id is not None:
        query = query.where(TrainingClass.sentra_id == filters.sentra_id)
    if filters.date_from or filters.date_to:
        # A class is in the range when one of its sessions starts on a day of it (days in WIB, both inclusive).
        conditions = [ClassSession.class_id == TrainingClass.id]
        if filters.date_from:
            conditions.append(ClassSession.starts_at >= _day_start(filters.date_from))
        if filters.date_to:
            conditions.append(ClassSession.starts_at < _day_start(filters.date_to + timedelta(days=1)))
        query = query.where(select(ClassSession.id).where(and_(*conditions)).exists())
    return query


def find_classes(filters: ClassFilters, page: int, per_page: int) -> tuple[list[TrainingClass], int]:
    """Upcoming published classes of active sentras matching ``filters``, soonest first, and their count."""
    now = utcnow()
    query = _filtered(filters, now)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    items = list(db.session.scalars(
        query.options(selectinload(TrainingClass.sessions))
        .order_by(TrainingClass.starts_at, TrainingClass.id).offset((page - 1) * per_page).limit(per_page)))
    return items, total


# The search page's and the storefront's lists of classes are on public pages that anyone opens, so
# their statements are built once (shop.database.prebuilt_rows) and give rows, not objects: building an
# ORM query (with the class's eagerly joined sentra) cost more than running it. Same conditions as _filtered.
_PUBLIC_CLASS = (Sentra.status == SentraStatus.ACTIVE, TrainingClass.status == ClassStatus.PUBLISHED,
                 TrainingClass.ends_at > bindparam("now"))
MAX_MATCH_WORDS = 5


def _matching_statement(words: int) -> Select:
    query = (select(TrainingClass.id, TrainingClass.title, TrainingClass.starts_at, TrainingClass.ends_at,
                    Sentra.name.label("sentra_name"))
             .join(Sentra, Sentra.id == TrainingClass.sentra_id).where(*_PUBLIC_CLASS))
    for n in range(words):
        query = query.where(func.lower(TrainingClass.title).like(bindparam(f"word{n}"), escape="\\"))
    return query.order_by(TrainingClass.starts_at, TrainingClass.id).limit(bindparam("limit"))


_MATCHING = {words: _matching_statement(words) for words in range(1, MAX_MATCH_WORDS + 1)}
_STOREFRONT_CLASSES = (
    select(TrainingClass.id, TrainingClass.title, TrainingClass.starts_at, TrainingClass.ends_at,
           TrainingClass.price_idr, TrainingClass.audience)
    .join(Sentra, Sentra.id == TrainingClass.sentra_id)
    .where(*_PUBLIC_CLASS, TrainingClass.sentra_id == bindparam("sentra_id"))
    .order_by(TrainingClass.starts_at, TrainingClass.id).limit(6)
)


def classes_matching(text: str, limit: int = 5) -> list[Any]:
    """Upcoming classes whose title holds every word of ``text`` (for the search page), soonest first:
    rows with ``id``, ``title``, ``starts_at``, ``ends_at`` (the last session's end) and ``sentra_name``."""
    words = [word for word in (text or "").lower().split() if len(word) >= 2][:MAX_MATCH_WORDS]
    if not words:
        return []
    patterns = {f"word{n}": "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
                for n, word in enumerate(words)}
    return prebuilt_rows(_MATCHING[len(words)], now=utcnow(), limit=limit, **patterns)


def class_objects_matching(text: str, limit: int = 5) -> list[TrainingClass]:
    """The classes of :func:`classes_matching`, in its order, as objects with their sessions (the search
    API lists them as GET /api/v1/classes does): one more statement for the objects, one for the sessions."""
    ids = [row.id for row in classes_matching(text, limit)]
    if not ids:
        return []
    found = {klass.id: klass for klass in db.session.scalars(
        select(TrainingClass).where(TrainingClass.id.in_(ids)).options(selectinload(TrainingClass.sessions)))}
    return [found[i] for i in ids if i in found]


def upcoming_for_storefront(sentra: Any) -> list[Any]:
    """The next classes of a sentra for its storefront (at most six), in one statement: rows with ``id``,
    ``title``, ``starts_at`` (the first session's start), ``ends_at`` (the last one's end), ``price_idr`` and
    ``audience``, not the sessions."""
    return prebuilt_rows(_STOREFRONT_CLASSES, sentra_id=sentra.id, now=utcnow())


def parse_filters(args: Mapping[str, str]) -> tuple[ClassFilters, dict[str, str]]:
    """Filters from a query string (``kecamatan``, ``subsector``, ``from``, ``to``, ``free``, ``audience``);
    the problems found, by parameter."""
    problems: dict[str, str] = {}

    def day(name: str) -> date | None:
        raw = (args.get(name) or "").strip()
        if not raw:
            return None
        try:
            return date.fromisoformat(raw)
        except ValueError:
            problems[name] = _("Use the form YYYY-MM-DD.")
            return None

    free_raw = (args.get("free") or "").strip().lower()
    free = {"true": True, "1": True, "false": False, "0": False, "": None}.get(free_raw, "bad")
    if free == "bad":
        problems["free"] = _("Use true or false.")
        free = None
    audience = (args.get("audience") or "").strip() or None
    if audience is not None and audience not in set(Audience):
        problems["audience"] = _("Use public or youth.")
        audience = None
    filters = ClassFilters(kecamatan=(args.get("kecamatan") or "").strip() or None,
                           subsector=(args.get("subsector") or "").strip() or None,
                           date_from=day("from"), date_to=day("to"), free=free, audience=audience)
    return filters, problems
