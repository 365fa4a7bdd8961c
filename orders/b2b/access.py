"""Which verified partner a user acts for, and with which role."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select

from orders.b2b.errors import NotPartnerError
from shop.extensions import db
from shop.partners.models import Partner, PartnerMembership, PartnerRole, PartnerStatus


def verified_memberships(user: Any) -> list[PartnerMembership]:
    """The user's memberships of verified partners, oldest organisation first."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    return list(db.session.scalars(
        select(PartnerMembership).join(PartnerMembership.partner)
        .where(PartnerMembership.user_id == user.id, Partner.status == PartnerStatus.VERIFIED)
        .order_by(Partner.id)
    ))


def acting_membership(user: Any, partner_id: int | None = None) -> PartnerMembership:
    """The membership the user acts through: of ``partner_id`` when given, else the first.

    :raise NotPartnerError: (403) no verified partner membership (of that partner).
    """
    memberships = verified_memberships(user)
    if partner_id is not None:
        memberships = [m for m in memberships if m.partner_id == partner_id]
    if not memberships:
        raise NotPartnerError("this needs a member of a verified UMKM partner")
    return memberships[0]


def can_approve(membership: PartnerMembership) -> bool:
    return PartnerRole(membership.role).approves


def needs_approval(partner: Partner, amount_idr: int) -> bool:
    """A purchase above the partner's approval threshold waits for a manager."""
    return partner.approval_threshold_idr is not None and amount_idr > partner.approval_threshold_idr
