"""UMKM partner organisations and their members."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shop.db import utcnow
from shop.extensions import db


class PartnerStatus(StrEnum):
    PENDING = "pending"
    VERIFIED = "verified"
    REJECTED = "rejected"


class PartnerRole(StrEnum):
    STAFF = "staff"
    MANAGER = "manager"
    OWNER = "owner"


class Partner(db.Model):
    __tablename__ = "partner"
    __table_args__ = (
        CheckConstraint(
            "kelurahan_code IS NOT NULL OR (city IS NOT NULL AND postal_code IS NOT NULL)",
            name="place_given",
        ),
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
