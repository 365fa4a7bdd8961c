"""Privacy under UU PDP: a user's data as JSON, and deleting (anonymising) an account."""
from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select
from werkzeug.security import check_password_hash

from shop.accounts.errors import AccountOwnsSentraError, WrongPasswordError
from shop.accounts.models import Address, ApiToken, User
from shop.accounts.sign_ins import end_sign_ins
from shop.db import utcnow
from shop.extensions import db
from shop.partners.models import Partner, PartnerMembership, PartnerRole
from shop.sentras.models import Role, Sentra, SentraMembership

DELETED_NAME = "Deleted user"


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def export_user_data(user: User) -> dict[str, Any]:
    """Everything kept about ``user`` as JSON-ready data (no password or token hashes)."""
    addresses = db.session.scalars(select(Address).where(Address.user_id == user.id).order_by(Address.id))
    sentra_rows = db.session.execute(
        select(SentraMembership, Sentra).join(Sentra, Sentra.id == SentraMembership.sentra_id)
        .where(SentraMembership.user_id == user.id).order_by(SentraMembership.id)
    )
    partner_rows = db.session.execute(
        select(PartnerMembership, Partner).join(Partner, Partner.id == PartnerMembership.partner_id)
        .where(PartnerMembership.user_id == user.id).order_by(PartnerMembership.id)
    )
    tokens = db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id))
    return {
        "exported_at": _iso(utcnow()),
        "profile": {
            "id": user.id,
            "email": user.email,
            "email_verified_at": _iso(user.email_verified_at),
            "name": user.name,
            "phone": user.phone,
            "locale": user.locale,
            "created_at": _iso(user.created_at),
        },
        "addresses": [
            {
                "label": a.label,
                "recipient": a.recipient,
                "phone": a.phone,
                "street": a.street,
                "kelurahan_code": a.kelurahan_code,
                "kelurahan": a.kelurahan.name if a.kelurahan else None,
                "city": a.city,
                "postal_code": a.postal_code,
                "is_default": a.is_default,
                "created_at": _iso(a.created_at),
            }
            for a in addresses
        ],
        "sentra_memberships": [
            {"sentra": s.slug, "name": s.name, "role": m.role, "since": _iso(m.created_at)}
            for m, s in sentra_rows
        ],
        "partner_memberships": [
            {"partner": p.name, "nib": p.nib, "role": m.role, "since": _iso(m.created_at)}
            for m, p in partner_rows
        ],
        "api_tokens": [
            {
                "name": t.name,
                "created_at": _iso(t.created_at),
                "expires_at": _iso(t.expires_at),
                "last_used_at": _iso(t.last_used_at),
                "revoked_at": _iso(t.revoked_at),
            }
            for t in tokens
        ],
    }


def owned_organisations(user: User) -> list[str]:
    """Names of the sentras and partners ``user`` owns."""
    sentras = db.session.scalars(
        select(Sentra.name).join(SentraMembership, SentraMembership.sentra_id == Sentra.id)
        .where(SentraMembership.user_id == user.id, SentraMembership.role == Role.OWNER)
    )
    partners = db.session.scalars(
        select(Partner.name).join(PartnerMembership, PartnerMembership.partner_id == Partner.id)
        .where(PartnerMembership.user_id == user.id, PartnerMembership.role == PartnerRole.OWNER)
    )
    return [*sentras, *partners]


def delete_account(user: User, password: str) -> None:
    """Anonymise ``user`` after checking the password; the row stays for past orders. Flushes.

    Email becomes ``deleted-<id>@invalid`` (so the address can register again), name
    "Deleted user", phone and password removed, sessions ended, addresses and
    memberships deleted, API tokens revoked.

    :raise WrongPasswordError: when ``password`` is wrong.
    :raise AccountOwnsSentraError: while the user owns a sentra or partner.
    """
    if not user.password_hash or not check_password_hash(user.password_hash, password or ""):
        raise WrongPasswordError()
    owned = owned_organisations(user)
    if owned:
        raise AccountOwnsSentraError(owned)
    now = utcnow()
    db.session.execute(delete(Address).where(Address.user_id == user.id))
    db.session.execute(delete(SentraMembership).where(SentraMembership.user_id == user.id))
    db.session.execute(delete(PartnerMembership).where(PartnerMembership.user_id == user.id))
    user.email = f"deleted-{user.id}@invalid"
    user.name = DELETED_NAME
    user.phone = None
    user.password_hash = None
    user.locale = None
    user.deleted_at = now
    end_sign_ins(user)
    db.session.flush()
    db.session.expire(user, ["addresses"])
