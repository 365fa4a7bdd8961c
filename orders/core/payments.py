"""A checkout's payment, its refunds, and the provider events already handled."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shop.db import utcnow
from shop.extensions import db


class PaymentMethod(StrEnum):
    STRIPE_CARD = "stripe_card"
    BANK_TRANSFER = "bank_transfer"
    PAY_ON_PICKUP = "pay_on_pickup"
    # Through Midtrans (Core API): QRIS and e-wallets, and bank virtual accounts.
    QRIS = "qris"
    GOPAY = "gopay"
    SHOPEEPAY = "shopeepay"
    VA_BCA = "va_bca"
    VA_BNI = "va_bni"
    VA_BRI = "va_bri"
    VA_PERMATA = "va_permata"
    VA_MANDIRI = "va_mandiri"  # Mandiri bill payment (Midtrans' ``echannel``)


# The methods paid through Midtrans: the e-wallet kinds are refunded by Midtrans, virtual accounts by the office.
MIDTRANS_WALLETS = frozenset({PaymentMethod.QRIS, PaymentMethod.GOPAY, PaymentMethod.SHOPEEPAY})
MIDTRANS_VAS = frozenset({PaymentMethod.VA_BCA, PaymentMethod.VA_BNI, PaymentMethod.VA_BRI,
                          PaymentMethod.VA_PERMATA, PaymentMethod.VA_MANDIRI})
MIDTRANS_METHODS = MIDTRANS_WALLETS | MIDTRANS_VAS
# Refunds the office pays by bank transfer (the gateway cannot give a transfer or a VA payment back).
MANUAL_REFUND_METHODS = frozenset({PaymentMethod.BANK_TRANSFER}) | MIDTRANS_VAS


class PaymentState(StrEnum):
    """The payment's own state (the orders carry the buyer-facing payment_status)."""

    PENDING = "pending"  # waiting for the buyer (card details, a transfer, the pickup)
    PROCESSING = "processing"  # a transfer proof is waiting for the office, or 3-D Secure is under way
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    EXPIRED = "expired"
    CANCELLED = "cancelled"
    PARTIALLY_REFUNDED = "partially_refunded"
    REFUNDED = "refunded"


WAITING_TRANSFER = "method = 'bank_transfer' AND state IN ('pending', 'processing')"
"""The rows of the unique index on ``payment.amount_idr``: the transfers waiting to be matched by amount."""


class Payment(db.Model):
    __tablename__ = "payment"
    __table_args__ = (
        CheckConstraint("amount_idr >= 0", name="amount_not_negative"),
        CheckConstraint("refunded_idr >= 0", name="refunded_not_negative"),
        # A bank transfer is matched by its amount: two waiting transfers never share one.
        Index("uq_payment_waiting_transfer_amount", "amount_idr", unique=True,
              sqlite_where=text(WAITING_TRANSFER), postgresql_where=text(WAITING_TRANSFER)),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    checkout_id: Mapped[int] = mapped_column(ForeignKey("checkout.id"), unique=True)
    method: Mapped[str] = mapped_column(String(20))
    state: Mapped[str] = mapped_column(String(20), default=PaymentState.PENDING)
    # What the buyer pays: the checkout total, plus the unique code for a bank transfer.
    amount_idr: Mapped[int] = mapped_column(Integer)
    unique_code: Mapped[int | None] = mapped_column(Integer)
    refunded_idr: Mapped[int] = mapped_column(Integer, default=0)
    provider_ref: Mapped[str | None] = mapped_column(String(255), unique=True)  # pi_...
    client_secret: Mapped[str | None] = mapped_column(String(255))
    # Set while a request creates the provider's payment, so parallel repeats do not make a second.
    provider_started_at: Mapped[datetime | None]
    proof_key: Mapped[str | None] = mapped_column(String(255))  # the buyer's transfer receipt
    proof_uploaded_at: Mapped[datetime | None]
    failure_message: Mapped[str | None] = mapped_column(Text)
    # What the office wrote when it confirmed the money (e.g. the bank statement line): internal,
    # shown on the office's transfer page only, never in an order's history.
    office_note: Mapped[str | None] = mapped_column(String(500))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    paid_at: Mapped[datetime | None]
    # A gateway's own view (Midtrans): its last transaction_status, when we last asked, what the
    # buyer needs to pay (QR string, deeplink, VA number...), and an amount it reported that is not
    # ours (never paid on; shown to the office).
    provider_status: Mapped[str | None] = mapped_column(String(30))
    provider_checked_at: Mapped[datetime | None]
    provider_data: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    mismatch_idr: Mapped[int | None] = mapped_column(Integer)
    mismatch_at: Mapped[datetime | None]

    checkout = relationship("Checkout", back_populates="payment")
    refunds: Mapped[list[Refund]] = relationship(back_populates="payment", order_by="Refund.id")


class Refund(db.Model):
    """Money given back for one order: through Stripe, or by a bank transfer the office made."""

    __tablename__ = "refund"
    __table_args__ = (CheckConstraint("amount_idr > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("payment.id"), index=True)
    order_id: Mapped[int | None] = mapped_column(ForeignKey("order.id"), index=True)
    amount_idr: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(20), default="pending")  # pending | succeeded | failed
    reference: Mapped[str | None] = mapped_column(String(255))  # re_... or the transfer's reference
    reason: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    completed_at: Mapped[datetime | None]
    # Where the office sends a refund it pays by hand when it does not know the buyer's account
    # (a virtual-account payment): the buyer gives these on the order page.
    bank_name: Mapped[str | None] = mapped_column(String(60))
    bank_account_number: Mapped[str | None] = mapped_column(String(40))
    bank_account_holder: Mapped[str | None] = mapped_column(String(120))
    bank_details_requested_at: Mapped[datetime | None]
    bank_details_given_at: Mapped[datetime | None]

    payment: Mapped[Payment] = relationship(back_populates="refunds")
    order = relationship("Order")


class ProviderEvent(db.Model):
    """A webhook event already handled: its id is the key, so a repeat is recognised and ignored."""

    __tablename__ = "provider_event"

    id: Mapped[str] = mapped_column(String(255), primary_key=True)  # evt_...
    provider: Mapped[str] = mapped_column(String(20))
    type: Mapped[str] = mapped_column(String(80))
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
