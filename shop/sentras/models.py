"""A sentra per kelurahan, its members and its pending invitations."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    CheckConstraint,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shop.db import utcnow
from shop.extensions import db


class SentraStatus(StrEnum):
    PENDING = "pending"
    ACTIVE = "active"
    REJECTED = "rejected"
    SUSPENDED = "suspended"


class Role(StrEnum):
    """Sentra roles, in rising order of power."""

    MEMBER = "member"
    MANAGER = "manager"
    OWNER = "owner"

    @property
    def rank(self) -> int:
        return {"member": 1, "manager": 2, "owner": 3}[self.value]


sentra_subsector = Table(
    "sentra_subsector",
    db.metadata,
    Column("sentra_id", ForeignKey("sentra.id", ondelete="CASCADE"), primary_key=True),
    Column("subsector_code", ForeignKey("subsector.code"), primary_key=True),
)


class Sentra(db.Model):
    __tablename__ = "sentra"
    __table_args__ = (
        CheckConstraint("commission_rate_bp IS NULL OR (commission_rate_bp >= 0 AND commission_rate_bp <= 5000)",
                        name="commission_rate_allowed"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    # One sentra per kelurahan. A rejected application gives its kelurahan back
    # (kelurahan_code becomes NULL, applied_kelurahan_code keeps the record).
    kelurahan_code: Mapped[str | None] = mapped_column(ForeignKey("kelurahan.code"), unique=True)
    applied_kelurahan_code: Mapped[str] = mapped_column(ForeignKey("kelurahan.code"))
    status: Mapped[str] = mapped_column(String(16), default=SentraStatus.PENDING, index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    whatsapp: Mapped[str] = mapped_column(String(20))  # +62...
    address: Mapped[str] = mapped_column(String(255))
    opening_hours: Mapped[str | None] = mapped_column(String(120))
    logo_key: Mapped[str | None] = mapped_column(String(255))
    # Kept by catalog.reviews from the visible reviews of the sentra's products.
    rating_avg: Mapped[float] = mapped_column(Float, default=0.0)
    rating_count: Mapped[int] = mapped_column(Integer, default=0)
    status_reason: Mapped[str | None] = mapped_column(Text)  # why rejected or suspended
    applied_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    # For invoices: the tax number when known, and whether the office marked it a PKP
    # (VAT-registered business); only a PKP's invoices add PPN.
    npwp: Mapped[str | None] = mapped_column(String(16))
    is_pkp: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    # The platform's commission on this sentra's orders, when the office overrides the configured
    # rate (basis points: 500 = 5 %).
    commission_rate_bp: Mapped[int | None] = mapped_column(Integer)
    # Where payouts go; only the owner changes them, after entering their password again.
    bank_name: Mapped[str | None] = mapped_column(String(80))
    bank_account_number: Mapped[str | None] = mapped_column(String(34))
    bank_account_holder: Mapped[str | None] = mapped_column(String(120))

    kelurahan = relationship("Kelurahan", foreign_keys=[applied_kelurahan_code], lazy="joined")
    subsectors = relationship("Subsector", secondary=sentra_subsector, order_by="Subsector.name_id")
    memberships: Mapped[list[SentraMembership]] = relationship(
        back_populates="sentra", cascade="all, delete-orphan", order_by="SentraMembership.id"
    )

    @property
    def is_active(self) -> bool:
        return self.status == SentraStatus.ACTIVE

    def __repr__(self) -> str:
        return f"<Sentra {self.slug} {self.status}>"


class SentraMembership(db.Model):
    __tablename__ = "sentra_membership"
    __table_args__ = (
        UniqueConstraint("sentra_id", "user_id"),
        # Exactly one owner per sentra is enforced by the services; at most one by the database.
        Index(
            "uq_sentra_membership_one_owner",
            "sentra_id",
            unique=True,
            sqlite_where=text("role = 'owner'"),
            postgresql_where=text("role = 'owner'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sentra_id: Mapped[int] = mapped_column(ForeignKey("sentra.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16), default=Role.MEMBER)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Given when joining (or asked once on the next visit to /kelola): the Gen Z figures read it.
    birth_year: Mapped[int | None] = mapped_column(Integer)
    birth_year_asked_at: Mapped[datetime | None]  # answered or dismissed: never asked again

    sentra: Mapped[Sentra] = relationship(back_populates="memberships")
    user = relationship("User", lazy="joined")


class SentraInvite(db.Model):
    """An invitation by email; it becomes a membership once that address is verified."""

    __tablename__ = "sentra_invite"
    __table_args__ = (UniqueConstraint("sentra_id", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sentra_id: Mapped[int] = mapped_column(ForeignKey("sentra.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    role: Mapped[str] = mapped_column(String(16), default=Role.MEMBER)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    sentra: Mapped[Sentra] = relationship()
