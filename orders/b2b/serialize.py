"""The JSON shapes of the B2B API: requests, quotes, comments, approvals, partner orders and invoices.

Money is whole rupiah in ``*_idr`` integers; dates are ``YYYY-MM-DD`` (days in WIB) and
times ISO 8601 with their offset. Objects must be loaded by a scoped service first: these
functions only read what they are given.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import current_app

from orders.b2b import terms
from orders.b2b.invoices import is_overdue, today_wib
from orders.b2b.models import Invoice, PurchaseApproval, Quote, Rfq, RfqComment, RfqStatus
from orders.checkout.api import order_summary_json
from orders.core.models import Order
from orders.core.providers import get_provider

DUE_SOON_DAYS = 3
# The API's names for the payment methods a partner chooses when accepting.
PAYMENT_NAMES = {terms.NAME: "terms", "bank_transfer": "bank_transfer"}


def _when(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _day(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def due_state(rfq: Rfq, today: date | None = None) -> str | None:
    """``past`` when an undecided request's needed-by date has gone, ``soon`` within 3 days, else None."""
    if rfq.status not in (RfqStatus.OPEN, RfqStatus.QUOTED):
        return None
    days_left = (rfq.needed_by - (today or today_wib())).days
    if days_left < 0:
        return "past"
    if days_left <= DUE_SOON_DAYS:
        return "soon"
    return None


def address_json(rfq: Rfq) -> dict[str, Any]:
    return {"recipient": rfq.recipient, "phone": rfq.phone, "street": rfq.street,
            "kelurahan_code": rfq.kelurahan_code, "city": rfq.city, "postal_code": rfq.postal_code,
            "label": rfq.place_label}


def quote_line_json(line: Any) -> dict[str, Any]:
    return {"description": line.description, "quantity": line.quantity, "unit_price_idr": line.unit_price_idr,
            "total_idr": line.total_idr, "lead_time_days": line.lead_time_days, "product_id": line.product_id,
            "variant_id": line.variant_id}


def quote_json(quote: Quote, today: date | None = None, *, with_lines: bool = True) -> dict[str, Any]:
    """A quote revision; ``expired`` is worked out from ``valid_until`` (the last day, WIB)."""
    today = today or today_wib()
    body: dict[str, Any] = {
        "id": quote.id,
        "rfq_id": quote.rfq_id,
        "revision": quote.revision,
        "status": quote.status,
        "expired": quote.valid_until < today,
        "valid_until": _day(quote.valid_until),
        "delivery_method": quote.delivery_method,
        "delivery_fee_idr": quote.delivery_fee_idr,
        "subtotal_idr": quote.subtotal_idr,
        "tax_rate_percent": quote.tax_rate_percent,
        "tax_idr": quote.tax_idr,
        "total_idr": quote.total_idr,
        "notes": quote.notes,
        "created_at": _when(quote.created_at),
        "decided_at": _when(quote.decided_at),
        "order_number": quote.order.number if quote.order_id is not None else None,
    }
    if with_lines:
        body["lines"] = [quote_line_json(line) for line in quote.lines]
    return body


def comment_json(comment: RfqComment) -> dict[str, Any]:
    return {"id": comment.id, "side": comment.side, "author": comment.author.name if comment.author else None,
            "body": comment.body, "created_at": _when(comment.created_at)}


def rfq_json(rfq: Rfq, today: date | None = None, *, detail: bool = False) -> dict[str, Any]:
    """A request; the list form carries the latest quote's summary, the detail every revision and comment."""
    today = today or today_wib()
    latest = rfq.current_quote
    body: dict[str, Any] = {
        "id": rfq.id,
        "status": rfq.status,
        "sentra": {"slug": rfq.sentra.slug, "name": rfq.sentra.name},
        "partner": {"id": rfq.partner.id, "name": rfq.partner.name, "npwp": rfq.partner.npwp},
        "needed_by": _day(rfq.needed_by),
        "due": due_state(rfq, today),
        "notes": rfq.notes,
        "created_at": _when(rfq.created_at),
        "updated_at": _when(rfq.updated_at),
        "lines": [{"id": line.id, "description": line.description, "quantity": line.quantity,
                   "product_id": line.product_id} for line in rfq.lines],
        "latest_quote": quote_json(latest, today, with_lines=False) if latest is not None else None,
    }
    if detail:
        body["address"] = address_json(rfq)
        body["images"] = [{"id": image.id, "width": image.width, "height": image.height} for image in rfq.images]
        body["quotes"] = [quote_json(quote, today) for quote in rfq.quotes]
        body["comments"] = [comment_json(comment) for comment in rfq.comments]
    return body


def approval_json(approval: PurchaseApproval) -> dict[str, Any]:
    quote = approval.quote
    return {
        "id": approval.id,
        "kind": approval.kind,
        "status": approval.status,
        "amount_idr": approval.amount_idr,
        "payment": PAYMENT_NAMES.get(approval.payment_method, approval.payment_method),
        "quote_id": approval.quote_id,
        "rfq_id": quote.rfq_id if quote is not None else None,
        "requested_by": {"id": approval.requested_by_id, "name": approval.requested_by.name},
        "decided_by": ({"id": approval.decided_by_id, "name": approval.decided_by.name}
                       if approval.decided_by is not None else None),
        "note": approval.note,
        "created_at": _when(approval.created_at),
        "decided_at": _when(approval.decided_at),
    }


def invoice_json(invoice: Invoice, today: date | None = None) -> dict[str, Any]:
    return {
        "number": invoice.number,
        "order_number": invoice.order.number,
        "sentra": invoice.sentra.slug,
        "status": invoice.status,
        "overdue": is_overdue(invoice, today),
        "issued_at": _when(invoice.issued_at),
        "due_on": _day(invoice.due_on),
        "terms_days": invoice.terms_days,
        "payment_method": invoice.payment_method,
        "subtotal_idr": invoice.subtotal_idr,
        "delivery_fee_idr": invoice.delivery_fee_idr,
        "tax_idr": invoice.tax_idr,
        "total_idr": invoice.total_idr,
    }


def partner_order_json(order: Order, invoice: Invoice | None) -> dict[str, Any]:
    """A partner's order in lists: the checkout summary plus tax, invoice number and dates."""
    body = order_summary_json(order)
    body.update({
        "payment_method": order.payment_method,
        "tax_idr": order.tax_idr,
        "invoice_number": invoice.number if invoice is not None else None,
        "created_at": _when(order.created_at),
    })
    return body


def placed_order_json(order: Order, invoice: Invoice) -> dict[str, Any]:
    """The order accepting made, as checkout answers, with its invoice and (transfer) payment instructions."""
    body = order_summary_json(order)
    body.update({
        "payment_method": order.payment_method,
        "total_idr": order.total_idr,
        "tax_idr": order.tax_idr,
        "checkout_id": order.checkout_id,
        "expires_at": _when(order.checkout.expires_at),
        "invoice": {"number": invoice.number, "due_on": _day(invoice.due_on), "total_idr": invoice.total_idr},
    })
    payment = order.checkout.payment
    if payment is not None:
        instructions = get_provider(payment.method).instructions(payment, current_app.config)
        body["payment"] = {"method": payment.method, "status": payment.state, "amount_idr": payment.amount_idr}
        if instructions is not None:
            body["payment"]["instructions"] = instructions
    return body
