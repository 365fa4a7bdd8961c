"""Plain factory functions: each makes one thing, flushes, and returns it."""
from __future__ import annotations

import itertools

from werkzeug.security import generate_password_hash

from shop.accounts.models import User
from shop.db import utcnow
from shop.extensions import db
from shop.partners.models import Partner, PartnerMembership, PartnerRole, PartnerStatus
from shop.places.models import Kelurahan, Subsector
from shop.sentras.models import Role, Sentra, SentraMembership, SentraStatus

PASSWORD = "correct-horse-battery"
_seq = itertools.count(1)

# Password hashing dominates test time; hash the shared test password once.
_HASHES: dict[str, str] = {}


def _hash(password: str) -> str:
    if password not in _HASHES:
        _HASHES[password] = generate_password_hash(password)
    return _HASHES[password]


def make_user(
    email: str | None = None,
    *,
    password: str = PASSWORD,
    name: str = "Sari Warga",
    verified: bool = True,
    admin: bool = False,
    phone: str | None = None,
) -> User:
    user = User(
        email=(email or f"user{next(_seq)}@example.test").lower(),
        name=name,
        password_hash=_hash(password),
        email_verified_at=utcnow() if verified else None,
        is_admin=admin,
        phone=phone,
    )
    db.session.add(user)
    db.session.flush()
    return user


def kelurahan(code: str = "32.75.08.1001") -> Kelurahan:
    kel = db.session.get(Kelurahan, code)
    assert kel is not None, f"unknown kelurahan {code}"
    return kel


def make_sentra(
    kelurahan_code: str = "32.75.08.1001",
    *,
    owner: User | None = None,
    status: str = SentraStatus.ACTIVE,
    name: str | None = None,
    subsectors: tuple[str, ...] = ("kriya",),
) -> Sentra:
    kel = kelurahan(kelurahan_code)
    owner = owner or make_user()
    sentra = Sentra(
        slug=kel.slug,
        name=name or f"Sentra Kreatif {kel.name}",
        kelurahan_code=kel.code if status != SentraStatus.REJECTED else None,
        applied_kelurahan_code=kel.code,
        status=status,
        description=f"Cerita sentra {kel.name}.",
        whatsapp="+6281234567890",
        address=f"Jl. Contoh No. 1, {kel.name}",
        applied_by_id=owner.id,
    )
    sentra.subsectors = [db.session.get(Subsector, code) for code in subsectors]
    db.session.add(sentra)
    db.session.flush()
    add_member(sentra, owner, Role.OWNER)
    return sentra


def add_member(sentra: Sentra, user: User, role: str = Role.MEMBER) -> SentraMembership:
    membership = SentraMembership(sentra_id=sentra.id, user_id=user.id, role=role)
    db.session.add(membership)
    db.session.flush()
    return membership


def make_partner(
    owner: User | None = None,
    *,
    status: str = PartnerStatus.VERIFIED,
    nib: str | None = None,
    name: str = "CV Mitra Usaha",
) -> Partner:
    owner = owner or make_user()
    partner = Partner(
        name=name,
        nib=nib or f"{9120000000000 + next(_seq)}",
        street="Jl. Mitra No. 2",
        kelurahan_code="32.75.04.1001",
        status=status,
        created_by_id=owner.id,
    )
    db.session.add(partner)
    db.session.flush()
    db.session.add(PartnerMembership(partner_id=partner.id, user_id=owner.id, role=PartnerRole.OWNER))
    db.session.flush()
    return partner
