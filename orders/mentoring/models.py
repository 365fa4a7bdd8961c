"""Mentors, their slots, the sessions booked on them and each session's action items."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shop.db import WIB, utcnow
from shop.extensions import db


class Topic(StrEnum):
    PRICING = "pricing"
    BOOKKEEPING = "bookkeeping"
    PHOTOGRAPHY = "photography"
    ONLINE_MARKETING = "online_marketing"
    HALAL_CERTIFICATION = "halal_certification"
    OTHER = "other"


class SlotMode(StrEnum):
    ONLINE = "online"
    PLACE = "place"


class SlotStatus(StrEnum):
    OPEN = "open"
    BOOKED = "booked"
    WITHDRAWN = "withdrawn"


mentor_subsector = Table(
    "mentor_subsector", db.metadata,
    Column("mentor_id", ForeignKey("mentor.id", ondelete="CASCADE"), primary_key=True),
    Column("subsector_code", ForeignKey("subsector.code"), primary_key=True),
)


class Mentor(db.Model):
    """A mentor on the office's roster. ``user_id`` is set when the invited person accepts."""

    __tablename__ = "mentor"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), unique=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)  # the invitation's address, lower-case
    name: Mapped[str] = mapped_column(String(120))
    headline: Mapped[str] = mapped_column(String(160), default="")  # "Akuntan, dosen Universitas ..."
    contact: Mapped[str] = mapped_column(String(255), default="")  # how sentras reach them
    topics: Mapped[str] = mapped_column(String(200), default="")  # Topic values, comma-separated
    active: Mapped[bool] = mapped_column(default=True)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    joined_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user = relationship("User", foreign_keys=[user_id])
    subsectors = relationship("Subsector", secondary=mentor_subsector, order_by="Subsector.code", lazy="selectin")

    @property
    def topic_list(self) -> list[str]:
        return [t for t in self.topics.split(",") if t]


class MentoringSlot(db.Model):
    __tablename__ = "mentoring_slot"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        Index("ix_mentoring_slot_status_starts", "status", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    mentor_id: Mapped[int] = mapped_column(ForeignKey("mentor.id"), index=True)
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    mode: Mapped[str] = mapped_column(String(10), default=SlotMode.ONLINE)
    link: Mapped[str] = mapped_column(String(500), default="")  # the meeting link of an online slot
    place: Mapped[str] = mapped_column(String(255), default="")
    # Taken once: booking is UPDATE ... SET status = 'booked' WHERE id = :id AND status = 'open'.
    status: Mapped[str] = mapped_column(String(10), default=SlotStatus.OPEN)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    mentor: Mapped[Mentor] = relationship(lazy="joined", innerjoin=True)

    @property
    def hours(self) -> float:
        return (self.ends_at - self.starts_at).total_seconds() / 3600

    @property
    def ends_clock(self) -> str:
        """The end as a WIB clock time, ``15.30``, for "6 Des 2026 14.00 WIB – 15.30"."""
        return self.ends_at.astimezone(WIB).strftime("%H.%M")


class MentoringSession(db.Model):
    """A booked slot: the sentra's topic and question, then the mentor's notes and action items."""

    __tablename__ = "mentoring_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    slot_id: Mapped[int] = mapped_column(ForeignKey("mentoring_slot.id"), unique=True)
    mentor_id: Mapped[int] = mapped_column(ForeignKey("mentor.id"), index=True)
    sentra_id: Mapped[int] = mapped_column(ForeignKey("sentra.id"), index=True)
    booked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    topic: Mapped[str] = mapped_column(String(30))
    question: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")  # the mentor's; seen by the sentra's managers and office
    notes_at: Mapped[datetime | None]
    reminded_at: Mapped[datetime | None]  # the reminder a day before was sent
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    slot: Mapped[MentoringSlot] = relationship(lazy="joined", innerjoin=True)
    mentor: Mapped[Mentor] = relationship(lazy="joined", innerjoin=True)
    sentra = relationship("Sentra", lazy="joined", innerjoin=True)
    booked_by = relationship("User")
    actions: Mapped[list[MentoringAction]] = relationship(
        back_populates="session", order_by="MentoringAction.position", cascade="all, delete-orphan")

    @property
    def starts_at(self) -> datetime:
        return self.slot.starts_at

    @property
    def ends_at(self) -> datetime:
        return self.slot.ends_at


class MentoringAction(db.Model):
    """An action item the mentor set; the sentra ticks it off."""

    __tablename__ = "mentoring_action"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("mentoring_session.id", ondelete="CASCADE"), index=True)
    sentra_id: Mapped[int] = mapped_column(ForeignKey("sentra.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    text: Mapped[str] = mapped_column(String(255))
    done_at: Mapped[datetime | None]
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    session: Mapped[MentoringSession] = relationship(back_populates="actions")
