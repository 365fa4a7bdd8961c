"""A sentra's classes, their sessions and the bookings of their seats."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shop.db import utcnow
from shop.extensions import db


class Audience(StrEnum):
    PUBLIC = "public"  # anyone may book
    YOUTH = "youth"  # free skill training for young residents of Kota Bekasi (birth year and kelurahan given)


class ClassStatus(StrEnum):
    PUBLISHED = "published"
    CANCELLED = "cancelled"


class BookingStatus(StrEnum):
    PENDING_PAYMENT = "pending_payment"  # a paid booking whose order waits for its payment
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"
    EXPIRED = "expired"  # the payment never came; the seats went back


# Bookings that hold seats.
HOLDING = (BookingStatus.PENDING_PAYMENT, BookingStatus.CONFIRMED)


class TrainingClass(db.Model):
    """A class or workshop of one sentra: ``seats_taken`` only changes through :mod:`orders.classes.seats`."""

    __tablename__ = "training_class"
    __table_args__ = (
        CheckConstraint("capacity > 0", name="capacity_positive"),
        CheckConstraint("seats_taken >= 0 AND seats_taken <= capacity", name="seats_within_capacity"),
        CheckConstraint("price_idr >= 0", name="price_not_negative"),
        CheckConstraint("max_seats_per_booking > 0", name="max_seats_positive"),
        CheckConstraint("cancel_hours >= 0", name="cancel_hours_not_negative"),
        Index("ix_training_class_sentra_starts", "sentra_id", "starts_at"),
        Index("ix_training_class_status_starts", "status", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sentra_id: Mapped[int] = mapped_column(ForeignKey("sentra.id"))
    title: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    subsector_code: Mapped[str] = mapped_column(ForeignKey("subsector.code"))
    location: Mapped[str] = mapped_column(String(255))
    capacity: Mapped[int] = mapped_column(Integer)
    seats_taken: Mapped[int] = mapped_column(Integer, default=0)
    price_idr: Mapped[int] = mapped_column(Integer, default=0)
    audience: Mapped[str] = mapped_column(String(10), default=Audience.PUBLIC)
    bring: Mapped[str] = mapped_column(Text, default="")
    # The trainer: a member of the sentra, or a named guest.
    trainer_user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    trainer_name: Mapped[str] = mapped_column(String(120), default="")
    max_seats_per_booking: Mapped[int] = mapped_column(Integer, default=4)
    cancel_hours: Mapped[int] = mapped_column(Integer, default=24)  # buyers may cancel until this long before
    status: Mapped[str] = mapped_column(String(10), default=ClassStatus.PUBLISHED)
    # The first session's start and the last one's end, kept for lists and filters.
    starts_at: Mapped[datetime] = mapped_column()
    ends_at: Mapped[datetime] = mapped_column()
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    cancelled_at: Mapped[datetime | None]

    sentra = relationship("Sentra", lazy="joined", innerjoin=True)
    subsector = relationship("Subsector", lazy="joined")
    trainer = relationship("User", foreign_keys=[trainer_user_id])
    sessions: Mapped[list[ClassSession]] = relationship(
        back_populates="training_class", cascade="all, delete-orphan", order_by="ClassSession.starts_at"
    )

    @property
    def seats_left(self) -> int:
        return max(self.capacity - self.seats_taken, 0)

    @property
    def is_free(self) -> bool:
        return self.price_idr == 0

    @property
    def trainer_label(self) -> str:
        return self.trainer.name if self.trainer is not None else self.trainer_name


class ClassSession(db.Model):
    __tablename__ = "class_session"
    __table_args__ = (CheckConstraint("ends_at > starts_at", name="ends_after_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("training_class.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime] = mapped_column()
    ends_at: Mapped[datetime] = mapped_column()

    training_class: Mapped[TrainingClass] = relationship(back_populates="sessions")


class ClassBooking(db.Model):
    """Seats of one class booked by one buyer; a paid booking is a line of ``order``."""

    __tablename__ = "class_booking"
    __table_args__ = (
        # A repeated request (same buyer, same key) finds the first booking.
        UniqueConstraint("buyer_id", "idempotency_key"),
        # The attendance code is looked up within its class at the door.
        UniqueConstraint("class_id", "code"),
        CheckConstraint("seats > 0", name="seats_positive"),
        CheckConstraint("total_idr >= 0", name="total_not_negative"),
        Index("ix_class_booking_class_status", "class_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("training_class.id"))
    sentra_id: Mapped[int] = mapped_column(ForeignKey("sentra.id"))
    buyer_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    idempotency_key: Mapped[str] = mapped_column(String(100))
    seats: Mapped[int] = mapped_column(Integer)
    total_idr: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(20))
    code: Mapped[str] = mapped_column(String(6))  # the attendance code shown at the door
    order_id: Mapped[int | None] = mapped_column(ForeignKey("order.id"), index=True)
    birth_year: Mapped[int | None] = mapped_column(Integer)
    kelurahan_code: Mapped[str | None] = mapped_column(ForeignKey("kelurahan.code"))
    attended_at: Mapped[datetime | None]
    checked_in_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    cancelled_at: Mapped[datetime | None]
    reminded_at: Mapped[datetime | None]  # the latest reminder (one a day before each session, ClassReminder)

    training_class: Mapped[TrainingClass] = relationship(lazy="joined", innerjoin=True)
    buyer = relationship("User", foreign_keys=[buyer_id])
    order = relationship("Order")
    certificate: Mapped[ClassCertificate | None] = relationship(back_populates="booking", uselist=False)
    attendances: Mapped[list[ClassAttendance]] = relationship(back_populates="booking",
                                                              order_by="ClassAttendance.checked_in_at")

    @property
    def attended(self) -> bool:
        return self.attended_at is not None


class ClassAttendance(db.Model):
    """A booking checked in at one session; a certificate needs one for every session of the class."""

    __tablename__ = "class_attendance"
    __table_args__ = (UniqueConstraint("booking_id", "session_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("class_booking.id"))
    session_id: Mapped[int] = mapped_column(ForeignKey("class_session.id", ondelete="CASCADE"), index=True)
    checked_in_at: Mapped[datetime] = mapped_column(default=utcnow)
    checked_in_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    booking: Mapped[ClassBooking] = relationship(back_populates="attendances")


class ClassReminder(db.Model):
    """The reminder of one booking for one session went out: one a day before each session, never twice."""

    __tablename__ = "class_reminder"
    __table_args__ = (UniqueConstraint("booking_id", "session_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("class_booking.id"))
    # A session moved by an edit is a new session: its own reminder goes out.
    session_id: Mapped[int] = mapped_column(ForeignKey("class_session.id", ondelete="CASCADE"), index=True)
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)


class ClassCertificate(db.Model):
    """A certificate of attendance: what it says is copied, so it reads the same however the class changes."""

    __tablename__ = "class_certificate"

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("class_booking.id"), unique=True)
    sentra_id: Mapped[int] = mapped_column(ForeignKey("sentra.id"), index=True)
    code: Mapped[str] = mapped_column(String(12), unique=True)  # checked publicly at /sertifikat/<code>
    name: Mapped[str] = mapped_column(String(120))
    class_title: Mapped[str] = mapped_column(String(120))
    sentra_name: Mapped[str] = mapped_column(String(120))
    trainer: Mapped[str] = mapped_column(String(120), default="")
    first_day: Mapped[datetime] = mapped_column()
    last_day: Mapped[datetime] = mapped_column()
    hours: Mapped[int] = mapped_column(Integer)  # the sessions' length, in whole hours (at least 1)
    issued_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    booking: Mapped[ClassBooking] = relationship(back_populates="certificate")


class WaitStatus(StrEnum):
    WAITING = "waiting"
    OFFERED = "offered"  # seats are held for them until offered_until
    BOOKED = "booked"
    EXPIRED = "expired"  # the offer lapsed; the seats went to the next


class WaitlistEntry(db.Model):
    """A place in a full class's waiting list; freed seats are offered in the order people joined."""

    __tablename__ = "class_waitlist"
    __table_args__ = (
        UniqueConstraint("class_id", "user_id"),
        CheckConstraint("seats > 0", name="seats_positive"),
        Index("ix_class_waitlist_class_status", "class_id", "status", "joined_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("training_class.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    seats: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(10), default=WaitStatus.WAITING)
    joined_at: Mapped[datetime] = mapped_column(default=utcnow)
    offered_until: Mapped[datetime | None] = mapped_column(index=True)

    training_class: Mapped[TrainingClass] = relationship(lazy="joined", innerjoin=True)
    user = relationship("User")
