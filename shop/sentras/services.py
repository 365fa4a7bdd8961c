"""Sentra business operations: applying, editing the profile, members and invitations.

Every function flushes and never commits; the caller commits once. Domain errors
end in ``Error`` and are turned into form errors or 4xx answers by the views.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager, lazyload
from werkzeug.security import check_password_hash

from shop.accounts.models import User
from shop.accounts.signals import email_verified
from shop.extensions import db
from shop.mail import send_mail
from shop.places.models import Kelurahan, Subsector
from shop.sentras import images
from shop.sentras.models import Role, Sentra, SentraInvite, SentraMembership, SentraStatus

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


# --- members ------------------------------------------------------------------------------


def members_of(sentra: Sentra) -> list[SentraMembership]:
    """Members with their users, owner first, then managers, then by name."""
    rows = db.session.scalars(
        select(SentraMembership).where(SentraMembership.sentra_id == sentra.id)
    ).all()
    return sorted(rows, key=lambda m: (-Role(m.role).rank, m.user.name.lower(), m.id))


def pending_invites(sentra: Sentra) -> list[SentraInvite]:
    return list(
        db.session.scalars(
            select(SentraInvite).where(SentraInvite.sentra_id == sentra.id).order_by(SentraInvite.created_at)
        )
    )


def _membership(sentra: Sentra, membership_id: int) -> SentraMembership:
    membership = db.session.scalar(
        select(SentraMembership).where(
            SentraMembership.sentra_id == sentra.id, SentraMembership.id == membership_id
        )
    )
    if membership is None:
        raise MemberNotFoundError(membership_id)
    return membership


def invitable_roles(actor: SentraMembership) -> list[Role]:
    """Owners invite members and managers; managers invite members; members invite nobody."""
    if actor.role == Role.OWNER:
        return [Role.MEMBER, Role.MANAGER]
    if actor.role == Role.MANAGER:
        return [Role.MEMBER]
    return []


def invite_member(sentra: Sentra, actor: SentraMembership, email: str, role: Role) -> SentraInvite:
    """Invite ``email`` with ``role`` and email them. Flushes.

    A registered, verified user accepts on their invitations page; anyone else is
    asked to register (or verify) with that address, and the invitation becomes a
    membership once the address is verified.

    :raise PermissionDeniedError: the actor may not invite with this role.
    :raise AlreadyMemberError: that address already belongs to a member.
    :raise InviteExistsError: that address already has an invitation to this sentra.
    """
    email = email.strip().lower()
    if Role(role) not in invitable_roles(actor):
        raise PermissionDeniedError(role)
    user = db.session.scalar(select(User).where(User.email == email, User.deleted_at.is_(None)))
    if user is not None and _is_member(sentra.id, user.id):
        raise AlreadyMemberError(email)
    if db.session.scalar(
        select(SentraInvite.id).where(SentraInvite.sentra_id == sentra.id, SentraInvite.email == email)
    ):
        raise InviteExistsError(email)
    invite = SentraInvite(sentra_id=sentra.id, email=email, role=Role(role), invited_by_id=actor.user_id)
    db.session.add(invite)
    db.session.flush()
    _send_invite_mail(sentra, invite, user)
    return invite


def _send_invite_mail(sentra: Sentra, invite: SentraInvite, user: User | None) -> None:
    with force_locale((user.locale if user and user.locale else None) or "id"):
        subject = _("Invitation to join %(name)s on Pasar Sentra", name=sentra.name)
        if user is not None and user.is_verified:
            body = _(
                "You have been invited to join %(name)s as %(role)s.\n\n"
                "Log in and open your invitations to accept:\n%(link)s",
                name=sentra.name, role=invite.role, link=url_for("sentras.invitations", _external=True),
            )
        elif user is not None:
            body = _(
                "You have been invited to join %(name)s as %(role)s.\n\n"
                "Verify your email address from your account page and the invitation "
                "is accepted automatically:\n%(link)s",
                name=sentra.name, role=invite.role, link=url_for("accounts.profile", _external=True),
            )
        else:
            body = _(
                "You have been invited to join %(name)s as %(role)s.\n\n"
                "Register with this email address and verify it; the invitation is then "
                "accepted automatically:\n%(link)s",
                name=sentra.name, role=invite.role, link=url_for("accounts.register", _external=True),
            )
    send_mail(invite.email, subject, body)


def _is_member(sentra_id: int, user_id: int) -> bool:
    return bool(
        db.session.scalar(
            select(SentraMembership.id).where(
                SentraMembership.sentra_id == sentra_id, SentraMembership.user_id == user_id
            )
        )
    )


def cancel_invite(sentra: Sentra, invite_id: int) -> None:
    """Withdraw an invitation of this sentra. Flushes.

    :raise InviteNotFoundError: no such invitation in this sentra.
    """
    invite = db.session.scalar(
        select(SentraInvite).where(SentraInvite.sentra_id == sentra.id, SentraInvite.id == invite_id)
    )
    if invite is None:
        raise InviteNotFoundError(invite_id)
    db.session.delete(invite)
    db.session.flush()


def invites_for(user: User) -> list[SentraInvite]:
    """Invitations waiting for ``user``'s email address (only once it is verified)."""
    if not user.is_verified:
        return []
    return list(
        db.session.scalars(
            select(SentraInvite)
            .join(SentraInvite.sentra)
            .where(SentraInvite.email == user.email.lower(), Sentra.status != SentraStatus.REJECTED)
            .order_by(SentraInvite.created_at)
        )
    )


def _invite_for(user: User, invite_id: int) -> SentraInvite:
    invite = db.session.scalar(
        select(SentraInvite).where(SentraInvite.id == invite_id, SentraInvite.email == user.email.lower())
    )
    if invite is None:
        raise InviteNotFoundError(invite_id)
    return invite


def accept_invite(user: User, invite_id: int) -> SentraMembership:
    """Turn one of ``user``'s invitations into a membership. Flushes.

    :raise NotVerifiedError: the user's email is not verified.
    :raise InviteNotFoundError: no such invitation for this user's address.
    :raise AlreadyMemberError: the user is already a member (the invitation is removed).
    """
    if not user.is_verified:
        raise NotVerifiedError(user.email)
    invite = _invite_for(user, invite_id)
    if _is_member(invite.sentra_id, user.id):
        db.session.delete(invite)
        db.session.flush()
        raise AlreadyMemberError(user.email)
    membership = SentraMembership(sentra_id=invite.sentra_id, user_id=user.id, role=invite.role)
    db.session.add(membership)
    db.session.delete(invite)
    db.session.flush()
    return membership


def decline_invite(user: User, invite_id: int) -> None:
    """Remove one of ``user``'s invitations. Flushes.

    :raise InviteNotFoundError: no such invitation for this user's address.
    """
    db.session.delete(_invite_for(user, invite_id))
    db.session.flush()


def accept_invites_for(user: User) -> list[SentraMembership]:
    """Turn every invitation to ``user``'s (verified) address into a membership. Flushes.

    Invitations to sentras the user already belongs to are simply removed.
    Returns the new memberships.
    """
    if not user.is_verified:
        return []
    memberships = []
    invites = db.session.scalars(select(SentraInvite).where(SentraInvite.email == user.email.lower()))
    for invite in invites:
        if not _is_member(invite.sentra_id, user.id):
            membership = SentraMembership(sentra_id=invite.sentra_id, user_id=user.id, role=invite.role)
            db.session.add(membership)
            memberships.append(membership)
        db.session.delete(invite)
    db.session.flush()
    return memberships


@email_verified.connect
def _accept_invites_on_verification(sender: User, **_extra: object) -> None:
    accept_invites_for(sender)


def change_role(sentra: Sentra, actor: SentraMembership, membership_id: int, role: Role) -> None:
    """Make a member a manager or a manager a member (owner only). Flushes.

    :raise PermissionDeniedError: the actor is not the owner.
    :raise MemberNotFoundError: no such member in this sentra.
    :raise OwnerRequiredError: the target is the owner or the new role is owner
        (ownership moves only by :func:`transfer_ownership`).
    """
    if actor.role != Role.OWNER:
        raise PermissionDeniedError(role)
    target = _membership(sentra, membership_id)
    if target.role == Role.OWNER or Role(role) == Role.OWNER:
        raise OwnerRequiredError(membership_id)
    target.role = Role(role)
    db.session.flush()


def remove_member(sentra: Sentra, actor: SentraMembership, membership_id: int) -> None:
    """Remove a member, or let a member leave. Flushes.

    The owner removes anyone but themself; managers remove plain members; anyone
    but the owner may leave.

    :raise MemberNotFoundError: no such member in this sentra.
    :raise OwnerRequiredError: the target is the owner.
    :raise PermissionDeniedError: the actor's role does not allow it.
    """
    target = _membership(sentra, membership_id)
    if target.role == Role.OWNER:
        raise OwnerRequiredError(membership_id)
    leaving = target.id == actor.id
    allowed = (
        leaving
        or actor.role == Role.OWNER
        or (actor.role == Role.MANAGER and target.role == Role.MEMBER)
    )
    if not allowed:
        raise PermissionDeniedError(membership_id)
    db.session.delete(target)
    db.session.flush()


def transfer_ownership(sentra: Sentra, actor: SentraMembership, membership_id: int, password: str) -> None:
    """Hand the sentra to another member; the old owner becomes a manager. Flushes.

    The demotion is flushed before the promotion: the database allows at most one
    owner per sentra at any moment.

    :raise PermissionDeniedError: the actor is not the owner.
    :raise WrongPasswordError: ``password`` is not the actor's password.
    :raise MemberNotFoundError: no such member in this sentra (or it is the actor).
    """
    if actor.role != Role.OWNER:
        raise PermissionDeniedError(membership_id)
    if not actor.user.password_hash or not check_password_hash(actor.user.password_hash, password):
        raise WrongPasswordError(actor.user_id)
    target = _membership(sentra, membership_id)
    if target.id == actor.id:
        raise MemberNotFoundError(membership_id)
    actor.role = Role.MANAGER
    db.session.flush()
    target.role = Role.OWNER
    db.session.flush()


def memberships_of(user: User) -> list[SentraMembership]:
    """``user``'s memberships with their sentra loaded, in one query (rejected ones left out)."""
    return list(
        db.session.scalars(
            select(SentraMembership)
            .join(SentraMembership.sentra)
            .where(SentraMembership.user_id == user.id, Sentra.status != SentraStatus.REJECTED)
            .options(
                contains_eager(SentraMembership.sentra).lazyload(Sentra.kelurahan),
                lazyload(SentraMembership.user),
            )
            .order_by(Sentra.name)
        )
    )
