"""What a sentra keeps about its members, for the account's data export and deletion."""
from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select

from shop.accounts.privacy import Memberships, iso, register_memberships
from shop.extensions import db
from shop.sentras.models import Role, Sentra, SentraMembership


def _export(user_id: int) -> list[dict[str, Any]]:
    rows = db.session.execute(
        select(SentraMembership, Sentra).join(Sentra, Sentra.id == SentraMembership.sentra_id)
        .where(SentraMembership.user_id == user_id).order_by(SentraMembership.id)
    )
    return [{"sentra": s.slug, "name": s.name, "role": m.role, "since": iso(m.created_at)} for m, s in rows]


def _owned(user_id: int) -> list[str]:
    return list(db.session.scalars(
        select(Sentra.name).join(SentraMembership, SentraMembership.sentra_id == Sentra.id)
        .where(SentraMembership.user_id == user_id, SentraMembership.role == Role.OWNER)
    ))


def _delete(user_id: int) -> None:
    db.session.execute(delete(SentraMembership).where(SentraMembership.user_id == user_id))


register_memberships(Memberships("sentra_memberships", 10, _export, _owned, _delete))
