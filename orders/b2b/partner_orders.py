"""A partner's orders and invoices, and the handover record that confirms receipt."""
from __future__ import annotations

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from orders.b2b.errors import B2bValidationError, NotFoundError
from orders.b2b.invoices import today_wib
from orders.b2b.models import HandoverRecord, Invoice, InvoiceStatus
from orders.core.models import Order
from orders.shipping import services as shipping
from orders.shipping.errors import InvalidRecipientError
from shop.accounts.models import User
from shop.extensions import db
from shop.outbox.services import enqueue
from shop.partners.models import PartnerMembership

NOTE_MAX = 1000
INVOICE_FILTERS = ("unpaid", "overdue", "paid", "void")


def load_partner_order(partner_id: int, number: str) -> Order:
    """:raise NotFoundError: (404) no such order of this partner."""
    order = db.session.scalar(select(Order).where(Order.partner_id == partner_id, Order.number == number)
                              .options(selectinload(Order.lines), selectinload(Order.events)))
    if order is None:
        raise NotFoundError("no such order")
    return order


def list_partner_orders(partner_id: int, page: int, per_page: int) -> Pagination:
    query = (select(Order).where(Order.partner_id == partner_id).options(selectinload(Order.lines))
             .order_by(Order.created_at.desc(), Order.id.desc()))
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def _invoice_filter(query, status: str | None):
    if status in (None, ""):
        return query
    if status not in INVOICE_FILTERS:
        raise B2bValidationError("unknown status", {"status": "one of: " + ", ".join(INVOICE_FILTERS)})
    if status == "overdue":
        return query.where(Invoice.status == InvoiceStatus.UNPAID, Invoice.terms_days.is_not(None),
                           Invoice.due_on < today_wib())
    return query.where(Invoice.status == status)


def list_partner_invoices(partner_id: int, status: str | None, page: int, per_page: int) -> Pagination:
    """:raise B2bValidationError: an unknown status filter."""
    query = _invoice_filter(select(Invoice).where(Invoice.partner_id == partner_id), status)
    return db.paginate(query.order_by(Invoice.issued_at.desc(), Invoice.id.desc()),
                       page=page, per_page=per_page, error_out=False)


def list_sentra_invoices(sentra_id: int, status: str | None, page: int, per_page: int) -> Pagination:
    query = _invoice_filter(select(Invoice).where(Invoice.sentra_id == sentra_id), status)
    return db.paginate(query.order_by(Invoice.issued_at.desc(), Invoice.id.desc()),
                       page=page, per_page=per_page, error_out=False)


def load_invoice_for_order(order: Order) -> Invoice:
    invoice = db.session.scalar(select(Invoice).where(Invoice.order_id == order.id))
    if invoice is None:
        raise NotFoundError("this order has no invoice")
    return invoice


def handover_record_of(order: Order) -> HandoverRecord | None:
    return db.session.scalar(select(HandoverRecord).where(HandoverRecord.order_id == order.id))


def confirm_handover(membership: PartnerMembership, actor: User, number: str, received_by_name: str,
                     note: str | None = None) -> HandoverRecord:
    """The partner signs the handover record (berita acara serah terima): the order is delivered.

    Locks the order's payment and shipment; flushes; emails the sentra.

    :raise NotFoundError: (404) not this partner's order.
    :raise B2bValidationError: (422) no name of who received it, or a note over 1000 characters.
    :raise TimelineError: (409) the goods are not on their way or ready, or already delivered.
    """
    order = load_partner_order(membership.partner_id, number)
    text = (note or "").strip()
    if len(text) > NOTE_MAX:
        raise B2bValidationError("the note is at most 1000 characters", {"note": "too_long"})
    try:
        shipping.confirm_receipt(order, actor, received_by_name)
    except InvalidRecipientError as error:
        raise B2bValidationError("say who received the goods", error.fields) from None
    record = HandoverRecord(order_id=order.id, received_by_name=" ".join(received_by_name.split()),
                            received_by_id=actor.id, note=text or None)
    db.session.add(record)
    db.session.flush()
    enqueue("b2b.handover_confirmed", {"order_id": order.id})
    return record
