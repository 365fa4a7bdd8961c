"""A sentra's members and invitations: invite, accept, change roles, remove, transfer ownership.

Every function flushes and never commits; the caller commits once. The errors
live in shop.sentras.services beside the other sentra errors.
"""
from __future__ import annotations

from flask import url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import contains_eager, lazyload
from werkzeug.security import check_password_hash

from shop.accounts.models import User
from shop.accounts.signals import email_verified
from shop.audit.services import record
from shop.db import utcnow
from shop.extensions import db
from shop.mail import send_mail
from shop.sentras.models import Role, Sentra, SentraInvite, SentraMembership, SentraStatus
from shop.sentras.services import (
    AlreadyMemberError,
    InviteExistsError,
    InviteNotFoundError,
    MemberNotFoundError,
    NotVerifiedError,
    OwnerRequiredError,
    PermissionDeniedError,
    WrongPasswordError,
)

FIRST_BIRTH_YEAR = 1940

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
    record(actor.user, "member.role", "sentra", sentra.id, f"{sentra.name}: {target.user.email} is now {target.role}",
           user_id=target.user_id, role=str(target.role))


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
    record(actor.user, "member.ownership", "sentra", sentra.id,
           f"{sentra.name}: ownership handed from {actor.user.email} to {target.user.email}",
           from_user_id=actor.user_id, to_user_id=target.user_id)


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


# --- joining without an invitation, and the birth year ---------------------------------------------

def join_directly(sentra: Sentra, user: User, birth_year: int | None) -> SentraMembership:
    """Make ``user`` a member of ``sentra`` without the invitation step (an accepted application:
    the applicant is already known). A user who is a member already keeps their membership; a
    birth year given now fills one that is missing. Flushes.
    """
    membership = db.session.scalar(select(SentraMembership).where(
        SentraMembership.sentra_id == sentra.id, SentraMembership.user_id == user.id))
    if membership is None:
        membership = SentraMembership(sentra_id=sentra.id, user_id=user.id, role=Role.MEMBER)
        db.session.add(membership)
    if birth_year is not None and membership.birth_year is None:
        membership.birth_year = birth_year
        membership.birth_year_asked_at = utcnow()
    db.session.flush()
    return membership


def record_birth_year(membership: SentraMembership, birth_year: int | None) -> None:
    """The member's answer to the birth-year question: a year, or ``None`` (not now). Either way it is
    never asked again. The caller checks the year's range (:func:`birth_year_problem`). Flushes."""
    if birth_year is not None:
        membership.birth_year = birth_year
    membership.birth_year_asked_at = utcnow()
    db.session.flush()


def birth_year_problem(value: object, this_year: int) -> str | None:
    """Why ``value`` is not a birth year a member or applicant may give (1940 to this year), or None."""
    if isinstance(value, bool) or not isinstance(value, int):
        return _("Enter a year, e.g. 2004.")
    if not FIRST_BIRTH_YEAR <= value <= this_year:
        return _("Enter a year from %(low)d to %(high)d.", low=FIRST_BIRTH_YEAR, high=this_year)
    return None
