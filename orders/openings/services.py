"""Posting and closing a sentra's openings, and finding them.

Services take explicit arguments, flush but never commit, and raise
:class:`~orders.openings.errors.OpeningError` subclasses whose ``fields`` carry messages for
the form (or the API's field errors). Applications live in :mod:`orders.openings.applications`.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Select, bindparam, func, select

from catalog.storefront.freshness import sentra_scope
from orders.openings.errors import OpeningClosedError, OpeningNotFoundError, OpeningValidationError
from orders.openings.models import (
    ApplicationStatus,
    Hours,
    JobApplication,
    Opening,
    OpeningRole,
    OpeningStatus,
    Pay,
)
from orders.rows import scoped_row
from shop.accounts.models import User
from shop.database import prebuilt_rows
from shop.db import WIB, utcnow
from shop.extensions import db
from shop.pagecache.versions import note_scopes
from shop.places.models import Kelurahan
from shop.sentras.models import Sentra, SentraStatus, sentra_subsector

MAX_TITLE = 120
MAX_TEXT = 5000
MAX_POSITIONS = 100
MAX_SKILLS = 15
MAX_SKILL = 40
MAX_DAYS_AHEAD = 366


def today_wib() -> date:
    return utcnow().astimezone(WIB).date()


@dataclass(frozen=True)
class OpeningInput:
    """An opening as the manager describes it."""

    title: str | None = None
    role: str | None = None
    description: str | None = None
    skills: Any = None  # a list of short texts, or one text with commas
    positions: Any = None
    hours: str | None = None
    pay: str | None = None
    closes_on: date | None = None


def clean_skills(raw: Any, fields: dict[str, str], name: str = "skills") -> list[str]:
    """Skill chips from a list or a comma-separated text: trimmed, without repeats (case-insensitive)."""
    if raw is None:
        return []
    items = raw.split(",") if isinstance(raw, str) else raw
    if not isinstance(items, list | tuple) or not all(isinstance(item, str) for item in items):
        fields[name] = _("Give the skills as short words.")
        return []
    out: list[str] = []
    seen: set[str] = set()
    for item in items:
        skill = " ".join(item.split())
        if not skill or skill.lower() in seen:
            continue
        if len(skill) > MAX_SKILL:
            fields[name] = _("A skill has at most %(n)d characters.", n=MAX_SKILL)
            return []
        seen.add(skill.lower())
        out.append(skill)
    if len(out) > MAX_SKILLS:
        fields[name] = _("At most %(n)d skills.", n=MAX_SKILLS)
        return []
    return out


def text_field(value: Any, name: str, fields: dict[str, str], limit: int, required: bool = False) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if required and not text:
        fields[name] = _("This field is required.")
    elif len(text) > limit:
        fields[name] = _("At most %(n)d characters.", n=limit)
    return text


def post_opening(sentra: Sentra, actor: User, data: OpeningInput) -> Opening:
    """Post an opening of ``sentra``; it shows on /lowongan and the storefront at once. Flushes.

    :raise OpeningValidationError: a missing title or role, an unknown role, hours or pay, positions
        outside 1-100, a closing day in the past or more than a year ahead.
    """
    fields: dict[str, str] = {}
    title = text_field(data.title, "title", fields, MAX_TITLE, required=True)
    description = text_field(data.description, "description", fields, MAX_TEXT)
    if data.role not in set(OpeningRole):
        fields["role"] = _("Choose the role from the list.")
    hours = data.hours or Hours.PART_TIME
    if hours not in set(Hours):
        fields["hours"] = _("Choose the working hours from the list.")
    pay = data.pay or Pay.SALES_SHARE
    if pay not in set(Pay):
        fields["pay"] = _("Choose how members are paid from the list.")
    positions = data.positions
    if isinstance(positions, bool) or not isinstance(positions, int) or not 1 <= positions <= MAX_POSITIONS:
        fields["positions"] = _("Enter a number from %(low)s to %(high)s.", low=1, high=MAX_POSITIONS)
    skills = clean_skills(data.skills, fields)
    today = today_wib()
    if data.closes_on is None:
        fields["closes_on"] = _("Give the last day to apply.")
    elif data.closes_on < today:
        fields["closes_on"] = _("The closing date cannot be in the past.")
    elif (data.closes_on - today).days > MAX_DAYS_AHEAD:
        fields["closes_on"] = _("The closing date is at most a year ahead.")
    if fields:
        raise OpeningValidationError(_("Check the fields marked."), fields)
    opening = Opening(sentra_id=sentra.id, title=title, role=data.role, description=description, skills=skills,
                      positions=positions, hours=hours, pay=pay, closes_on=data.closes_on,
                      status=OpeningStatus.OPEN, created_by_id=actor.id)
    db.session.add(opening)
    db.session.flush()
    note_scopes(db.session, sentra_scope(sentra.id))  # the storefront lists its openings
    return opening


def close_opening(sentra: Sentra, opening_id: int) -> Opening:
    """Stop taking applications; those already made stay to be answered. Flushes.

    :raise OpeningNotFoundError: not an opening of ``sentra``.
    :raise OpeningClosedError: closed already.
    """
    opening = load_sentra_opening(sentra.id, opening_id)
    if opening.status == OpeningStatus.CLOSED:
        raise OpeningClosedError(_("This opening is closed already."))
    opening.status = OpeningStatus.CLOSED
    opening.closed_at = utcnow()
    db.session.flush()
    note_scopes(db.session, sentra_scope(sentra.id))
    return opening


def accepted_counts(opening_ids: list[int]) -> dict[int, int]:
    """How many applicants each opening has accepted (openings with none are left out)."""
    if not opening_ids:
        return {}
    rows = db.session.execute(
        select(JobApplication.opening_id, func.count()).where(JobApplication.opening_id.in_(opening_ids),
                                                              JobApplication.status == ApplicationStatus.ACCEPTED)
        .group_by(JobApplication.opening_id))
    return {opening_id: int(count) for opening_id, count in rows}


def close_when_filled(sentra: Sentra, opening_id: int, now: datetime | None = None) -> bool:
    """Close the opening when its accepted applicants fill its ``positions``; True when this call closed it.

    The opening's row is locked first, so two managers accepting its last places at once count one after
    the other (on PostgreSQL the second waits, then counts both). Applications already made stay to be
    answered, as when the sentra closes it by hand. Flushes.
    """
    opening = load_sentra_opening_locked(sentra.id, opening_id)
    if opening.status != OpeningStatus.OPEN:
        return False
    if accepted_counts([opening.id]).get(opening.id, 0) < opening.positions:
        return False
    opening.status, opening.closed_at = OpeningStatus.CLOSED, now or utcnow()
    db.session.flush()
    note_scopes(db.session, sentra_scope(sentra.id))  # the storefront lists only open openings
    return True


def load_sentra_opening_locked(sentra_id: int, opening_id: int) -> Opening:
    """The opening, locked until the transaction ends. :raise OpeningNotFoundError: another sentra's or none."""
    return scoped_row(Opening, opening_id, OpeningNotFoundError(_("No such opening.")), lock=True,
                      sentra_id=sentra_id)


def load_sentra_opening(sentra_id: int, opening_id: int) -> Opening:
    """An opening loaded by (sentra, id). :raise OpeningNotFoundError: another sentra's or none."""
    return scoped_row(Opening, opening_id, OpeningNotFoundError(_("No such opening.")), sentra_id=sentra_id)


def load_public_opening(opening_id: int) -> Opening:
    """An opening of an active sentra, open or not. :raise OpeningNotFoundError:"""
    opening = db.session.scalar(select(Opening).join(Sentra, Sentra.id == Opening.sentra_id)
                                .where(Opening.id == opening_id, Sentra.status == SentraStatus.ACTIVE))
    if opening is None:
        raise OpeningNotFoundError(_("No such opening."))
    return opening


def sentra_openings(sentra_id: int) -> list[Opening]:
    """A sentra's openings for its managers, newest first."""
    return list(db.session.scalars(select(Opening).where(Opening.sentra_id == sentra_id)
                                   .order_by(Opening.created_at.desc(), Opening.id.desc())))


@dataclass(frozen=True)
class OpeningFilters:
    kecamatan: str | None = None
    kelurahan: str | None = None
    subsector: str | None = None
    role: str | None = None
    sentra_id: int | None = None


def parse_filters(args: Mapping[str, str]) -> tuple[OpeningFilters, dict[str, str]]:
    """Filters from a query string (``kecamatan``, ``kelurahan``, ``subsector``, ``role``); the problems
    found, by parameter."""
    problems: dict[str, str] = {}

    def arg(name: str) -> str | None:
        return (args.get(name) or "").strip() or None

    role = arg("role")
    if role is not None and role not in set(OpeningRole):
        problems["role"] = _("Choose the role from the list.")
        role = None
    return OpeningFilters(kecamatan=arg("kecamatan"), kelurahan=arg("kelurahan"), subsector=arg("subsector"),
                          role=role), problems


def _open_openings(filters: OpeningFilters) -> Select:
    query = (select(Opening).join(Sentra, Sentra.id == Opening.sentra_id)
             .where(Sentra.status == SentraStatus.ACTIVE, Opening.status == OpeningStatus.OPEN,
                    Opening.closes_on >= today_wib()))
    if filters.kecamatan:
        query = query.join(Kelurahan, Kelurahan.code == Sentra.kelurahan_code).where(
            Kelurahan.kecamatan_code == filters.kecamatan)
    if filters.kelurahan:
        query = query.where(Sentra.kelurahan_code == filters.kelurahan)
    if filters.subsector:
        query = query.where(select(sentra_subsector.c.sentra_id).where(
            sentra_subsector.c.sentra_id == Sentra.id,
            sentra_subsector.c.subsector_code == filters.subsector).exists())
    if filters.role:
        query = query.where(Opening.role == filters.role)
    if filters.sentra_id is not None:
        query = query.where(Opening.sentra_id == filters.sentra_id)
    return query


def find_openings(filters: OpeningFilters, page: int, per_page: int) -> tuple[list[Opening], int]:
    """Open openings of active sentras matching ``filters``, closing soonest first, and their count."""
    query = _open_openings(filters)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    items = list(db.session.scalars(query.order_by(Opening.closes_on, Opening.id)
                                    .offset((page - 1) * per_page).limit(per_page)))
    return items, total


# Built once, read as rows (shop.database.prebuilt_rows): building this select and loading Opening
# objects through the ORM was a fifth of an uncached storefront (issue 16).
_STOREFRONT_OPENINGS = (
    select(Opening.id, Opening.title, Opening.positions, Opening.closes_on)
    .join(Sentra, Sentra.id == Opening.sentra_id)
    .where(Sentra.status == SentraStatus.ACTIVE, Opening.status == OpeningStatus.OPEN,
           Opening.closes_on >= bindparam("today"), Opening.sentra_id == bindparam("sentra_id"))
    .order_by(Opening.closes_on, Opening.id).limit(6)
)


def openings_for_storefront(sentra: Any) -> list[Any]:
    """A sentra's open openings for its storefront (at most six), closing soonest first: rows with ``id``,
    ``title``, ``positions`` and ``closes_on`` (the openings :func:`find_openings` gives for the sentra)."""
    return prebuilt_rows(_STOREFRONT_OPENINGS, today=today_wib(), sentra_id=sentra.id)
