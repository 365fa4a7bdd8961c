"""Requests for quote, quotes and their revisions, approvals, invoices and handover records.

A partner's request (``Rfq``) goes to one sentra; the sentra answers with quotes (each
revision a new row; the newest open one supersedes the rest). Accepting a quote makes
an order (``Quote.order_id``) and its invoice, numbered per sentra and year without
gaps (``InvoiceCounter``). Above the partner's threshold an accept first waits for a
manager's ``PurchaseApproval``.
"""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shop.db import utcnow
from shop.extensions import db
from shop.places.models import PlacedAddress


class RfqStatus(StrEnum):
    OPEN = "open"  # waiting for the sentra's quote
    QUOTED = "quoted"  # a quote waits for the partner's decision
    ACCEPTED = "accepted"
    DECLINED = "declined"
    CANCELLED = "cancelled"  # withdrawn by the partner


class QuoteStatus(StrEnum):
    """A quote's own state. Whether it is past its validity date is worked out, not stored."""

    OPEN = "open"
    SUPERSEDED = "superseded"  # a newer revision replaced it
    ACCEPTED = "accepted"
    DECLINED = "declined"


class ApprovalStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    CANCELLED = "cancelled"  # the quote was superseded, expired or withdrawn meanwhile
    USED = "used"  # (cart approvals) the approved checkout was placed


class InvoiceStatus(StrEnum):
    UNPAID = "unpaid"
    PAID = "paid"
    VOID = "void"  # the order was cancelled; the number stays used, never reissued


class Side(StrEnum):
    PARTNER = "partner"
    SENTRA = "sentra"


class Rfq(PlacedAddress, db.Model):
    """A partner's request for quote to one sentra."""

    __tablename__ = "rfq"
    __table_args__ = (
        CheckConstraint("kelurahan_code IS NOT NULL OR (city IS NOT NULL AND postal_code IS NOT NULL)",
                        name="place_given"),
        Index("ix_rfq_sentra_status", "sentra_id", "status"),
        Index("ix_rfq_partner_status", "partner_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id"))
    sentra_id: Mapped[int] = mapped_column(ForeignKey("sentra.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(16), default=RfqStatus.OPEN)
    needed_by: Mapped[date] = mapped_column(Date)
    recipient: Mapped[str] = mapped_column(String(120))
    phone: Mapped[str] = mapped_column(String(20))
    street: Mapped[str] = mapped_column(String(255))
    kelurahan_code: Mapped[str | None] = mapped_column(ForeignKey("kelurahan.code"))
    city: Mapped[str | None] = mapped_column(String(80))
    postal_code: Mapped[str | None] = mapped_column(String(5))
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    partner = relationship("Partner", lazy="joined", innerjoin=True)
    sentra = relationship("Sentra", lazy="joined", innerjoin=True)
    created_by = relationship("User")
    kelurahan = relationship("Kelurahan")
    lines: Mapped[list[RfqLine]] = relationship(back_populates="rfq", cascade="all, delete-orphan",
                                                order_by="RfqLine.position")
    images: Mapped[list[RfqImage]] = relationship(back_populates="rfq", cascade="all, delete-orphan",
                                                  order_by="RfqImage.position")
    comments: Mapped[list[RfqComment]] = relationship(back_populates="rfq", cascade="all, delete-orphan",
                                                      order_by="RfqComment.id")
    quotes: Mapped[list[Quote]] = relationship(back_populates="rfq", order_by="Quote.revision")

    @property
    def current_quote(self) -> Quote | None:
        """The newest revision (open, accepted or declined), or None before the first quote."""
        return self.quotes[-1] if self.quotes else None


class RfqLine(db.Model):
    __tablename__ = "rfq_line"
    __table_args__ = (CheckConstraint("quantity > 0", name="quantity_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    rfq_id: Mapped[int] = mapped_column(ForeignKey("rfq.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    product_id: Mapped[int | None] = mapped_column(ForeignKey("product.id", ondelete="SET NULL"))
    description: Mapped[str] = mapped_column(String(500))
    quantity: Mapped[int] = mapped_column(Integer)

    rfq: Mapped[Rfq] = relationship(back_populates="lines")
    product = relationship("Product")


class RfqImage(db.Model):
    """A reference image (re-encoded WebP) the partner attached; at most three per request."""

    __tablename__ = "rfq_image"

    id: Mapped[int] = mapped_column(primary_key=True)
    rfq_id: Mapped[int] = mapped_column(ForeignKey("rfq.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    key: Mapped[str] = mapped_column(String(255))
    thumb_key: Mapped[str] = mapped_column(String(255))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)

    rfq: Mapped[Rfq] = relationship(back_populates="images")


class RfqComment(db.Model):
    """A message on a request, from either side; appended, never edited."""

    __tablename__ = "rfq_comment"
    __table_args__ = (Index("ix_rfq_comment_author_created", "author_id", "created_at"),)  # member activity: who acted, when

    id: Mapped[int] = mapped_column(primary_key=True)
    rfq_id: Mapped[int] = mapped_column(ForeignKey("rfq.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    side: Mapped[str] = mapped_column(String(8))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    rfq: Mapped[Rfq] = relationship(back_populates="comments")
    author = relationship("User")


class Quote(db.Model):
    """One revision of a sentra's answer to a request. Money as the partner would pay it."""

    __tablename__ = "quote"
    __table_args__ = (
        UniqueConstraint("rfq_id", "revision"),
        CheckConstraint("subtotal_idr >= 0", name="subtotal_not_negative"),
        CheckConstraint("delivery_fee_idr >= 0", name="fee_not_negative"),
        CheckConstraint("tax_idr >= 0", name="tax_not_negative"),
        CheckConstraint("total_idr >= 0", name="total_not_negative"),
        Index("ix_quote_sentra_status", "sentra_id", "status"),
        Index("ix_quote_created_by_created", "created_by_id", "created_at"),  # member activity
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    rfq_id: Mapped[int] = mapped_column(ForeignKey("rfq.id", ondelete="CASCADE"), index=True)
    sentra_id: Mapped[int] = mapped_column(ForeignKey("sentra.id"))
    revision: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[str] = mapped_column(String(16), default=QuoteStatus.OPEN)
    valid_until: Mapped[date] = mapped_column(Date)  # the last day (WIB) it can be accepted
    delivery_method: Mapped[str] = mapped_column(String(20))
    delivery_fee_idr: Mapped[int] = mapped_column(Integer, default=0)
    subtotal_idr: Mapped[int] = mapped_column(Integer)
    # PPN, only when the sentra is a PKP (VAT-registered business): rate in percent at quoting.
    tax_rate_percent: Mapped[int] = mapped_column(Integer, default=0)
    tax_idr: Mapped[int] = mapped_column(Integer, default=0)
    total_idr: Mapped[int] = mapped_column(Integer)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    # The order accepting made: unique, so a quote can make one order only.
    order_id: Mapped[int | None] = mapped_column(ForeignKey("order.id"), unique=True)

    rfq: Mapped[Rfq] = relationship(back_populates="quotes")
    sentra = relationship("Sentra")
    lines: Mapped[list[QuoteLine]] = relationship(back_populates="quote", cascade="all, delete-orphan",
                                                  order_by="QuoteLine.position")
    order = relationship("Order")
    created_by = relationship("User", foreign_keys=[created_by_id])


class QuoteLine(db.Model):
    __tablename__ = "quote_line"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("unit_price_idr >= 0", name="price_not_negative"),
        CheckConstraint("lead_time_days >= 0", name="lead_time_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    quote_id: Mapped[int] = mapped_column(ForeignKey("quote.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    product_id: Mapped[int | None] = mapped_column(ForeignKey("product.id", ondelete="SET NULL"))
    # A stocked variant's stock is reserved on accepting; without one the line is made to order.
    variant_id: Mapped[int | None] = mapped_column(ForeignKey("variant.id", ondelete="SET NULL"))
    description: Mapped[str] = mapped_column(String(500))
    quantity: Mapped[int] = mapped_column(Integer)
    unit_price_idr: Mapped[int] = mapped_column(Integer)
    lead_time_days: Mapped[int] = mapped_column(Integer, default=0)

    quote: Mapped[Quote] = relationship(back_populates="lines")
    variant = relationship("Variant")

    @property
    def total_idr(self) -> int:
        return self.unit_price_idr * self.quantity


class PurchaseApproval(db.Model):
    """A manager's decision on a purchase above the partner's approval threshold.

    ``kind`` is ``quote`` (accepting ``quote_id`` with ``payment_method``) or ``cart``
    (a checkout of the requester's cart whose contents match ``fingerprint``).
    """

    __tablename__ = "purchase_approval"
    __table_args__ = (
        CheckConstraint("amount_idr >= 0", name="amount_not_negative"),
        # One open approval per quote: a second accept finds the first request.
        Index("uq_purchase_approval_pending_quote", "quote_id", unique=True,
              sqlite_where=text("status = 'pending'"), postgresql_where=text("status = 'pending'")),
        Index("ix_purchase_approval_partner_status", "partner_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id"))
    kind: Mapped[str] = mapped_column(String(8))
    quote_id: Mapped[int | None] = mapped_column(ForeignKey("quote.id", ondelete="CASCADE"))
    fingerprint: Mapped[str | None] = mapped_column(String(64))
    payment_method: Mapped[str] = mapped_column(String(20))
    amount_idr: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(12), default=ApprovalStatus.PENDING)
    note: Mapped[str | None] = mapped_column(Text)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None]
    checkout_id: Mapped[int | None] = mapped_column(ForeignKey("checkout.id", ondelete="SET NULL"))

    partner = relationship("Partner")
    quote = relationship("Quote")
    requested_by = relationship("User", foreign_keys=[requested_by_id])
    decided_by = relationship("User", foreign_keys=[decided_by_id])


class InvoiceCounter(db.Model):
    """The last invoice number a sentra used in a year; bumped in the invoice's transaction."""

    __tablename__ = "invoice_counter"

    sentra_id: Mapped[int] = mapped_column(ForeignKey("sentra.id", ondelete="CASCADE"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last: Mapped[int] = mapped_column(Integer, default=0)


class Invoice(db.Model):
    """A partner order's faktur. Both parties' details are copied at issue, as on paper."""

    __tablename__ = "invoice"
    __table_args__ = (
        UniqueConstraint("sentra_id", "year", "sequence"),
        CheckConstraint("subtotal_idr >= 0", name="subtotal_not_negative"),
        CheckConstraint("delivery_fee_idr >= 0", name="fee_not_negative"),
        CheckConstraint("tax_idr >= 0", name="tax_not_negative"),
        CheckConstraint("total_idr >= 0", name="total_not_negative"),
        Index("ix_invoice_partner_status", "partner_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sentra_id: Mapped[int] = mapped_column(ForeignKey("sentra.id"))
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id"))
    order_id: Mapped[int] = mapped_column(ForeignKey("order.id"), unique=True)
    number: Mapped[str] = mapped_column(String(60), unique=True)  # INV/JATIWARINGIN/2026/0042
    year: Mapped[int] = mapped_column(Integer)
    sequence: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(8), default=InvoiceStatus.UNPAID)
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    due_on: Mapped[date] = mapped_column(Date, index=True)
    terms_days: Mapped[int | None] = mapped_column(Integer)  # None: paid by transfer before delivery
    payment_method: Mapped[str] = mapped_column(String(20))
    subtotal_idr: Mapped[int] = mapped_column(Integer)
    delivery_fee_idr: Mapped[int] = mapped_column(Integer, default=0)
    tax_rate_percent: Mapped[int] = mapped_column(Integer, default=0)
    tax_idr: Mapped[int] = mapped_column(Integer, default=0)
    total_idr: Mapped[int] = mapped_column(Integer)
    seller_name: Mapped[str] = mapped_column(String(160))
    seller_address: Mapped[str] = mapped_column(String(400))
    seller_npwp: Mapped[str | None] = mapped_column(String(16))
    seller_pkp: Mapped[bool] = mapped_column(Boolean, default=False)
    buyer_name: Mapped[str] = mapped_column(String(160))
    buyer_address: Mapped[str] = mapped_column(String(400))
    buyer_npwp: Mapped[str | None] = mapped_column(String(16))
    paid_at: Mapped[datetime | None]
    overdue_notified_at: Mapped[datetime | None]

    order = relationship("Order", lazy="joined", innerjoin=True)
    sentra = relationship("Sentra")
    partner = relationship("Partner")


class HandoverRecord(db.Model):
    """The berita acara serah terima: the partner confirms receipt, which delivers the order."""

    __tablename__ = "handover_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("order.id"), unique=True)
    received_by_name: Mapped[str] = mapped_column(String(120))
    received_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    note: Mapped[str | None] = mapped_column(Text)

    order = relationship("Order")
    received_by = relationship("User")
