"""UMKM partner organisations: registration, colleagues, and the office's verification.

Services flush, never commit; they raise the domain errors below.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from shop.accounts.models import User
from shop.audit.services import record
from shop.db import utcnow
from shop.extensions import db
from shop.mail import send_mail
from shop.partners.models import Partner, PartnerMembership, PartnerRole, PartnerStatus
from shop.places.models import Kelurahan
from shop.validation import is_valid_nib, normalize_npwp


class PartnerError(Exception):
    """Base of the partner domain errors; ``field`` names the form field at fault, if any."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class PartnerDetailsError(PartnerError):
    """Registration details that cannot be accepted (bad or duplicate NIB, missing place)."""


class PartnerStateError(PartnerError):
    """A decision the partner's current status does not allow (e.g. verifying twice)."""


class PartnerMemberError(PartnerError):
    """A colleague change that cannot be made (unknown email, already a member, removing the owner)."""


class PartnerPermissionError(PartnerError):
    """The acting user may not manage this organisation's colleagues."""


@dataclass(frozen=True)
class PartnerDetails:
    name: str
    nib: str
    street: str
    npwp: str | None = None
    kelurahan_code: str | None = None  # in Kota Bekasi, or else:
    city: str | None = None
    postal_code: str | None = None


# action -> (the status it starts from, the status it leads to)
TRANSITIONS: dict[str, tuple[PartnerStatus, PartnerStatus]] = {
    "verify": (PartnerStatus.PENDING, PartnerStatus.VERIFIED),
    "reject": (PartnerStatus.PENDING, PartnerStatus.REJECTED),
}
ASSIGNABLE_ROLES = (PartnerRole.STAFF, PartnerRole.MANAGER)


def allowed_actions(partner: Partner) -> list[str]:
    """The decisions the office can take on ``partner`` now."""
    return [action for action, (source, _target) in TRANSITIONS.items() if partner.status == source]


def _check_details(details: PartnerDetails) -> tuple[str | None, str | None, str | None, str | None]:
    """(npwp, kelurahan_code, city, postal_code) normalised, or PartnerDetailsError."""
    if not is_valid_nib(details.nib):
        raise PartnerDetailsError(_("An NIB is exactly 13 digits."), "nib")
    try:
        npwp = normalize_npwp(details.npwp or "")
    except ValueError:
        raise PartnerDetailsError(_("An NPWP has 15 or 16 digits."), "npwp") from None
    if details.kelurahan_code:
        if db.session.get(Kelurahan, details.kelurahan_code) is None:
            raise PartnerDetailsError(_("Choose a kelurahan from the list."), "kelurahan_code")
        return npwp, details.kelurahan_code, None, None
    city, postal = (details.city or "").strip(), (details.postal_code or "").strip()
    if not city:
        raise PartnerDetailsError(_("Enter the city."), "city")
    if not (len(postal) == 5 and postal.isdigit()):
        raise PartnerDetailsError(_("A postal code is 5 digits."), "postal_code")
    return npwp, None, city, postal


def nib_taken(nib: str) -> bool:
    return db.session.scalar(select(func.count()).select_from(Partner).where(Partner.nib == nib)) > 0


def register_partner(user: User, details: PartnerDetails) -> Partner:
    """Create a pending partner organisation with ``user`` as its owner; flushes.

    :raise PartnerDetailsError: for an invalid NIB or NPWP, a missing place, or an
        NIB that is already registered (also when a concurrent registration wins the race).
    """
    npwp, kelurahan_code, city, postal_code = _check_details(details)
    duplicate = PartnerDetailsError(_("This NIB is already registered."), "nib")
    if nib_taken(details.nib):
        raise duplicate
    partner = Partner(
        name=details.name.strip(),
        nib=details.nib,
        npwp=npwp,
        street=details.street.strip(),
        kelurahan_code=kelurahan_code,
        city=city,
        postal_code=postal_code,
        status=PartnerStatus.PENDING,
        created_by_id=user.id,
    )
    try:
        with db.session.begin_nested():
            db.session.add(partner)
            db.session.flush()
    except IntegrityError:
        raise duplicate from None
    db.session.add(PartnerMembership(partner_id=partner.id, user_id=user.id, role=PartnerRole.OWNER))
    db.session.flush()
    return partner


def memberships_of(user: User) -> list[PartnerMembership]:
    """The user's partner memberships, newest organisation first."""
    return list(
        db.session.scalars(
            select(PartnerMembership)
            .join(PartnerMembership.partner)
            .where(PartnerMembership.user_id == user.id)
            .order_by(Partner.created_at.desc(), Partner.id.desc())
        )
    )


def membership_for(user: User, partner_id: int) -> PartnerMembership | None:
    return db.session.scalar(
        select(PartnerMembership).where(
            PartnerMembership.partner_id == partner_id, PartnerMembership.user_id == user.id
        )
    )


def partner_members(partner: Partner) -> list[PartnerMembership]:
    """Members with the owner first, then by name."""
    role_order = {PartnerRole.OWNER: 0, PartnerRole.MANAGER: 1, PartnerRole.STAFF: 2}
    members = db.session.scalars(
        select(PartnerMembership).where(PartnerMembership.partner_id == partner.id)
    ).all()
    return sorted(members, key=lambda m: (role_order.get(m.role, 9), m.user.name.lower(), m.id))


def _require_owner(partner: Partner, actor: User) -> None:
    membership = membership_for(actor, partner.id)
    if membership is None or membership.role != PartnerRole.OWNER:
        raise PartnerPermissionError(_("Only the owner manages colleagues."))


def _colleague(partner: Partner, membership_id: int) -> PartnerMembership:
    membership = db.session.scalar(
        select(PartnerMembership).where(
            PartnerMembership.partner_id == partner.id, PartnerMembership.id == membership_id
        )
    )
    if membership is None:
        raise PartnerMemberError(_("This person is not a member of the organisation."))
    if membership.role == PartnerRole.OWNER:
        raise PartnerMemberError(_("The owner cannot be changed or removed here."))
    return membership


def _check_role(role: str) -> PartnerRole:
    if role not in {r.value for r in ASSIGNABLE_ROLES}:
        raise PartnerMemberError(_("Choose staff or manager."), "role")
    return PartnerRole(role)


def add_partner_member(partner: Partner, actor: User, email: str, role: str) -> PartnerMembership:
    """Add the registered account with ``email`` as a colleague with ``role`` (staff or manager); flushes.

    :raise PartnerPermissionError: when ``actor`` is not the owner.
    :raise PartnerMemberError: for an unknown email (they must register first), a
        person who is already a member, or a role other than staff or manager.
    """
    _require_owner(partner, actor)
    chosen = _check_role(role)
    address = (email or "").strip().lower()
    user = db.session.scalar(select(User).where(User.email == address, User.deleted_at.is_(None)))
    if user is None:
        raise PartnerMemberError(
            _("No account uses this email. Ask your colleague to register on Pasar Sentra first."), "email"
        )
    if membership_for(user, partner.id) is not None:
        raise PartnerMemberError(_("This person is already a member."), "email")
    membership = PartnerMembership(partner_id=partner.id, user_id=user.id, role=chosen)
    db.session.add(membership)
    db.session.flush()
    return membership


def change_partner_member_role(partner: Partner, actor: User, membership_id: int, role: str) -> PartnerMembership:
    """Give a colleague the role staff or manager; flushes.

    :raise PartnerPermissionError: when ``actor`` is not the owner.
    :raise PartnerMemberError: for an unknown colleague, the owner, or another role.
    """
    _require_owner(partner, actor)
    membership = _colleague(partner, membership_id)
    membership.role = _check_role(role)
    db.session.flush()
    return membership


def set_approval_threshold(partner: Partner, actor: User, amount_idr: int | None) -> Partner:
    """Set the rupiah total above which a purchase needs a manager other than its preparer
    (None: no purchase needs one); flushes.

    :raise PartnerPermissionError: when ``actor`` is not the owner.
    :raise PartnerDetailsError: for a negative amount.
    """
    membership = membership_for(actor, partner.id)
    if membership is None or membership.role != PartnerRole.OWNER:
        raise PartnerPermissionError(_("Only the owner sets the approval threshold."))
    if amount_idr is not None and amount_idr < 0:
        raise PartnerDetailsError(_("Enter a whole number of rupiah, 0 or more."), "threshold")
    partner.approval_threshold_idr = amount_idr
    db.session.flush()
    return partner


def remove_partner_member(partner: Partner, actor: User, membership_id: int) -> None:
    """Remove a colleague (never the owner); flushes.

    :raise PartnerPermissionError: when ``actor`` is not the owner.
    :raise PartnerMemberError: for an unknown colleague or the owner.
    """
    _require_owner(partner, actor)
    membership = _colleague(partner, membership_id)
    db.session.delete(membership)
    db.session.flush()


def _decide(partner: Partner, actor: User, action: str, reason: str | None = None) -> Partner:
    source, target = TRANSITIONS[action]
    if partner.status != source:
        if action == "verify":
            raise PartnerStateError(
                _("Only a pending partner can be verified; this one is %(status)s.", status=partner.status)
            )
        raise PartnerStateError(
            _("Only a pending partner can be rejected; this one is %(status)s.", status=partner.status)
        )
    reason = (reason or "").strip() or None
    if target == PartnerStatus.REJECTED and reason is None:
        raise PartnerStateError(_("Give a reason; the applicant will read it."), "reason")
    partner.status = target
    partner.status_reason = reason
    partner.decided_at = utcnow()
    partner.decided_by_id = actor.id
    db.session.flush()
    record(actor, f"partner.{action}", "partner", partner.id,
           f"{partner.name}: {action}" + (f" ({reason})" if reason else ""), reason=reason)
    _notify_owner(partner)
    return partner


def verify_partner(partner: Partner, actor: User) -> Partner:
    """Verify a pending partner (it will see wholesale prices); flushes, emails the owner.

    :raise PartnerStateError: when the partner is not pending (e.g. verified already).
    """
    return _decide(partner, actor, "verify")


def reject_partner(partner: Partner, actor: User, reason: str) -> Partner:
    """Reject a pending partner with a reason; flushes, emails the owner.

    :raise PartnerStateError: when the partner is not pending or no reason is given.
    """
    return _decide(partner, actor, "reject", reason)


def partner_owner(partner: Partner) -> User | None:
    return db.session.scalar(
        select(User)
        .join(PartnerMembership, PartnerMembership.user_id == User.id)
        .where(PartnerMembership.partner_id == partner.id, PartnerMembership.role == PartnerRole.OWNER)
    )


def _notify_owner(partner: Partner) -> None:
    owner = partner_owner(partner)
    if owner is None or owner.deleted_at is not None:
        return
    with force_locale(owner.locale or "id"):
        if partner.status == PartnerStatus.VERIFIED:
            subject = _("%(name)s is now a verified Pasar Sentra partner", name=partner.name)
            body = _(
                "The program office has verified %(name)s. You can now buy from sentras as a partner.",
                name=partner.name,
            )
        else:
            subject = _("%(name)s was not verified", name=partner.name)
            body = _(
                "The program office did not verify %(name)s. Reason: %(reason)s",
                name=partner.name,
                reason=partner.status_reason or "",
            )
        send_mail(owner.email, subject, body)
