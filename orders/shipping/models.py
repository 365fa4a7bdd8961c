"""Shipments and their tracking timelines, and problems a buyer raises after delivery."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shop.db import utcnow
from shop.extensions import db


class TrackingStatus(StrEnum):
    PACKED = "packed"
    READY_FOR_PICKUP = "ready_for_pickup"
    HANDED_TO_COURIER = "handed_to_courier"
    IN_TRANSIT = "in_transit"
    OUT_FOR_DELIVERY = "out_for_delivery"
    DELIVERY_FAILED = "delivery_failed"
    DELIVERED = "delivered"
    RETURNED = "returned"


class Carrier(StrEnum):
    JNE = "jne"
    JNT = "jnt"
    SICEPAT = "sicepat"
    ANTERAJA = "anteraja"
    POS = "pos"
    OTHER = "other"


class Shipment(db.Model):
    """How one order travels: its method, who carries it, and the codes that prove the handover."""

    __tablename__ = "shipment"
    __table_args__ = (
        CheckConstraint("code_failures >= 0", name="failures_not_negative"),
        Index("ix_shipment_courier_status", "courier_user_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("order.id", ondelete="CASCADE"), unique=True)
    sentra_id: Mapped[int] = mapped_column(ForeignKey("sentra.id"), index=True)
    method: Mapped[str] = mapped_column(String(20))  # pickup | sentra_courier | courier
    status: Mapped[str | None] = mapped_column(String(20))  # the last tracking event's status
    # sentra_courier: the member who carries it (sees the buyer's address only while assigned).
    courier_user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    # courier: the external carrier and its waybill (upper case, no spaces).
    carrier: Mapped[str | None] = mapped_column(String(20))
    carrier_name: Mapped[str | None] = mapped_column(String(60))  # for "other"
    waybill: Mapped[str | None] = mapped_column(String(40))
    # The buyer's delivery PIN (sentra courier): six digits the courier asks for at the door.
    delivery_pin: Mapped[str | None] = mapped_column(String(6))
    # Wrong pickup codes or PINs in a row; at the limit the handover locks until a manager resets it.
    code_failures: Mapped[int] = mapped_column(Integer, default=0)
    locked_at: Mapped[datetime | None]
    # Delivered without the PIN: who took it, and a photo (the buyer may dispute it).
    recipient_name: Mapped[str | None] = mapped_column(String(120))
    proof_key: Mapped[str | None] = mapped_column(String(255))
    ready_at: Mapped[datetime | None]  # ready for pickup: the collection deadline counts from here
    reminders_sent: Mapped[int] = mapped_column(Integer, default=0)
    delivered_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    order = relationship("Order", backref=db.backref("shipment", uselist=False))
    events: Mapped[list[TrackingEvent]] = relationship(
        back_populates="shipment", cascade="all, delete-orphan", order_by="TrackingEvent.id"
    )
    courier = relationship("User", foreign_keys=[courier_user_id])


class TrackingEvent(db.Model):
    """One step of a shipment's timeline, appended and never edited."""

    __tablename__ = "tracking_event"
    __table_args__ = (Index("ix_tracking_event_actor_created", "actor_id", "created_at"),)  # member activity: who acted, when

    id: Mapped[int] = mapped_column(primary_key=True)
    shipment_id: Mapped[int] = mapped_column(ForeignKey("shipment.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    photo_key: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    shipment: Mapped[Shipment] = relationship(back_populates="events")


class ProblemKind(StrEnum):
    NOT_RECEIVED = "not_received"
    DAMAGED = "damaged"
    WRONG_ITEM = "wrong_item"
    DISPUTED_DELIVERY = "disputed_delivery"  # delivered without the PIN, and the buyer says no


class ProblemStatus(StrEnum):
    OPEN = "open"
    ANSWERED = "answered"  # the sentra replied; the office settles
    REFUNDED = "refunded"
    CLOSED = "closed"


class OrderProblem(db.Model):
    """A problem the buyer raised after delivery; an open one holds the order at ``delivered``."""

    __tablename__ = "order_problem"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("order.id", ondelete="CASCADE"), index=True)
    sentra_id: Mapped[int] = mapped_column(ForeignKey("sentra.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default=ProblemStatus.OPEN, index=True)
    sentra_reply: Mapped[str | None] = mapped_column(Text)
    replied_at: Mapped[datetime | None]
    replied_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    settlement_note: Mapped[str | None] = mapped_column(Text)
    settled_at: Mapped[datetime | None]
    settled_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    order = relationship("Order")
