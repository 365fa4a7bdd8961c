"""A sentra's openings and the applications to them."""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shop.db import utcnow
from shop.extensions import db


class OpeningRole(StrEnum):
    PRODUCTION = "production"
    DESIGN = "design"
    PHOTOGRAPHY = "photography"
    ONLINE_SHOP_ADMIN = "online_shop_admin"
    COURIER = "courier"
    TRAINER = "trainer"
    OTHER = "other"


class Hours(StrEnum):
    PART_TIME = "part_time"
    FULL_TIME = "full_time"
    PER_PROJECT = "per_project"


class Pay(StrEnum):
    SALES_SHARE = "sales_share"
    PER_PIECE = "per_piece"
    FIXED = "fixed"


class OpeningStatus(StrEnum):
    OPEN = "open"  # takes applications until its closing day (WIB) has passed
    CLOSED = "closed"  # closed early by the sentra


class ApplicationStatus(StrEnum):
    SUBMITTED = "submitted"
    SHORTLISTED = "shortlisted"
    TRIAL = "trial"  # invited to a trial day
    ACCEPTED = "accepted"  # a member now
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"  # by the applicant


# The sentra's decisions, and from which states each may be taken.
DECISIONS: dict[str, frozenset[str]] = {
    ApplicationStatus.SHORTLISTED: frozenset({ApplicationStatus.SUBMITTED}),
    ApplicationStatus.TRIAL: frozenset({ApplicationStatus.SUBMITTED, ApplicationStatus.SHORTLISTED,
                                        ApplicationStatus.TRIAL}),
    ApplicationStatus.ACCEPTED: frozenset({ApplicationStatus.SUBMITTED, ApplicationStatus.SHORTLISTED,
                                           ApplicationStatus.TRIAL}),
    ApplicationStatus.REJECTED: frozenset({ApplicationStatus.SUBMITTED, ApplicationStatus.SHORTLISTED,
                                           ApplicationStatus.TRIAL}),
}
# States an applicant may still withdraw from, and in which the sentra still has to answer.
LIVE = frozenset({ApplicationStatus.SUBMITTED, ApplicationStatus.SHORTLISTED, ApplicationStatus.TRIAL})


class Opening(db.Model):
    __tablename__ = "opening"
    __table_args__ = (
        CheckConstraint("positions > 0", name="positions_positive"),
        Index("ix_opening_status_closes", "status", "closes_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sentra_id: Mapped[int] = mapped_column(ForeignKey("sentra.id"), index=True)
    title: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(Text, default="")
    skills: Mapped[list[str]] = mapped_column(JSON, default=list)
    positions: Mapped[int] = mapped_column(Integer)
    hours: Mapped[str] = mapped_column(String(12), default=Hours.PART_TIME)
    pay: Mapped[str] = mapped_column(String(12), default=Pay.SALES_SHARE)
    closes_on: Mapped[date] = mapped_column()  # the last day (WIB) it takes applications
    status: Mapped[str] = mapped_column(String(10), default=OpeningStatus.OPEN)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    closed_at: Mapped[datetime | None]

    sentra = relationship("Sentra", lazy="joined", innerjoin=True)

    def is_open(self, today: date) -> bool:
        return self.status == OpeningStatus.OPEN and self.closes_on >= today


class JobApplication(db.Model):
    """One resident's application to one opening; seen only by the sentra's managers, the applicant and
    the office. The phone reaches the sentra only once it is shortlisted (``shortlisted_at``)."""

    __tablename__ = "job_application"
    __table_args__ = (
        UniqueConstraint("opening_id", "applicant_id"),
        CheckConstraint("birth_year >= 1900", name="birth_year_plausible"),
        Index("ix_job_application_sentra_status", "sentra_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    opening_id: Mapped[int] = mapped_column(ForeignKey("opening.id"))
    sentra_id: Mapped[int] = mapped_column(ForeignKey("sentra.id"))
    applicant_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    motivation: Mapped[str] = mapped_column(Text)
    skills: Mapped[list[str]] = mapped_column(JSON, default=list)
    birth_year: Mapped[int] = mapped_column(Integer)
    kelurahan_code: Mapped[str] = mapped_column(ForeignKey("kelurahan.code"))
    phone: Mapped[str] = mapped_column(String(20))  # +62..., for WhatsApp
    portfolio_key: Mapped[str | None] = mapped_column(String(255))  # a private photo (never served by /media)
    portfolio_url: Mapped[str | None] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(12), default=ApplicationStatus.SUBMITTED)
    trial_at: Mapped[datetime | None]
    trial_note: Mapped[str] = mapped_column(Text, default="")
    decision_note: Mapped[str] = mapped_column(Text, default="")  # the message sent with the last decision
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    answered_at: Mapped[datetime | None]  # the sentra's first decision: how long applications wait
    shortlisted_at: Mapped[datetime | None]
    decided_at: Mapped[datetime | None]  # accepted or rejected
    withdrawn_at: Mapped[datetime | None]

    opening: Mapped[Opening] = relationship(lazy="joined", innerjoin=True)
    applicant = relationship("User", lazy="joined")
    kelurahan = relationship("Kelurahan")

    @property
    def phone_visible_to_sentra(self) -> bool:
        return self.shortlisted_at is not None and self.status != ApplicationStatus.WITHDRAWN
