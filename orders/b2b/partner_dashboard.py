"""What a partner's dashboard at /mitra/ shows: read-only queries, a fixed number per page.

Each list is capped (``LIMIT``) with its full count beside it, so the page costs the
same whatever the partner's history.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from orders.b2b.invoices import is_overdue, outstanding_terms_idr, today_wib
from orders.b2b.models import (
    ApprovalStatus,
    Invoice,
    InvoiceStatus,
    PurchaseApproval,
    Quote,
    QuoteStatus,
    Rfq,
    RfqStatus,
)
from orders.core.models import Order, OrderStatus
from shop.extensions import db
from shop.partners.models import Partner
from shop.sentras.models import Sentra

LIMIT = 10
IN_PROGRESS = (OrderStatus.PENDING_PAYMENT, OrderStatus.PLACED, OrderStatus.PROCESSING,
               OrderStatus.READY_FOR_PICKUP, OrderStatus.SHIPPED)
NOT_SPENT = (OrderStatus.CANCELLED, OrderStatus.EXPIRED)


@dataclass
class Spending:
    sentra_name: str
    sentra_slug: str
    orders: int
    total_idr: int


@dataclass
class Dashboard:
    today: date
    awaiting_quote: list[Rfq] = field(default_factory=list)
    awaiting_quote_count: int = 0
    awaiting_decision: list[Quote] = field(default_factory=list)
    awaiting_decision_count: int = 0
    approvals: list[PurchaseApproval] = field(default_factory=list)
    approvals_count: int = 0
    orders: list[Order] = field(default_factory=list)
    orders_count: int = 0
    invoices: list[Invoice] = field(default_factory=list)
    unpaid_count: int = 0
    overdue_count: int = 0
    unpaid_idr: int = 0
    overdue_idr: int = 0
    outstanding_terms_idr: int = 0
    spending: list[Spending] = field(default_factory=list)

    def overdue(self, invoice: Invoice) -> bool:
        return is_overdue(invoice, self.today)

    def expired(self, quote: Quote) -> bool:
        return quote.valid_until < self.today


def _count(query: Any) -> int:
    return db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0


def dashboard_for(partner: Partner) -> Dashboard:
    """The partner's open work, orders, invoices and spending, in about a dozen queries."""
    today = today_wib()
    board = Dashboard(today=today)

    rfqs = select(Rfq).where(Rfq.partner_id == partner.id, Rfq.status == RfqStatus.OPEN)
    board.awaiting_quote_count = _count(rfqs)
    board.awaiting_quote = list(db.session.scalars(
        rfqs.options(selectinload(Rfq.lines)).order_by(Rfq.needed_by, Rfq.id).limit(LIMIT)))

    quotes = (select(Quote).join(Quote.rfq)
              .where(Rfq.partner_id == partner.id, Rfq.status == RfqStatus.QUOTED, Quote.status == QuoteStatus.OPEN))
    board.awaiting_decision_count = _count(quotes)
    board.awaiting_decision = list(db.session.scalars(
        quotes.options(joinedload(Quote.rfq), joinedload(Quote.sentra)).order_by(Quote.valid_until, Quote.id)
        .limit(LIMIT)))

    approvals = select(PurchaseApproval).where(PurchaseApproval.partner_id == partner.id,
                                               PurchaseApproval.status == ApprovalStatus.PENDING)
    board.approvals_count = _count(approvals)
    board.approvals = list(db.session.scalars(
        approvals.options(joinedload(PurchaseApproval.requested_by),
                          joinedload(PurchaseApproval.quote).joinedload(Quote.rfq))
        .order_by(PurchaseApproval.id).limit(LIMIT)))

    orders = select(Order).where(Order.partner_id == partner.id, Order.status.in_(IN_PROGRESS))
    board.orders_count = _count(orders)
    board.orders = list(db.session.scalars(
        orders.options(joinedload(Order.shipment)).order_by(Order.created_at.desc(), Order.id.desc()).limit(LIMIT)))

    board.unpaid_count, board.unpaid_idr, board.overdue_count, board.overdue_idr = invoice_totals(partner.id, today)
    board.invoices = list(db.session.scalars(
        select(Invoice).where(Invoice.partner_id == partner.id, Invoice.status == InvoiceStatus.UNPAID)
        .order_by(Invoice.due_on, Invoice.id).limit(LIMIT)))
    board.outstanding_terms_idr = outstanding_terms_idr(partner.id)

    board.spending = [Spending(*row) for row in db.session.execute(
        select(Sentra.name, Sentra.slug, func.count(Order.id), func.coalesce(func.sum(Order.total_idr), 0))
        .join(Sentra, Sentra.id == Order.sentra_id)
        .where(Order.partner_id == partner.id, Order.status.not_in(NOT_SPENT))
        .group_by(Sentra.id, Sentra.name, Sentra.slug)
        .order_by(func.sum(Order.total_idr).desc(), Sentra.name)
    )]
    return board


def invoice_totals(partner_id: int, today: date | None = None) -> tuple[int, int, int, int]:
    """(unpaid count, unpaid rupiah, overdue count, overdue rupiah) of the partner's invoices, in one query."""
    late = Invoice.due_on < (today or today_wib())
    count, total, late_count, late_total = db.session.execute(
        select(func.count(Invoice.id), func.coalesce(func.sum(Invoice.total_idr), 0),
               func.count(Invoice.id).filter(late), func.coalesce(func.sum(Invoice.total_idr).filter(late), 0))
        .where(Invoice.partner_id == partner_id, Invoice.status == InvoiceStatus.UNPAID)
    ).one()
    return count, total, late_count, late_total
