"""UMKM partner organisations and their members."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shop.db import utcnow
from shop.extensions import db


class PartnerStatus(StrEnum):
    PENDING = "pending"
    VERIFIED = "verified"
    REJECTED = "rejected"


class PartnerRole(StrEnum):
    STAFF = "staff"  # prepares requests and orders
    MANAGER = "manager"  # also approves purchases above the threshold
    OWNER = "owner"  # a manager who also manages colleagues

    @property
    def approves(self) -> bool:
        return self in (PartnerRole.MANAGER, PartnerRole.OWNER)


class Partner(db.Model):
    __tablename__ = "partner"
    __table_args__ = (
        CheckConstraint(
            "kelurahan_code IS NOT NULL OR (city IS NOT NULL AND postal_code IS NOT NULL)",
            name="place_given",
        ),
        CheckConstraint("approval_threshold_idr IS NULL OR approval_threshold_idr >= 0",
                        name="threshold_not_negative"),
        CheckConstraint("terms_days IS NULL OR terms_days IN (14, 30)", name="terms_days_allowed"),
        CheckConstraint("credit_limit_idr >= 0", name="credit_limit_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(160))
    nib: Mapped[str] = mapped_column(String(13), unique=True)  # Nomor Induk Berusaha
    npwp: Mapped[str | None] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default=PartnerStatus.PENDING, index=True)
    status_reason: Mapped[str | None] = mapped_column(Text)
    street: Mapped[str] = mapped_column(String(255))
    kelurahan_code: Mapped[str | None] = mapped_column(ForeignKey("kelurahan.code"))
    city: Mapped[str | None] = mapped_column(String(80))
    postal_code: Mapped[str | None] = mapped_column(String(5))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    # A purchase above this total needs a manager other than its preparer (None: never).
    approval_threshold_idr: Mapped[int | None] = mapped_column(Integer)
    # Payment terms (tempo) the program office allows: 14 or 30 days, None when not enabled,
    # up to a credit limit of unpaid invoices on terms.
    terms_days: Mapped[int | None] = mapped_column(Integer)
    credit_limit_idr: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    kelurahan = relationship("Kelurahan", lazy="joined")
    memberships: Mapped[list[PartnerMembership]] = relationship(
        back_populates="partner", cascade="all, delete-orphan"
    )

    @property
    def is_verified(self) -> bool:
        return self.status == PartnerStatus.VERIFIED


class PartnerMembership(db.Model):
    __tablename__ = "partner_membership"
    __table_args__ = (UniqueConstraint("partner_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16), default=PartnerRole.STAFF)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    partner: Mapped[Partner] = relationship(back_populates="memberships")
    user = relationship("User", lazy="joined")
