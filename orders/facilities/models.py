"""A sentra's facilities (a sewing machine, a screen-printing table, the shared workspace) and their bookings."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shop.db import utcnow
from shop.extensions import db


class FacilityBookingStatus(StrEnum):
    PENDING_PAYMENT = "pending_payment"
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


class FacilityBookingKind(StrEnum):
    BOOKING = "booking"
    MAINTENANCE = "maintenance"  # a manager's block: it takes every unit


# Bookings that take units.
TAKING = (FacilityBookingStatus.PENDING_PAYMENT, FacilityBookingStatus.CONFIRMED)


def hours_text(opens_minute: int, closes_minute: int) -> str:
    """Opening hours as people write them: ``08:00-20:00``."""
    return f"{opens_minute // 60:02d}:{opens_minute % 60:02d}-{closes_minute // 60:02d}:{closes_minute % 60:02d}"


class Facility(db.Model):
    __tablename__ = "facility"
    __table_args__ = (
        CheckConstraint("units > 0", name="units_positive"),
        CheckConstraint("hourly_price_idr >= 0", name="price_not_negative"),
        CheckConstraint("closes_minute > opens_minute", name="closes_after_opening"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sentra_id: Mapped[int] = mapped_column(ForeignKey("sentra.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    hourly_price_idr: Mapped[int] = mapped_column(Integer, default=0)
    units: Mapped[int] = mapped_column(Integer, default=1)
    # Open every day from opens_minute to closes_minute after midnight, WIB.
    opens_minute: Mapped[int] = mapped_column(Integer, default=8 * 60)
    closes_minute: Mapped[int] = mapped_column(Integer, default=20 * 60)
    # Bumped by every booking: the UPDATE that takes the row's write lock before units are counted.
    lock_version: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    sentra = relationship("Sentra", lazy="joined", innerjoin=True)

    @property
    def opening_hours(self) -> str:
        return hours_text(self.opens_minute, self.closes_minute)


class FacilityBooking(db.Model):
    __tablename__ = "facility_booking"
    __table_args__ = (
        UniqueConstraint("user_id", "idempotency_key"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("units > 0", name="units_positive"),
        CheckConstraint("total_idr >= 0", name="total_not_negative"),
        Index("ix_facility_booking_facility_time", "facility_id", "starts_at", "ends_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    facility_id: Mapped[int] = mapped_column(ForeignKey("facility.id"))
    sentra_id: Mapped[int] = mapped_column(ForeignKey("sentra.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)  # the booker, or the blocking manager
    idempotency_key: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(12), default=FacilityBookingKind.BOOKING)
    status: Mapped[str] = mapped_column(String(20))
    starts_at: Mapped[datetime] = mapped_column()
    ends_at: Mapped[datetime] = mapped_column()
    units: Mapped[int] = mapped_column(Integer, default=1)
    by_member: Mapped[bool] = mapped_column(default=False)
    total_idr: Mapped[int] = mapped_column(Integer, default=0)
    order_id: Mapped[int | None] = mapped_column(ForeignKey("order.id"), index=True)
    note: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    facility: Mapped[Facility] = relationship(lazy="joined", innerjoin=True)
    user = relationship("User")
    order = relationship("Order")

    @property
    def hours(self) -> float:
        return (self.ends_at - self.starts_at).total_seconds() / 3600
