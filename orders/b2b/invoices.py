"""Invoices (faktur) of partner orders, numbered per sentra and year without gaps.

The number comes from ``invoice_counter``: one row per (sentra, year), bumped by a
single ``UPDATE ... RETURNING`` in the transaction that inserts the invoice. The
row lock serialises concurrent invoicing of one sentra, and a rolled-back
transaction gives its number back with it, so numbers have neither gaps nor
duplicates (the unique ``(sentra_id, year, sequence)`` is the backstop). A
cancelled order's invoice becomes ``void`` and keeps its number; a paid order's invoice
is ``paid`` (both through the receivers of :mod:`orders.core.signals` at the end).
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from orders.b2b.models import Invoice, InvoiceCounter, InvoiceStatus
from orders.core.models import Order, OrderStatus
from orders.core.signals import order_paid, order_status_changed
from shop.db import WIB, utcnow
from shop.extensions import db
from shop.partners.models import Partner
from shop.sentras.models import Sentra


def today_wib(now: datetime | None = None) -> date:
    return (now or utcnow()).astimezone(WIB).date()


def ppn_rate(config: Mapping[str, Any]) -> int:
    """The PPN rate in percent a PKP adds now: ``PPN_RATE_PERCENT``, whose default lives in shop.config."""
    return int(config["PPN_RATE_PERCENT"])


def ppn_of(base_idr: int, rate_percent: int) -> int:
    """PPN on ``base_idr`` at ``rate_percent``, rounded half up to the rupiah."""
    return (base_idr * rate_percent + 50) // 100


def tax_for(sentra: Sentra, base_idr: int, config: Mapping[str, Any]) -> tuple[int, int]:
    """(rate in percent, PPN in rupiah) a sentra charges on ``base_idr``: none unless it is a PKP."""
    if not sentra.is_pkp:
        return 0, 0
    rate = ppn_rate(config)
    return rate, ppn_of(base_idr, rate)


def _counter_insert():
    dialect = db.session.get_bind().dialect.name
    return pg_insert(InvoiceCounter) if dialect == "postgresql" else sqlite_insert(InvoiceCounter)


def next_sequence(sentra_id: int, year: int) -> int:
    """Take the sentra's next invoice number of ``year``; holds the counter row until commit."""
    bump = (update(InvoiceCounter)
            .where(InvoiceCounter.sentra_id == sentra_id, InvoiceCounter.year == year)
            .values(last=InvoiceCounter.last + 1)
            .returning(InvoiceCounter.last)
            .execution_options(synchronize_session=False))
    sequence = db.session.execute(bump).scalar_one_or_none()
    if sequence is None:
        db.session.execute(_counter_insert().values(sentra_id=sentra_id, year=year, last=0)
                           .on_conflict_do_nothing())
        sequence = db.session.execute(bump).scalar_one()
    return sequence


def invoice_number(slug: str, year: int, sequence: int) -> str:
    return f"INV/{slug.upper()}/{year}/{sequence:04d}"


def _sentra_address(sentra: Sentra) -> str:
    place = sentra.kelurahan.label if sentra.kelurahan is not None else ""
    return ", ".join(part for part in (sentra.address, place, "Kota Bekasi") if part)[:400]


def _partner_address(partner: Partner) -> str:
    if partner.kelurahan is not None:
        place = f"{partner.kelurahan.label}, Kota Bekasi {partner.kelurahan.postal_code}"
    else:
        place = f"{partner.city} {partner.postal_code}"
    return f"{partner.street}, {place}"[:400]


def issue_invoice(order: Order, partner: Partner, *, terms_days: int | None, due_on: date,
                  tax_rate_percent: int = 0, seller_pkp: bool | None = None) -> Invoice:
    """Number and issue the invoice of a partner's ``order``, copying both parties' details. Flushes.

    ``seller_pkp`` is what the prices were made under (a quote's PPN), else the sentra's flag now.
    """
    sentra = order.sentra
    issued = utcnow()
    year = today_wib(issued).year
    sequence = next_sequence(sentra.id, year)
    invoice = Invoice(
        sentra_id=sentra.id, partner_id=partner.id, order_id=order.id,
        number=invoice_number(sentra.slug, year, sequence), year=year, sequence=sequence,
        status=InvoiceStatus.UNPAID, issued_at=issued, due_on=due_on, terms_days=terms_days,
        payment_method=order.payment_method, subtotal_idr=order.subtotal_idr,
        delivery_fee_idr=order.delivery_fee_idr, tax_rate_percent=tax_rate_percent, tax_idr=order.tax_idr,
        total_idr=order.total_idr, seller_name=sentra.name, seller_address=_sentra_address(sentra),
        seller_npwp=sentra.npwp,
        seller_pkp=sentra.is_pkp if seller_pkp is None else seller_pkp, buyer_name=partner.name,
        buyer_address=_partner_address(partner), buyer_npwp=partner.npwp,
    )
    db.session.add(invoice)
    db.session.flush()
    return invoice


def invoice_of(order_id: int) -> Invoice | None:
    return db.session.scalar(select(Invoice).where(Invoice.order_id == order_id))


def void_for_order(order: Order) -> None:
    """The order was cancelled or expired: its invoice is void (the number stays used; money paid
    on it goes back through the order's refund)."""
    invoice = invoice_of(order.id)
    if invoice is not None and invoice.status != InvoiceStatus.VOID:
        invoice.status = InvoiceStatus.VOID
        db.session.flush()


def paid_for_order(order: Order, when: datetime) -> None:
    """The order's money arrived: its invoice is paid (also one voided by an expiry the late
    payment revived)."""
    invoice = invoice_of(order.id)
    if invoice is not None and invoice.status != InvoiceStatus.PAID and order.status not in ("cancelled", "expired"):
        invoice.status = InvoiceStatus.PAID
        invoice.paid_at = when
        db.session.flush()


def is_overdue(invoice: Invoice, today: date | None = None) -> bool:
    """Unpaid past its due date, on terms (a transfer's invoice ends with its checkout's expiry)."""
    return (invoice.status == InvoiceStatus.UNPAID and invoice.terms_days is not None
            and invoice.due_on < (today or today_wib()))


def outstanding_terms_idr(partner_id: int) -> int:
    """What the partner owes on unpaid invoices on payment terms."""
    return db.session.scalar(
        select(func.coalesce(func.sum(Invoice.total_idr), 0)).where(
            Invoice.partner_id == partner_id, Invoice.status == InvoiceStatus.UNPAID,
            Invoice.terms_days.is_not(None))
    )


def overdue_count(partner_id: int, today: date | None = None) -> int:
    return db.session.scalar(
        select(func.count()).select_from(Invoice).where(
            Invoice.partner_id == partner_id, Invoice.status == InvoiceStatus.UNPAID,
            Invoice.terms_days.is_not(None), Invoice.due_on < (today or today_wib()))
    )


def due_on_for(terms_days: int | None, expires_at: datetime | None, now: datetime | None = None) -> date:
    """The due date: ``terms_days`` after today (WIB), or the day a transfer expires."""
    today = today_wib(now)
    if terms_days:
        return today + timedelta(days=terms_days)
    return today_wib(expires_at) if expires_at is not None else today


@order_status_changed.connect
def _void_when_order_ends(order: Order, *, to_status: str, **_: Any) -> None:
    if order.partner_id is not None and to_status in (OrderStatus.CANCELLED, OrderStatus.EXPIRED):
        void_for_order(order)


@order_paid.connect
def _paid_when_order_paid(order: Order, *, when: datetime, **_: Any) -> None:
    if order.partner_id is not None:
        paid_for_order(order, when)
