"""What a partner keeps about its members, for the account's data export and deletion."""
from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select

from shop.accounts.privacy import Memberships, iso, register_memberships
from shop.extensions import db
from shop.partners.models import Partner, PartnerMembership, PartnerRole


def _export(user_id: int) -> list[dict[str, Any]]:
    rows = db.session.execute(
        select(PartnerMembership, Partner).join(Partner, Partner.id == PartnerMembership.partner_id)
        .where(PartnerMembership.user_id == user_id).order_by(PartnerMembership.id)
    )
    return [{"partner": p.name, "nib": p.nib, "role": m.role, "since": iso(m.created_at)} for m, p in rows]


def _owned(user_id: int) -> list[str]:
    return list(db.session.scalars(
        select(Partner.name).join(PartnerMembership, PartnerMembership.partner_id == Partner.id)
        .where(PartnerMembership.user_id == user_id, PartnerMembership.role == PartnerRole.OWNER)
    ))


def _delete(user_id: int) -> None:
    db.session.execute(delete(PartnerMembership).where(PartnerMembership.user_id == user_id))


register_memberships(Memberships("partner_memberships", 20, _export, _owned, _delete))
