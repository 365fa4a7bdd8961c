"""Read-only queries behind the program office's payment desk (/admin/pembayaran).

Each list is one paginated query plus eager loads of what its rows show, so a page
costs the same few queries however long the list is.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import case, func, select
from sqlalchemy.orm import joinedload, selectinload

from orders.core.models import Checkout, Order
from orders.core.payments import (
    MANUAL_REFUND_METHODS,
    MIDTRANS_METHODS,
    Payment,
    PaymentMethod,
    PaymentState,
    Refund,
)
from shop.extensions import db

PER_PAGE = 20
TABS = ("waiting", "confirmed", "rejected", "disputed", "refunds", "midtrans")

_TRANSFER = Payment.method == PaymentMethod.BANK_TRANSFER
_MIDTRANS = Payment.method.in_(list(MIDTRANS_METHODS))
# Refunds the office pays by hand: bank transfers, and virtual-account payments (the gateway cannot).
_MANUAL_REFUND = Payment.method.in_(list(MANUAL_REFUND_METHODS))
_WAITING = Payment.state.in_([PaymentState.PENDING, PaymentState.PROCESSING])
_CONFIRMED = Payment.state.in_([PaymentState.SUCCEEDED, PaymentState.PARTIALLY_REFUNDED, PaymentState.REFUNDED])
# A rejected proof leaves its reason in failure_message; the transfer is then waiting for a new
# proof (pending) or its time ran out (expired). A new proof (processing) goes back to "waiting".
_REJECTED = Payment.failure_message.is_not(None) & Payment.state.in_([PaymentState.PENDING, PaymentState.EXPIRED])


@dataclass(frozen=True)
class DeskCounts:
    waiting: int
    with_proof: int
    confirmed: int
    rejected: int
    disputed: int
    refunds: int
    midtrans: int = 0
    mismatches: int = 0


def desk_counts() -> DeskCounts:
    """The number behind each tab (three queries)."""
    row = db.session.execute(
        select(
            func.count().filter(_WAITING),
            func.count().filter(Payment.state == PaymentState.PROCESSING),
            func.count().filter(_CONFIRMED),
            func.count().filter(_REJECTED),
        ).select_from(Payment).where(_TRANSFER)
    ).one()
    disputed = db.session.scalar(select(func.count()).select_from(Order).where(Order.disputed_at.is_not(None)))
    refunds = db.session.scalar(
        select(func.count()).select_from(Refund).join(Payment, Payment.id == Refund.payment_id)
        .where(Refund.state == "pending", _MANUAL_REFUND)
    )
    midtrans = db.session.execute(
        select(func.count(), func.count().filter(Payment.mismatch_at.is_not(None))).select_from(Payment).where(_MIDTRANS)
    ).one()
    return DeskCounts(row[0], row[1], row[2], row[3], disputed or 0, refunds or 0, midtrans[0], midtrans[1])


def _with_checkout(query):
    return query.options(
        joinedload(Payment.checkout).joinedload(Checkout.buyer),
        joinedload(Payment.checkout).selectinload(Checkout.orders),
    )


def transfer_page(tab: str, page: int) -> Pagination:
    """Bank transfers of one tab: ``waiting`` (proofs to check first, oldest first), ``confirmed``
    (latest first) or ``rejected`` (latest decision first)."""
    query = _with_checkout(select(Payment).join(Checkout, Checkout.id == Payment.checkout_id).where(_TRANSFER))
    if tab == "waiting":
        with_proof_first = case((Payment.state == PaymentState.PROCESSING, 0), else_=1)
        query = query.where(_WAITING).order_by(with_proof_first, Payment.proof_uploaded_at, Payment.created_at,
                                               Payment.id)
    elif tab == "confirmed":
        query = query.where(_CONFIRMED).order_by(Payment.paid_at.desc(), Payment.id.desc())
    else:
        query = query.where(_REJECTED).order_by(Payment.proof_uploaded_at.desc(), Payment.id.desc())
    return db.paginate(query, page=page, per_page=PER_PAGE, error_out=False)


def disputed_page(page: int) -> Pagination:
    """Orders whose card payment is disputed, latest first."""
    query = (
        select(Order).where(Order.disputed_at.is_not(None))
        .options(joinedload(Order.buyer), joinedload(Order.checkout).joinedload(Checkout.payment))
        .order_by(Order.disputed_at.desc(), Order.id.desc())
    )
    return db.paginate(query, page=page, per_page=PER_PAGE, error_out=False)


def refund_page(page: int) -> Pagination:
    """Refunds the office still has to pay by bank transfer (transfers, and virtual accounts), oldest first."""
    query = (
        select(Refund).join(Payment, Payment.id == Refund.payment_id)
        .where(Refund.state == "pending", _MANUAL_REFUND)
        .options(joinedload(Refund.payment),joinedload(Refund.order).joinedload(Order.buyer),
                 joinedload(Refund.order).joinedload(Order.checkout))
        .order_by(Refund.created_at, Refund.id)
    )
    return db.paginate(query, page=page, per_page=PER_PAGE, error_out=False)


def midtrans_page(page: int) -> Pagination:
    """Midtrans payments with the gateway's last status: amount mismatches first, then the latest."""
    mismatch_first = case((Payment.mismatch_at.is_not(None), 0), else_=1)
    query = _with_checkout(select(Payment).where(_MIDTRANS)).order_by(
        mismatch_first, Payment.created_at.desc(), Payment.id.desc())
    return db.paginate(query, page=page, per_page=PER_PAGE, error_out=False)


def transfer_detail(payment_id: int) -> Payment | None:
    """A bank transfer with its checkout, buyer, orders (and their lines) and refunds."""
    return db.session.scalar(
        select(Payment).where(Payment.id == payment_id, _TRANSFER)
        .options(
            joinedload(Payment.checkout).joinedload(Checkout.buyer),
            joinedload(Payment.checkout).selectinload(Checkout.orders).selectinload(Order.lines),
            selectinload(Payment.refunds),
        )
    )
