"""Privacy under UU PDP: a user's data as JSON, and deleting (anonymising) an account.

Accounts sit below sentras and partners, so each kind of organisation registers what it keeps
about its members (:class:`Memberships`) instead of accounts importing them.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from werkzeug.security import check_password_hash

from shop.accounts.errors import AccountOwnsSentraError, WrongPasswordError
from shop.accounts.models import Address, ApiToken, User
from shop.accounts.sign_ins import end_sign_ins
from shop.db import utcnow
from shop.extensions import db

DELETED_NAME = "Deleted user"


@dataclass(frozen=True)
class Memberships:
    """What one kind of organisation keeps about a user's memberships, by user id."""

    key: str  # the section of the export, e.g. "sentra_memberships"
    position: int  # sections (and owned names) come in ascending position
    export: Callable[[int], list[dict[str, Any]]]
    owned: Callable[[int], list[str]]  # names of the organisations the user owns
    delete: Callable[[int], None]  # delete the user's memberships; flushes nothing


_MEMBERSHIPS: dict[str, Memberships] = {}


def register_memberships(memberships: Memberships) -> None:
    """Make ``memberships`` part of every export and account deletion (once per key)."""
    _MEMBERSHIPS[memberships.key] = memberships


def membership_rows(key: str, position: int, *, membership: Any, organisation: Any, organisation_id: Any,
                    owner_role: str, as_json: Callable[[Any, Any], dict[str, Any]]) -> Memberships:
    """:class:`Memberships` kept as rows of the ``membership`` model (``user_id``, ``role``) that
    point at an ``organisation`` (with a ``name``) through its ``organisation_id`` column."""
    def export(user_id: int) -> list[dict[str, Any]]:
        rows = db.session.execute(
            select(membership, organisation).join(organisation, organisation.id == organisation_id)
            .where(membership.user_id == user_id).order_by(membership.id)
        )
        return [as_json(member, org) for member, org in rows]

    def owned(user_id: int) -> list[str]:
        return list(db.session.scalars(
            select(organisation.name).join(membership, organisation_id == organisation.id)
            .where(membership.user_id == user_id, membership.role == owner_role)
        ))

    def delete_rows(user_id: int) -> None:
        db.session.execute(delete(membership).where(membership.user_id == user_id))

    return Memberships(key, position, export, owned, delete_rows)


def _memberships() -> list[Memberships]:
    return sorted(_MEMBERSHIPS.values(), key=lambda kind: kind.position)


def iso(value: datetime | None) -> str | None:
    """``value`` in ISO 8601, or None."""
    return value.isoformat() if value is not None else None


def export_user_data(user: User) -> dict[str, Any]:
    """Everything kept about ``user`` as JSON-ready data (no password or token hashes)."""
    addresses = db.session.scalars(select(Address).where(Address.user_id == user.id).order_by(Address.id))
    tokens = db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id))
    return {
        "exported_at": iso(utcnow()),
        "profile": {
            "id": user.id,
            "email": user.email,
            "email_verified_at": iso(user.email_verified_at),
            "name": user.name,
            "phone": user.phone,
            "locale": user.locale,
            "notify_channel": user.notify_channel,
            "created_at": iso(user.created_at),
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
                "created_at": iso(a.created_at),
            }
            for a in addresses
        ],
        **{kind.key: kind.export(user.id) for kind in _memberships()},
        "api_tokens": [
            {
                "name": t.name,
                "created_at": iso(t.created_at),
                "expires_at": iso(t.expires_at),
                "last_used_at": iso(t.last_used_at),
                "revoked_at": iso(t.revoked_at),
            }
            for t in tokens
        ],
    }


def owned_organisations(user: User) -> list[str]:
    """Names of the organisations (sentras, partners: every registered kind) ``user`` owns."""
    return [name for kind in _memberships() for name in kind.owned(user.id)]


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
    for kind in _memberships():
        kind.delete(user.id)
    user.email = f"deleted-{user.id}@invalid"
    user.name = DELETED_NAME
    user.phone = None
    user.password_hash = None
    user.locale = None
    user.deleted_at = now
    end_sign_ins(user)
    db.session.flush()
    db.session.expire(user, ["addresses"])
