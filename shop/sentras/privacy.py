"""What a sentra keeps about its members, for the account's data export and deletion."""
from __future__ import annotations

from shop.accounts.privacy import iso, membership_rows, register_memberships
from shop.sentras.models import Role, Sentra, SentraMembership

register_memberships(membership_rows(
    "sentra_memberships", 10, membership=SentraMembership, organisation=Sentra,
    organisation_id=SentraMembership.sentra_id, owner_role=Role.OWNER,
    as_json=lambda member, sentra: {"sentra": sentra.slug, "name": sentra.name, "role": member.role,
                                    "since": iso(member.created_at),
                                    "birth_year": member.birth_year},
))
