"""What a partner keeps about its members, for the account's data export and deletion."""
from __future__ import annotations

from shop.accounts.privacy import iso, membership_rows, register_memberships
from shop.partners.models import Partner, PartnerMembership, PartnerRole

register_memberships(membership_rows(
    "partner_memberships", 20, membership=PartnerMembership, organisation=Partner,
    organisation_id=PartnerMembership.partner_id, owner_role=PartnerRole.OWNER,
    as_json=lambda member, partner: {"partner": partner.name, "nib": partner.nib, "role": member.role,
                                     "since": iso(member.created_at)},
))
