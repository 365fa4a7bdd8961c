"""The sentra ledger (append-only, whole rupiah), payouts and the members' shares of them.

Every entry is a credit or a debit (never both) with a ``dedupe_key`` that is unique, so an
effect recorded twice (a worker that runs again over the same events) is refused by the
database instead of counted twice. The balance is the sum of the entries, never a stored
number.
"""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shop.db import utcnow
from shop.extensions import db


class EntryKind(StrEnum):
    ORDER_CREDIT = "order_credit"  # an order paid to the platform completed: goods - commission + delivery
    PICKUP_COMMISSION = "pickup_commission"  # paid at pickup (the sentra holds the money): commission only
    REFUND = "refund"  # a refund of a credited order takes back what was credited for that part
    DISPUTE = "dispute"  # a lost card dispute, the same way
    GATEWAY_FEE = "gateway_fee"  # the payment gateway's fee on a Midtrans-paid order (MIDTRANS_FEE_BP)
    PAYOUT = "payout"
    ADJUSTMENT = "adjustment"  # by the office, always with a reason


class LedgerEntry(db.Model):
    __tablename__ = "ledger_entry"
    __table_args__ = (
        CheckConstraint("credit_idr >= 0", name="credit_not_negative"),
        CheckConstraint("debit_idr >= 0", name="debit_not_negative"),
        CheckConstraint("credit_idr = 0 OR debit_idr = 0", name="one_side"),
        Index("ix_ledger_entry_sentra_created", "sentra_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sentra_id: Mapped[int] = mapped_column(ForeignKey("sentra.id"))
    kind: Mapped[str] = mapped_column(String(20))
    credit_idr: Mapped[int] = mapped_column(Integer, default=0)
    debit_idr: Mapped[int] = mapped_column(Integer, default=0)
    # What made it: one effect, one key (order:<id>:completed, refund:<id>, dispute:<order id>, payout:<id>, ...).
    dedupe_key: Mapped[str] = mapped_column(String(80), unique=True)
    order_id: Mapped[int | None] = mapped_column(ForeignKey("order.id"), index=True)
    refund_id: Mapped[int | None] = mapped_column(ForeignKey("refund.id"))
    payout_id: Mapped[int | None] = mapped_column(ForeignKey("payout.id"))
    # The order's figures the entry was computed from, and the commission rate it used.
    goods_idr: Mapped[int | None] = mapped_column(Integer)
    delivery_idr: Mapped[int | None] = mapped_column(Integer)
    commission_idr: Mapped[int | None] = mapped_column(Integer)
    commission_rate_bp: Mapped[int | None] = mapped_column(Integer)  # basis points: 500 = 5 %
    note: Mapped[str | None] = mapped_column(Text)  # an adjustment's reason; what happened otherwise
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    sentra = relationship("Sentra")
    order = relationship("Order")
    created_by = relationship("User")

    @property
    def amount_idr(self) -> int:
        """Signed: positive for a credit, negative for a debit."""
        return self.credit_idr - self.debit_idr


class Payout(db.Model):
    """Money the office transferred to a sentra's bank account, with the bank details used."""

    __tablename__ = "payout"
    __table_args__ = (CheckConstraint("amount_idr > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sentra_id: Mapped[int] = mapped_column(ForeignKey("sentra.id"), index=True)
    amount_idr: Mapped[int] = mapped_column(Integer)
    bank_name: Mapped[str] = mapped_column(String(80))
    account_number: Mapped[str] = mapped_column(String(34))
    account_holder: Mapped[str] = mapped_column(String(120))
    reference: Mapped[str] = mapped_column(String(120))  # the bank transfer's reference
    note: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    exported_at: Mapped[datetime | None]  # put in a bank CSV batch

    sentra = relationship("Sentra")
    created_by = relationship("User")
    shares: Mapped[list[PayoutShare]] = relationship(back_populates="payout", cascade="all, delete-orphan",
                                                     order_by="PayoutShare.id")


class PayoutShare(db.Model):
    """How much of a payout one member earned, as the sentra recorded it."""

    __tablename__ = "payout_share"
    __table_args__ = (
        UniqueConstraint("payout_id", "user_id"),
        CheckConstraint("amount_idr >= 0", name="amount_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    payout_id: Mapped[int] = mapped_column(ForeignKey("payout.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    amount_idr: Mapped[int] = mapped_column(Integer)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    payout: Mapped[Payout] = relationship(back_populates="shares")
    user = relationship("User", foreign_keys=[user_id])
