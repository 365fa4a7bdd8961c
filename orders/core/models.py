"""Checkouts (the payment group), one order per sentra, their lines and their history."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shop.db import utcnow
from shop.extensions import db
from shop.places.models import PlacedAddress


class OrderStatus(StrEnum):
    """Fulfilment. Changed only through :func:`orders.core.status.transition`."""

    PENDING_PAYMENT = "pending_payment"
    PLACED = "placed"
    PROCESSING = "processing"
    READY_FOR_PICKUP = "ready_for_pickup"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


class PaymentStatus(StrEnum):
    UNPAID = "unpaid"
    PAID = "paid"
    PARTIALLY_REFUNDED = "partially_refunded"
    REFUNDED = "refunded"


class DeliveryMethod(StrEnum):
    PICKUP = "pickup"
    SENTRA_COURIER = "sentra_courier"
    COURIER = "courier"


class Checkout(PlacedAddress, db.Model):
    """What one submit of the checkout made: the orders it paid for together, and the address."""

    __tablename__ = "checkout"
    __table_args__ = (
        # A repeated submit (same buyer, same key) finds the first checkout instead of making a second.
        UniqueConstraint("buyer_id", "idempotency_key"),
        CheckConstraint("total_idr >= 0", name="total_not_negative"),
        CheckConstraint("kelurahan_code IS NOT NULL OR (city IS NOT NULL AND postal_code IS NOT NULL)",
                        name="place_given"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    buyer_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    idempotency_key: Mapped[str] = mapped_column(String(100))
    payment_method: Mapped[str] = mapped_column(String(20))
    total_idr: Mapped[int] = mapped_column(Integer)
    recipient: Mapped[str] = mapped_column(String(120))
    phone: Mapped[str] = mapped_column(String(20))
    street: Mapped[str] = mapped_column(String(255))
    kelurahan_code: Mapped[str | None] = mapped_column(ForeignKey("kelurahan.code"))
    city: Mapped[str | None] = mapped_column(String(80))
    postal_code: Mapped[str | None] = mapped_column(String(5))
    # Bought for a verified UMKM partner (partner prices, an invoice); None for a resident.
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partner.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # An unpaid online payment expires then (None: nothing to wait for, as with pay on pickup).
    expires_at: Mapped[datetime | None] = mapped_column(index=True)

    buyer = relationship("User")
    kelurahan = relationship("Kelurahan")
    orders: Mapped[list[Order]] = relationship(back_populates="checkout", order_by="Order.id")
    payment = relationship("Payment", back_populates="checkout", uselist=False)


class Order(db.Model):
    """One sentra's part of a checkout."""

    __tablename__ = "order"
    __table_args__ = (
        CheckConstraint("subtotal_idr >= 0", name="subtotal_not_negative"),
        CheckConstraint("delivery_fee_idr >= 0", name="fee_not_negative"),
        CheckConstraint("total_idr >= 0", name="total_not_negative"),
        CheckConstraint("refunded_idr >= 0", name="refunded_not_negative"),
        CheckConstraint("tax_idr >= 0", name="tax_not_negative"),
        Index("ix_order_sentra_status", "sentra_id", "status"),
        Index("ix_order_buyer_created", "buyer_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)  # PS-2611-8K3F9
    checkout_id: Mapped[int] = mapped_column(ForeignKey("checkout.id"), index=True)
    sentra_id: Mapped[int] = mapped_column(ForeignKey("sentra.id"))
    buyer_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    status: Mapped[str] = mapped_column(String(20))
    payment_status: Mapped[str] = mapped_column(String(20), default=PaymentStatus.UNPAID)
    payment_method: Mapped[str] = mapped_column(String(20))
    delivery_method: Mapped[str] = mapped_column(String(20))
    subtotal_idr: Mapped[int] = mapped_column(Integer)
    delivery_fee_idr: Mapped[int] = mapped_column(Integer, default=0)
    # PPN on an invoice of a PKP sentra (B2B only); the total includes it.
    tax_idr: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    total_idr: Mapped[int] = mapped_column(Integer)
    refunded_idr: Mapped[int] = mapped_column(Integer, default=0)
    # The UMKM partner this order was bought for (None: a resident's order).
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partner.id"), index=True)
    weight_grams: Mapped[int] = mapped_column(Integer, default=0)
    distance_km: Mapped[int | None] = mapped_column(Integer)  # sentra courier: the km the fee counted
    # Shown to the buyer: the code that collects a pickup, and the one that opens public tracking.
    pickup_code: Mapped[str | None] = mapped_column(String(6))
    tracking_code: Mapped[str] = mapped_column(String(12))
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    # A card dispute was opened: the program office must look.
    disputed_at: Mapped[datetime | None]
    # The card dispute was lost: the money went back to the buyer's bank (the ledger debits it).
    dispute_lost_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    paid_at: Mapped[datetime | None]
    # When it should be ready (pickup) or arrive: lead times, the sentra's handling days and the
    # delivery method's days counted from placing (orders.core.promises).
    promised_at: Mapped[datetime | None] = mapped_column(index=True)
    completed_at: Mapped[datetime | None]

    checkout: Mapped[Checkout] = relationship(back_populates="orders")
    sentra = relationship("Sentra", lazy="joined", innerjoin=True)
    buyer = relationship("User")
    lines: Mapped[list[OrderLine]] = relationship(
        back_populates="order", cascade="all, delete-orphan", order_by="OrderLine.id"
    )
    events: Mapped[list[OrderEvent]] = relationship(
        back_populates="order", cascade="all, delete-orphan", order_by="OrderEvent.id"
    )

    @property
    def item_count(self) -> int:
        return sum(line.quantity for line in self.lines)

    @hybrid_property
    def refundable_idr(self) -> int:
        """What of the total has not been refunded yet (also an SQL expression: ``Order.refundable_idr``)."""
        return self.total_idr - self.refunded_idr

    def __repr__(self) -> str:
        return f"<Order {self.number} {self.status}/{self.payment_status}>"


class OrderLine(db.Model):
    """A variant as it was bought: title, options and price are copied, not looked up later."""

    __tablename__ = "order_line"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("unit_price_idr >= 0", name="price_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("order.id", ondelete="CASCADE"), index=True)
    variant_id: Mapped[int | None] = mapped_column(ForeignKey("variant.id", ondelete="SET NULL"), index=True)
    product_id: Mapped[int | None] = mapped_column(ForeignKey("product.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(120))
    variant_label: Mapped[str] = mapped_column(String(255), default="")
    sku: Mapped[str] = mapped_column(String(64))
    quantity: Mapped[int] = mapped_column(Integer)
    unit_price_idr: Mapped[int] = mapped_column(Integer)
    weight_grams: Mapped[int] = mapped_column(Integer, default=0)
    made_to_order: Mapped[bool] = mapped_column(default=False)

    order: Mapped[Order] = relationship(back_populates="lines")

    @property
    def total_idr(self) -> int:
        return self.unit_price_idr * self.quantity


class OrderEvent(db.Model):
    """One change of an order, appended and never edited: who, when, from, to, and why."""

    __tablename__ = "order_event"
    __table_args__ = (Index("ix_order_event_actor_created", "actor_id", "created_at"),)  # member activity: who acted, when

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("order.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20), default="status")  # status | payment | note
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str | None] = mapped_column(String(20))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    order: Mapped[Order] = relationship(back_populates="events")
    actor = relationship("User")
