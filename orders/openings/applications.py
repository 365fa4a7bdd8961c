"""Applying to an opening, the sentra's decisions and the applicant's withdrawal.

One application per (opening, applicant): checked first for a clear answer and held by the unique
constraint under a race (the loser's insert fails inside a savepoint and answers ``already_applied``).
Accepting makes the applicant a member through :func:`shop.sentras.members.join_directly`, skipping
the invitation: the applicant is a signed-in, known user. The acceptance that fills the opening's last
place closes it (:func:`~orders.openings.services.close_when_filled`; new applications then get
``opening_closed``). Every decision is told to the applicant through the outbox (email and/or WhatsApp,
as they chose).
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from orders.openings.errors import (
    AlreadyAppliedError,
    ApplicationStateError,
    OpeningClosedError,
    OpeningNotFoundError,
    OpeningValidationError,
)
from orders.openings.models import DECISIONS, LIVE, ApplicationStatus, JobApplication, Opening
from orders.openings.services import (
    MAX_TEXT,
    clean_skills,
    close_when_filled,
    load_public_opening,
    text_field,
    today_wib,
)
from orders.rows import scoped_row
from shop import imaging, storage
from shop.accounts.models import User
from shop.db import utcnow
from shop.extensions import db
from shop.outbox.services import enqueue
from shop.places.models import Kelurahan
from shop.sentras.members import birth_year_problem, join_directly
from shop.sentras.models import Sentra
from shop.validation import InvalidPhoneError, normalize_phone

PORTFOLIO_PREFIX = "private/portfolios"  # never served by /media: only to the applicant, the sentra and the office
MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_PHOTO_PIXELS = 40_000_000
PHOTO_SIZE = 1600
MAX_URL = 500
MAX_NOTE = 1000
DECIDED_JOB = "opening.application_decided"
RECEIVED_JOB = "opening.application_received"

PHOTO_MESSAGES = {
    "too_large": _l("The photo is larger than 10 MB."),
    "too_many_pixels": _l("The photo has more than 40 megapixels; make it smaller and try again."),
    "bad_shape": imaging.BAD_SHAPE_MESSAGE,
    "not_an_image": _l("The photo must be a JPEG, PNG or WebP picture, and not damaged."),
}


@dataclass(frozen=True)
class ApplicationInput:
    motivation: Any = None
    skills: Any = None
    birth_year: Any = None
    kelurahan_code: Any = None
    phone: Any = None
    portfolio_url: Any = None


@dataclass(frozen=True)
class PortfolioPhoto:
    data: bytes  # WebP, re-encoded without metadata


def process_photo(data: bytes) -> PortfolioPhoto:
    """Decode an uploaded portfolio photo (JPEG, PNG or WebP, at most 10 MB and 40 megapixels), turn it
    upright, strip its metadata and re-encode it as WebP.

    :raise OpeningValidationError: on the ``portfolio_photo`` field.
    """
    if len(data) > MAX_PHOTO_BYTES:
        raise OpeningValidationError(_("Check the fields marked."), {"portfolio_photo": str(PHOTO_MESSAGES["too_large"])})
    from PIL import Image  # here, not at module level: it costs every start of the app

    try:
        image = imaging.decode_upload(data, max_pixels=MAX_PHOTO_PIXELS, keep=PHOTO_SIZE)
    except imaging.ImageRefusedError as error:
        reason = "too_many_pixels" if error.reason == "bomb" else error.reason
        message = PHOTO_MESSAGES.get(reason, PHOTO_MESSAGES["not_an_image"])
        raise OpeningValidationError(_("Check the fields marked."), {"portfolio_photo": str(message)}) from None
    image.thumbnail((PHOTO_SIZE, PHOTO_SIZE), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.save(out, format="WEBP", quality=82, method=2)
    return PortfolioPhoto(out.getvalue())


def _clean(data: ApplicationInput, fields: dict[str, str]) -> dict[str, Any]:
    values: dict[str, Any] = {
        "motivation": text_field(data.motivation, "motivation", fields, MAX_TEXT, required=True),
        "skills": clean_skills(data.skills, fields),
    }
    problem = birth_year_problem(data.birth_year, today_wib().year)
    if problem:
        fields["birth_year"] = problem
    values["birth_year"] = data.birth_year
    code = data.kelurahan_code.strip() if isinstance(data.kelurahan_code, str) else ""
    if not code:
        fields["kelurahan_code"] = _("Choose the kelurahan you live in.")
    elif db.session.get(Kelurahan, code) is None:
        fields["kelurahan_code"] = _("Choose a kelurahan of Kota Bekasi from the list.")
    values["kelurahan_code"] = code
    try:
        values["phone"] = normalize_phone(data.phone if isinstance(data.phone, str) else "")
    except InvalidPhoneError:
        fields["phone"] = _("Enter a WhatsApp number, e.g. 0812-3456-7890.")
    url = data.portfolio_url.strip() if isinstance(data.portfolio_url, str) else ""
    if url:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc or len(url) > MAX_URL:
            fields["portfolio_url"] = _("Give a link that starts with https://.")
    values["portfolio_url"] = url or None
    return values


def apply_to_opening(user: User, opening_id: int, data: ApplicationInput,
                     photo: PortfolioPhoto | None = None) -> JobApplication:
    """``user`` applies to an open opening; the sentra's managers are told. Flushes.

    A photo is stored privately; the file is deleted again if the transaction rolls back.

    :raise OpeningNotFoundError: no such opening of an active sentra.
    :raise OpeningClosedError: closed by the sentra, or its closing day has passed.
    :raise AlreadyAppliedError: ``user`` has applied to it already (also under a race).
    :raise OpeningValidationError: an empty motivation, a birth year outside 1940 to this year, an
        unknown kelurahan, a phone that is not an Indonesian number, a link that is not http(s).
    """
    opening = load_public_opening(opening_id)
    if not opening.is_open(today_wib()):
        raise OpeningClosedError(_("This opening no longer takes applications."))
    if _application_of(user.id, opening.id) is not None:
        raise AlreadyAppliedError(_("You have applied to this opening already."))
    fields: dict[str, str] = {}
    values = _clean(data, fields)
    if fields:
        raise OpeningValidationError(_("Check the fields marked."), fields)
    application = JobApplication(opening_id=opening.id, sentra_id=opening.sentra_id, applicant_id=user.id,
                                 status=ApplicationStatus.SUBMITTED, **values)
    try:
        with db.session.begin_nested():
            db.session.add(application)
            db.session.flush()
    except IntegrityError:
        raise AlreadyAppliedError(_("You have applied to this opening already.")) from None
    if photo is not None:
        key = storage.new_key(PORTFOLIO_PREFIX, "webp")
        storage.get_storage().save(key, photo.data, "image/webp")
        storage.delete_on_rollback(db.session, [key])
        application.portfolio_key = key
        db.session.flush()
    enqueue(RECEIVED_JOB, {"application_id": application.id})
    return application


def _application_of(user_id: int, opening_id: int) -> JobApplication | None:
    return db.session.scalar(select(JobApplication).where(JobApplication.applicant_id == user_id,
                                                          JobApplication.opening_id == opening_id))


def decide(sentra: Sentra, application_id: int, decision: str, note: str = "", trial_at: datetime | None = None,
           now: datetime | None = None) -> JobApplication:
    """The sentra's decision: ``shortlisted``, ``trial`` (a day and a note), ``accepted`` (a membership,
    without the invitation step) or ``rejected`` (with a message). Locks the application row; flushes;
    the applicant is told through the outbox.

    :raise OpeningNotFoundError: not an application to ``sentra``.
    :raise OpeningValidationError: an unknown decision, a trial without a time or in the past, a note
        over 1,000 characters.
    :raise ApplicationStateError: the application is decided or withdrawn already.

    Accepting the last of the opening's ``positions`` closes the opening: ``application.opening.status``
    is ``closed`` afterwards.
    """
    now = now or utcnow()
    fields: dict[str, str] = {}
    if decision not in DECISIONS:
        fields["decision"] = _("Choose shortlist, trial day, accept or reject.")
    note = text_field(note, "note", fields, MAX_NOTE)
    if decision == ApplicationStatus.TRIAL:
        if trial_at is None:
            fields["trial_at"] = _("Give the day and time of the trial.")
        elif trial_at <= now:
            fields["trial_at"] = _("The trial day cannot be in the past.")
    if fields:
        raise OpeningValidationError(_("Check the fields marked."), fields)
    application = load_sentra_application(sentra.id, application_id, lock=True)
    if application.status not in DECISIONS[decision]:
        raise ApplicationStateError(_("This application is %(status)s; that decision is not possible now.",
                                      status=status_label(application.status)))
    application.status = decision
    application.answered_at = application.answered_at or now
    if decision in (ApplicationStatus.SHORTLISTED, ApplicationStatus.TRIAL, ApplicationStatus.ACCEPTED):
        application.shortlisted_at = application.shortlisted_at or now
    if decision == ApplicationStatus.TRIAL:
        application.trial_at, application.trial_note = trial_at, note
    else:
        application.decision_note = note
    if decision in (ApplicationStatus.ACCEPTED, ApplicationStatus.REJECTED):
        application.decided_at = now
    if decision == ApplicationStatus.ACCEPTED:
        join_directly(sentra, application.applicant, application.birth_year)
    db.session.flush()
    if decision == ApplicationStatus.ACCEPTED:
        close_when_filled(sentra, application.opening_id, now)
    enqueue(DECIDED_JOB, {"application_id": application.id, "decision": decision})
    return application


def withdraw(user: User, application_id: int) -> JobApplication:
    """The applicant takes their application back (while the sentra has not accepted or rejected it).
    Flushes.

    :raise OpeningNotFoundError: not ``user``'s application.
    :raise ApplicationStateError: accepted, rejected or withdrawn already.
    """
    application = load_own_application(user, application_id, lock=True)
    if application.status not in LIVE:
        raise ApplicationStateError(_("This application is %(status)s; it cannot be withdrawn.",
                                      status=status_label(application.status)))
    application.status = ApplicationStatus.WITHDRAWN
    application.withdrawn_at = utcnow()
    db.session.flush()
    return application


def load_sentra_application(sentra_id: int, application_id: int, *, lock: bool = False) -> JobApplication:
    """An application loaded by (sentra, id). :raise OpeningNotFoundError: another sentra's or none."""
    return scoped_row(JobApplication, application_id, OpeningNotFoundError(_("No such application.")), lock=lock,
                      sentra_id=sentra_id)


def load_own_application(user: User, application_id: int, *, lock: bool = False) -> JobApplication:
    """One of ``user``'s applications. :raise OpeningNotFoundError: someone else's or none."""
    return scoped_row(JobApplication, application_id, OpeningNotFoundError(_("No such application.")), lock=lock,
                      applicant_id=user.id)


def application_of(user: User, opening: Opening) -> JobApplication | None:
    """``user``'s application to ``opening``, if any."""
    return _application_of(user.id, opening.id)


def applications_of(user: User) -> list[JobApplication]:
    """``user``'s applications, newest first."""
    return list(db.session.scalars(select(JobApplication).where(JobApplication.applicant_id == user.id)
                                   .order_by(JobApplication.created_at.desc(), JobApplication.id.desc())))


def sentra_applications(sentra_id: int, status: str | None, page: int, per_page: int,
                        opening_id: int | None = None) -> tuple[list[JobApplication], int]:
    """Applications to ``sentra``'s openings (of one status, or all), waiting longest first; and their count."""
    query = select(JobApplication).where(JobApplication.sentra_id == sentra_id)
    if status:
        query = query.where(JobApplication.status == status)
    if opening_id is not None:
        query = query.where(JobApplication.opening_id == opening_id)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    items = list(db.session.scalars(query.order_by(JobApplication.created_at, JobApplication.id)
                                    .offset((page - 1) * per_page).limit(per_page)))
    return items, total


def read_portfolio(application: JobApplication) -> bytes:
    """The stored portfolio photo. :raise OpeningNotFoundError: none, or the file is gone."""
    if not application.portfolio_key:
        raise OpeningNotFoundError(_("No portfolio photo."))
    backend = storage.get_storage()
    try:
        if isinstance(backend, storage.LocalStorage):
            return backend.path_for(application.portfolio_key).read_bytes()
        return backend.client.get_object(Bucket=backend.bucket, Key=application.portfolio_key)["Body"].read()
    except Exception:  # a missing file, botocore's errors, or a broken connection
        raise OpeningNotFoundError(_("No portfolio photo.")) from None


def status_label(status: str) -> str:
    """A status in words, in the current language."""
    return {
        ApplicationStatus.SUBMITTED: _("waiting for an answer"),
        ApplicationStatus.SHORTLISTED: _("shortlisted"),
        ApplicationStatus.TRIAL: _("invited to a trial day"),
        ApplicationStatus.ACCEPTED: _("accepted"),
        ApplicationStatus.REJECTED: _("not accepted"),
        ApplicationStatus.WITHDRAWN: _("withdrawn"),
    }.get(status, status)
