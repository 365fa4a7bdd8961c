"""Sentra business operations: applying and editing the profile (members: shop.sentras.members).

Every function flushes and never commits; the caller commits once. Domain errors
end in ``Error`` and are turned into form errors or 4xx answers by the views.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from shop.accounts.models import User
from shop.extensions import db
from shop.places.models import Kelurahan, Subsector
from shop.sentras import images
from shop.sentras.models import Role, Sentra, SentraMembership, SentraStatus

MIN_SUBSECTORS, MAX_SUBSECTORS = 1, 3


class SentraError(Exception):
    """Base of the sentra domain errors."""


class KelurahanTakenError(SentraError):
    """The kelurahan already has a sentra (pending, active or suspended)."""


class UnknownKelurahanError(SentraError):
    pass


class SubsectorChoiceError(SentraError):
    """Not 1 to 3 known subsectors."""


class NotVerifiedError(SentraError):
    """The user has not verified their email address yet."""


class PermissionDeniedError(SentraError):
    """The actor's role does not allow this action."""


class MemberNotFoundError(SentraError):
    """No such membership in this sentra (a 404, whatever sentra it belongs to)."""


class InviteNotFoundError(SentraError):
    pass


class AlreadyMemberError(SentraError):
    pass


class InviteExistsError(SentraError):
    pass


class OwnerRequiredError(SentraError):
    """The action would leave the sentra without its owner (removing or demoting the owner)."""


class WrongPasswordError(SentraError):
    pass


@dataclass(frozen=True)
class SentraProfile:
    """What members may edit; the kelurahan is fixed once applied."""

    name: str
    subsector_codes: tuple[str, ...]
    description: str
    whatsapp: str  # already normalised to +62...
    address: str
    opening_hours: str | None = None


# --- applying -----------------------------------------------------------------------------


def free_kelurahan_codes() -> set[str]:
    """Codes of the kelurahan no sentra holds (a rejected application holds none)."""
    taken = select(Sentra.kelurahan_code).where(Sentra.kelurahan_code.is_not(None))
    return set(db.session.scalars(select(Kelurahan.code).where(Kelurahan.code.not_in(taken))))


def unique_slug(base: str) -> str:
    """``base``, or ``base-2``, ``base-3``... whichever no sentra uses yet."""
    used = set(db.session.scalars(select(Sentra.slug).where(Sentra.slug.like(f"{base}%"))))
    if base not in used:
        return base
    n = 2
    while f"{base}-{n}" in used:
        n += 1
    return f"{base}-{n}"


def _subsectors(codes: tuple[str, ...]) -> list[Subsector]:
    codes = tuple(dict.fromkeys(codes))
    if not MIN_SUBSECTORS <= len(codes) <= MAX_SUBSECTORS:
        raise SubsectorChoiceError(codes)
    found = list(db.session.scalars(select(Subsector).where(Subsector.code.in_(codes))))
    if len(found) != len(codes):
        raise SubsectorChoiceError(codes)
    return found


def apply_for_sentra(
    applicant: User, kelurahan_code: str, profile: SentraProfile, logo: bytes | None = None
) -> Sentra:
    """Create a pending sentra for a free kelurahan, with ``applicant`` as its owner. Flushes.

    ``logo`` is the uploaded file as sent; it is validated before anything is stored,
    and its stored copy is deleted again if the transaction rolls back.

    :raise NotVerifiedError: the applicant has not verified their email.
    :raise UnknownKelurahanError: no such kelurahan.
    :raise KelurahanTakenError: the kelurahan has a sentra, also when another
        application won a race for it (the session must then be rolled back).
    :raise SubsectorChoiceError: not 1 to 3 known subsectors.
    :raise images.InvalidImageError: the logo is not an acceptable image.
    """
    if not applicant.is_verified:
        raise NotVerifiedError(applicant.email)
    kelurahan = db.session.get(Kelurahan, kelurahan_code)
    if kelurahan is None:
        raise UnknownKelurahanError(kelurahan_code)
    subsectors = _subsectors(profile.subsector_codes)
    webp = images.process_logo(logo) if logo else None
    code = kelurahan.code
    if code not in free_kelurahan_codes():
        raise KelurahanTakenError(code)

    sentra = Sentra(
        slug=unique_slug(kelurahan.slug),
        name=profile.name,
        kelurahan_code=kelurahan.code,
        applied_kelurahan_code=kelurahan.code,
        status=SentraStatus.PENDING,
        description=profile.description,
        whatsapp=profile.whatsapp,
        address=profile.address,
        opening_hours=profile.opening_hours or None,
        applied_by_id=applicant.id,
    )
    sentra.subsectors = subsectors
    if webp is not None:
        sentra.logo_key = images.store_logo(db.session, webp)
    db.session.add(sentra)
    try:
        db.session.flush()
    except IntegrityError as error:  # lost a race for the kelurahan (or its slug)
        raise KelurahanTakenError(code) from error
    db.session.add(SentraMembership(sentra_id=sentra.id, user_id=applicant.id, role=Role.OWNER))
    db.session.flush()
    return sentra


# --- profile ------------------------------------------------------------------------------


def update_profile(sentra: Sentra, profile: SentraProfile, logo: bytes | None = None) -> None:
    """Change the sentra's public profile (never its kelurahan). Flushes.

    A new logo replaces the old one; the old file is deleted once the change commits.

    :raise SubsectorChoiceError: not 1 to 3 known subsectors.
    :raise images.InvalidImageError: the logo is not an acceptable image.
    """
    subsectors = _subsectors(profile.subsector_codes)
    webp = images.process_logo(logo) if logo else None
    sentra.name = profile.name
    sentra.subsectors = subsectors
    sentra.description = profile.description
    sentra.whatsapp = profile.whatsapp
    sentra.address = profile.address
    sentra.opening_hours = profile.opening_hours or None
    if webp is not None:
        images.discard_after_commit(db.session, sentra.logo_key)
        sentra.logo_key = images.store_logo(db.session, webp)
    db.session.flush()
