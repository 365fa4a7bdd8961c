"""Quotes: a sentra's priced answer to a request, its revisions, reading one and declining it.

Accepting one is :mod:`orders.b2b.acceptance`; a manager's approval above the partner's
threshold is :mod:`orders.b2b.approvals`. Services flush, never commit.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from catalog.products.models import Product, Variant
from orders.b2b.errors import (
    B2bValidationError,
    NotFoundError,
    QuoteUnavailableError,
    RfqClosedError,
)
from orders.b2b.invoices import tax_for, today_wib
from orders.b2b.models import (
    ApprovalStatus,
    PurchaseApproval,
    Quote,
    QuoteLine,
    QuoteStatus,
    Rfq,
    RfqStatus,
)
from orders.b2b.rfqs import MAX_LINES, MAX_QUANTITY, OPEN_STATUSES, load_sentra_rfq
from orders.core.models import DeliveryMethod
from shop.accounts.models import User
from shop.db import utcnow
from shop.extensions import db
from shop.outbox.services import enqueue
from shop.partners.models import PartnerMembership
from shop.sentras.models import Sentra

MAX_INT = 2_147_483_647  # the database's INTEGER
MAX_TOTAL_IDR = 2_000_000_000  # the money columns are 32-bit integers
MAX_LEAD_TIME_DAYS = 365
NOTES_MAX = 4000


# --- the sentra quotes ------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuoteLineInput:
    description: str
    quantity: Any
    unit_price_idr: Any
    lead_time_days: Any = 0
    product_id: Any = None
    variant_id: Any = None


@dataclass(frozen=True)
class QuoteInput:
    valid_until: date | None
    delivery_fee_idr: Any = 0
    notes: str = ""
    delivery_method: str | None = None
    lines: list[QuoteLineInput] = field(default_factory=list)


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if abs(value) <= MAX_INT else None
    if isinstance(value, str) and re.fullmatch(r"[0-9]{1,10}", value.strip()):
        number = int(value.strip())
        return number if number <= MAX_INT else None
    return None


def _amount(value: Any) -> int | None:
    """A rupiah amount as it reaches the service: an int (the form's RupiahField read the text,
    the API takes a JSON integer). Text is not read here, so no second rupiah parser exists."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def delivery_methods_for(rfq: Rfq) -> list[str]:
    """How the goods can reach the partner's address: the sentra's courier only inside Kota Bekasi."""
    if rfq.in_bekasi:
        return [DeliveryMethod.SENTRA_COURIER, DeliveryMethod.COURIER, DeliveryMethod.PICKUP]
    return [DeliveryMethod.COURIER, DeliveryMethod.PICKUP]


def _resolve_variant(sentra: Sentra, product_id: int | None, variant_id: int | None,
                     fields: dict[str, str], index: int) -> tuple[int | None, Variant | None]:
    variant = None
    if variant_id is not None:
        variant = db.session.get(Variant, variant_id)
        if variant is None or variant.sentra_id != sentra.id or variant.archived:
            fields[f"lines.{index}.variant_id"] = "unknown"
            return product_id, None
        return variant.product_id, variant
    if product_id is not None:
        product = db.session.get(Product, product_id)
        if product is None or product.sentra_id != sentra.id:
            fields[f"lines.{index}.product_id"] = "unknown"
            return None, None
        live = [v for v in product.variants if not v.archived]
        if len(live) == 1:
            variant = live[0]
    return product_id, variant


def _quote_lines(sentra: Sentra, lines: list[QuoteLineInput]) -> list[QuoteLine]:
    if not lines:
        raise B2bValidationError("a quote needs at least one line", {"lines": "required"})
    if len(lines) > MAX_LINES:
        raise B2bValidationError(f"a quote has at most {MAX_LINES} lines", {"lines": "too_many"})
    fields: dict[str, str] = {}
    built = []
    for index, line in enumerate(lines):
        description = line.description.strip() if isinstance(line.description, str) else ""
        quantity, price, lead = _int(line.quantity), _amount(line.unit_price_idr), _int(line.lead_time_days or 0)
        product_id = _int(line.product_id) if line.product_id not in (None, "") else None
        variant_id = _int(line.variant_id) if line.variant_id not in (None, "") else None
        if line.product_id not in (None, "") and product_id is None:
            fields[f"lines.{index}.product_id"] = "unknown"
        product_id, variant = _resolve_variant(sentra, product_id, variant_id, fields, index)
        if not description and variant is not None:
            description = variant.product.title + (f" ({variant.label})" if variant.label else "")
        if not description:
            fields[f"lines.{index}.description"] = "required"
        if quantity is None or not 1 <= quantity <= MAX_QUANTITY:
            fields[f"lines.{index}.quantity"] = f"a whole number from 1 to {MAX_QUANTITY}"
        if price is None or not 0 <= price <= MAX_TOTAL_IDR:
            fields[f"lines.{index}.unit_price_idr"] = "a whole number of rupiah, 0 or more"
        if lead is None or not 0 <= lead <= MAX_LEAD_TIME_DAYS:
            fields[f"lines.{index}.lead_time_days"] = f"a whole number of days from 0 to {MAX_LEAD_TIME_DAYS}"
        built.append(QuoteLine(position=index, product_id=product_id, variant_id=variant.id if variant else None,
                               description=description[:500], quantity=quantity or 1,
                               unit_price_idr=price or 0, lead_time_days=lead or 0))
    if fields:
        raise B2bValidationError("check the lines of the quote", fields)
    return built


def close_open_quotes(rfq: Rfq) -> None:
    """Supersede the request's open quotes and cancel approvals waiting on them."""
    for quote in db.session.scalars(select(Quote).where(Quote.rfq_id == rfq.id, Quote.status == QuoteStatus.OPEN)):
        quote.status = QuoteStatus.SUPERSEDED
        cancel_pending_approvals(quote)


def cancel_pending_approvals(quote: Quote) -> None:
    """An approval waiting on a quote ends with it (superseded or declined). Flushes nothing itself."""
    for approval in db.session.scalars(select(PurchaseApproval).where(
            PurchaseApproval.quote_id == quote.id, PurchaseApproval.status == ApprovalStatus.PENDING)):
        approval.status = ApprovalStatus.CANCELLED
        approval.decided_at = utcnow()


def create_quote(sentra: Sentra, actor: User, rfq_id: int, data: QuoteInput, config: Mapping[str, Any],
                 now: datetime | None = None) -> Quote:
    """Quote (or re-quote) a request to ``sentra``. The new revision supersedes the open one. Flushes.

    :raise NotFoundError: (404) not a request to this sentra.
    :raise RfqClosedError: (409) the request was accepted, declined or withdrawn.
    :raise B2bValidationError: (422) a validity date missing or in the past, a delivery method
        that cannot reach the address, a fee or price that is not a whole number of rupiah,
        no lines, a line without a description, quantity or price, or another sentra's product.
    """
    rfq = load_sentra_rfq(sentra.id, rfq_id, lock=True)
    if not sentra.is_active:
        raise RfqClosedError("the sentra is not active; it cannot quote now")
    if rfq.status not in OPEN_STATUSES:
        raise RfqClosedError("this request is closed; it takes no more quotes")
    fields: dict[str, str] = {}
    if data.valid_until is None:
        fields["valid_until"] = "required"
    elif data.valid_until < today_wib(now):
        fields["valid_until"] = "in_the_past"
    fee = _amount(data.delivery_fee_idr if data.delivery_fee_idr is not None else 0)
    if fee is None or not 0 <= fee <= MAX_TOTAL_IDR:
        fields["delivery_fee_idr"] = "a whole number of rupiah, 0 or more"
    methods = delivery_methods_for(rfq)
    method = data.delivery_method or methods[0]
    if method not in methods:
        fields["delivery_method"] = "one of: " + ", ".join(methods)
    notes = (data.notes or "").strip() if isinstance(data.notes, str) else ""
    if len(notes) > NOTES_MAX:
        fields["notes"] = "too_long"
    if fields:
        raise B2bValidationError("check the quote", fields)
    lines = _quote_lines(sentra, data.lines)
    subtotal = sum(line.unit_price_idr * line.quantity for line in lines)
    rate, tax = tax_for(sentra, subtotal + fee, config)
    total = subtotal + fee + tax
    if total > MAX_TOTAL_IDR:
        raise B2bValidationError("the total is too large for one quote; split it", {"total_idr": "too_large"})
    close_open_quotes(rfq)
    revision = (db.session.scalar(select(func.max(Quote.revision)).where(Quote.rfq_id == rfq.id)) or 0) + 1
    quote = Quote(rfq=rfq, sentra_id=sentra.id, revision=revision, status=QuoteStatus.OPEN,
                  valid_until=data.valid_until, delivery_method=method, delivery_fee_idr=fee,
                  subtotal_idr=subtotal, tax_rate_percent=rate, tax_idr=tax, total_idr=total, notes=notes,
                  created_by_id=actor.id, lines=lines)
    db.session.add(quote)
    rfq.status = RfqStatus.QUOTED
    rfq.updated_at = utcnow()
    db.session.flush()
    enqueue("b2b.quote_sent", {"quote_id": quote.id})
    return quote


# --- the partner reads and declines --------------------------------------------------------------------


def load_partner_quote(partner_id: int, quote_id: int, *, lock: bool = False) -> Quote:
    """:raise NotFoundError: (404) no such quote to this partner."""
    query = select(Quote).join(Quote.rfq).where(Quote.id == quote_id, Rfq.partner_id == partner_id)
    if lock:
        # The request first, then the quote: the order create_quote and cancel_rfq lock them in.
        rfq_id = db.session.scalar(select(Quote.rfq_id).join(Quote.rfq)
                                   .where(Quote.id == quote_id, Rfq.partner_id == partner_id))
        if rfq_id is not None:
            db.session.scalar(select(Rfq).where(Rfq.id == rfq_id).with_for_update(of=Rfq)
                              .execution_options(populate_existing=True))
        query = query.with_for_update(of=Quote).execution_options(populate_existing=True)
    else:
        query = query.options(selectinload(Quote.lines))
    quote = db.session.scalar(query)
    if quote is None:
        raise NotFoundError("no such quote")
    return quote


def load_sentra_quote(sentra_id: int, quote_id: int) -> Quote:
    quote = db.session.scalar(select(Quote).where(Quote.id == quote_id, Quote.sentra_id == sentra_id)
                              .options(selectinload(Quote.lines)))
    if quote is None:
        raise NotFoundError("no such quote")
    return quote


def is_expired(quote: Quote, today: date | None = None) -> bool:
    return quote.valid_until < (today or today_wib())


def check_acceptable(quote: Quote, today: date | None = None) -> None:
    """:raise QuoteUnavailableError: (409) accepted already, declined, superseded, expired, or the
    request was withdrawn."""
    if quote.status == QuoteStatus.ACCEPTED:
        raise QuoteUnavailableError("this quote was already accepted", "already_accepted")
    if quote.status == QuoteStatus.SUPERSEDED:
        raise QuoteUnavailableError("a newer revision replaced this quote", "quote_superseded")
    if quote.status == QuoteStatus.DECLINED:
        raise QuoteUnavailableError("this quote was declined", "quote_declined")
    if quote.rfq.status not in OPEN_STATUSES:
        raise QuoteUnavailableError("the request was withdrawn", "rfq_closed")
    if not quote.rfq.sentra.is_active:
        raise QuoteUnavailableError("the sentra is not taking orders now", "sentra_inactive")
    if is_expired(quote, today):
        raise QuoteUnavailableError("this quote is past its validity date; ask the sentra for a new one",
                                    "quote_expired")


def decline_quote(membership: PartnerMembership, actor: User, quote_id: int, reason: str | None = None) -> Quote:
    """Decline an open quote; the request closes. Flushes; emails the sentra.

    :raise QuoteUnavailableError: (409) not open any more (accepted, superseded, declined).
    """
    quote = load_partner_quote(membership.partner_id, quote_id, lock=True)
    if quote.status != QuoteStatus.OPEN:
        check_acceptable(quote)
    quote.status = QuoteStatus.DECLINED
    quote.decided_at = utcnow()
    quote.decided_by_id = actor.id
    cancel_pending_approvals(quote)
    rfq = quote.rfq
    rfq.status = RfqStatus.DECLINED
    rfq.updated_at = utcnow()
    db.session.flush()
    enqueue("b2b.quote_declined", {"quote_id": quote.id, "reason": (reason or "").strip()[:500]})
    return quote
