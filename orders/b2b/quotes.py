"""Quotes: a sentra's priced answer to a request, its revisions, and accepting one.

Accepting a valid quote makes one order at exactly the quoted prices through the one order
factory, :mod:`orders.core.placement` (stock reserved for stocked lines, made-to-order lines
scheduled by their lead time) and its invoice. Above
the partner's approval threshold, accepting first asks for a manager's approval
(:class:`~orders.b2b.models.PurchaseApproval`); the order is made when a manager other
than the person who prepared it approves. Services flush, never commit.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from catalog import stock
from catalog.products.models import Product, Variant
from orders.b2b import terms
from orders.b2b.access import can_approve
from orders.b2b.errors import (
    ApprovalNotAllowedError,
    ApprovalStateError,
    B2bStockError,
    B2bValidationError,
    NotFoundError,
    QuoteUnavailableError,
    RfqClosedError,
)
from orders.b2b.invoices import due_on_for, issue_invoice, tax_for, today_wib
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
from orders.core import placement
from orders.core.models import (
    DeliveryMethod,
    Order,
)
from orders.core.payments import PaymentMethod
from orders.delivery.services import settings_for
from shop.accounts.models import User
from shop.db import utcnow
from shop.extensions import db
from shop.outbox.services import enqueue
from shop.partners.models import Partner, PartnerMembership
from shop.sentras.models import Sentra

MAX_INT = 2_147_483_647  # the database's INTEGER
MAX_TOTAL_IDR = 2_000_000_000  # the money columns are 32-bit integers
MAX_LEAD_TIME_DAYS = 365
NOTES_MAX = 4000
PAYMENTS = (PaymentMethod.BANK_TRANSFER.value, terms.NAME)
API_PAYMENTS = {"bank_transfer": PaymentMethod.BANK_TRANSFER.value, "terms": terms.NAME,
                terms.NAME: terms.NAME}


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
        _cancel_pending_approvals(quote)


def _cancel_pending_approvals(quote: Quote) -> None:
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


# --- the partner decides ------------------------------------------------------------------------------


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


def payment_method_of(choice: str | None) -> str:
    """The provider name of an accept's ``payment`` (``bank_transfer`` by default, or ``terms``).

    :raise B2bValidationError: (422) another value.
    """
    method = API_PAYMENTS.get(choice or "bank_transfer")
    if method is None:
        raise B2bValidationError("payment is bank_transfer or terms", {"payment": "invalid"})
    return method


def _lock_partner_for_terms(partner_id: int, method: str) -> None:
    """Buying on terms reads what the partner owes, then adds to it: two parallel purchases must
    not both pass the limit, so the partner row is locked first (before the request and quote)."""
    if method == terms.NAME:
        db.session.scalar(select(Partner).where(Partner.id == partner_id).with_for_update(of=Partner)
                          .execution_options(populate_existing=True))


def _check_payment(partner: Partner, method: str, amount_idr: int) -> None:
    if method == terms.NAME:
        terms.check_terms(partner, amount_idr)


def needs_approval(partner: Partner, amount_idr: int) -> bool:
    return partner.approval_threshold_idr is not None and amount_idr > partner.approval_threshold_idr


@dataclass
class Accepted:
    """What accepting did: made the order, or asked a manager to approve first."""

    order: Order | None = None
    approval: PurchaseApproval | None = None


def accept_quote(membership: PartnerMembership, actor: User, quote_id: int, payment: str | None,
                 config: Mapping[str, Any]) -> Accepted:
    """Accept a quote for the member's partner. Locks the quote; flushes.

    Below the threshold the order is made at once; above it a pending approval is made
    (or the pending one returned) and the order waits for a manager.

    :raise NotFoundError: (404) not a quote to this partner.
    :raise QuoteUnavailableError: (409) accepted already, superseded, declined, expired, withdrawn.
    :raise B2bValidationError: (422) an unknown payment choice.
    :raise TermsUnavailableError: (422) terms not enabled, over the credit limit, or overdue invoices.
    :raise B2bStockError: (409) a stocked line is short; nothing was reserved.
    """
    method = payment_method_of(payment)
    _lock_partner_for_terms(membership.partner_id, method)
    quote = load_partner_quote(membership.partner_id, quote_id, lock=True)
    check_acceptable(quote)
    partner = membership.partner
    _check_payment(partner, method, quote.total_idr)
    if needs_approval(partner, quote.total_idr):
        approval = db.session.scalar(select(PurchaseApproval).where(
            PurchaseApproval.quote_id == quote.id, PurchaseApproval.status == ApprovalStatus.PENDING))
        if approval is None:
            approval = PurchaseApproval(partner_id=partner.id, kind="quote", quote_id=quote.id,
                                        payment_method=method, amount_idr=quote.total_idr,
                                        status=ApprovalStatus.PENDING, requested_by_id=actor.id)
            try:
                with db.session.begin_nested():
                    db.session.add(approval)
                    db.session.flush()
            except IntegrityError:  # a parallel accept asked first
                approval = db.session.scalar(select(PurchaseApproval).where(
                    PurchaseApproval.quote_id == quote.id, PurchaseApproval.status == ApprovalStatus.PENDING))
            else:
                enqueue("b2b.approval_requested", {"approval_id": approval.id})
        return Accepted(approval=approval)
    return Accepted(order=place_order(quote, partner, actor, method, actor, config))


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
    _cancel_pending_approvals(quote)
    rfq = quote.rfq
    rfq.status = RfqStatus.DECLINED
    rfq.updated_at = utcnow()
    db.session.flush()
    enqueue("b2b.quote_declined", {"quote_id": quote.id, "reason": (reason or "").strip()[:500]})
    return quote


# --- approvals ----------------------------------------------------------------------------------------


def load_approval(partner_id: int, approval_id: int, *, lock: bool = False) -> PurchaseApproval:
    query = select(PurchaseApproval).where(PurchaseApproval.partner_id == partner_id,
                                           PurchaseApproval.id == approval_id)
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    approval = db.session.scalar(query)
    if approval is None:
        raise NotFoundError("no such approval")
    return approval


def list_approvals(partner_id: int, status: str | None, page: int, per_page: int) -> Pagination:
    query = select(PurchaseApproval).where(PurchaseApproval.partner_id == partner_id)
    if status:
        query = query.where(PurchaseApproval.status == status)
    return db.paginate(query.order_by(PurchaseApproval.id.desc()), page=page, per_page=per_page, error_out=False)


def _check_approver(approval: PurchaseApproval, membership: PartnerMembership) -> None:
    if not can_approve(membership):
        raise ApprovalNotAllowedError("only a manager approves purchases above the threshold")
    if membership.user_id == approval.requested_by_id:
        raise ApprovalNotAllowedError("a manager other than the person who prepared it must approve")
    if approval.status != ApprovalStatus.PENDING:
        raise ApprovalStateError(f"this approval is already {approval.status}")


def approve(membership: PartnerMembership, approval_id: int, config: Mapping[str, Any],
            note: str | None = None) -> PurchaseApproval:
    """A manager approves: a quote approval makes the order (for the person who prepared it). Flushes.

    :raise ApprovalNotAllowedError: (403) not a manager, or approving one's own purchase.
    :raise ApprovalStateError: (409) already decided.
    :raise QuoteUnavailableError: (409) the quote can no longer be accepted: the approval is cancelled
        and the error's ``keeps_changes`` is True, so the caller COMMITS before answering.
    :raise TermsUnavailableError, B2bStockError: as :func:`accept_quote`.
    """
    payment_method = db.session.scalar(select(PurchaseApproval.payment_method).where(
        PurchaseApproval.partner_id == membership.partner_id, PurchaseApproval.id == approval_id))
    _lock_partner_for_terms(membership.partner_id, payment_method or "")
    approval = load_approval(membership.partner_id, approval_id, lock=True)
    _check_approver(approval, membership)
    approval.note = (note or "").strip()[:1000] or None
    approval.decided_by_id = membership.user_id
    approval.decided_at = utcnow()
    if approval.kind == "quote":
        quote = load_partner_quote(membership.partner_id, approval.quote_id, lock=True)
        try:
            check_acceptable(quote)
        except QuoteUnavailableError as error:
            # Nothing can be bought any more: the approval ends here, and the caller commits that.
            approval.status = ApprovalStatus.CANCELLED
            db.session.flush()
            error.keeps_changes = True
            raise
    approval.status = ApprovalStatus.APPROVED
    if approval.kind == "quote":
        partner = membership.partner
        _check_payment(partner, approval.payment_method, quote.total_idr)
        requester = db.session.get(User, approval.requested_by_id)
        place_order(quote, partner, requester, approval.payment_method, membership.user, config)
    db.session.flush()
    enqueue("b2b.approval_decided", {"approval_id": approval.id})
    return approval


def reject(membership: PartnerMembership, approval_id: int, note: str | None = None) -> PurchaseApproval:
    """A manager rejects; nothing is bought. Flushes; emails the person who prepared it.

    :raise ApprovalNotAllowedError: (403) not a manager, or one's own purchase.
    :raise ApprovalStateError: (409) already decided.
    """
    approval = load_approval(membership.partner_id, approval_id, lock=True)
    _check_approver(approval, membership)
    approval.status = ApprovalStatus.REJECTED
    approval.note = (note or "").strip()[:1000] or None
    approval.decided_by_id = membership.user_id
    approval.decided_at = utcnow()
    db.session.flush()
    enqueue("b2b.approval_decided", {"approval_id": approval.id})
    return approval


# --- the order ----------------------------------------------------------------------------------------


def _line_spec(line: QuoteLine) -> placement.LineSpec:
    variant = line.variant
    if variant is None:  # a line the sentra makes to the partner's description
        return placement.LineSpec(product_id=line.product_id, title=line.description[:120], quantity=line.quantity,
                                  unit_price_idr=line.unit_price_idr, made_to_order=True,
                                  lead_time_days=line.lead_time_days)
    return placement.LineSpec(
        variant_id=variant.id, product_id=line.product_id, title=line.description[:120], variant_label=variant.label,
        sku=variant.sku, quantity=line.quantity, unit_price_idr=line.unit_price_idr,
        weight_grams=variant.weight_grams, made_to_order=variant.product.made_to_order or line.lead_time_days > 0,
        lead_time_days=line.lead_time_days,
    )


def _order_spec(quote: Quote, partner: Partner, buyer: User, actor: User) -> placement.OrderSpec:
    return placement.OrderSpec(
        buyer_id=buyer.id, sentra_id=quote.sentra_id, partner_id=partner.id,
        lines=tuple(_line_spec(line) for line in quote.lines), delivery_method=quote.delivery_method,
        delivery_fee_idr=quote.delivery_fee_idr, tax_idr=quote.tax_idr, in_city=quote.rfq.in_bekasi,
        handling_days=settings_for(quote.sentra).handling_days, actor_id=actor.id,
        note=f"quote {quote.id} revision {quote.revision}",
    )


def _address(quote: Quote) -> dict[str, Any]:
    rfq = quote.rfq
    return {"recipient": rfq.recipient, "phone": rfq.phone, "street": rfq.street,
            "kelurahan_code": rfq.kelurahan_code, "city": rfq.city, "postal_code": rfq.postal_code}


def place_order(quote: Quote, partner: Partner, buyer: User, method: str, actor: User,
                config: Mapping[str, Any]) -> Order:
    """Make the order of an accepted quote at exactly its prices, with its invoice. Flushes.

    The order belongs to ``buyer`` (who prepared the purchase) for ``partner``. Stocked
    lines reserve stock; made-to-order lines are promised by their lead time.

    :raise B2bStockError: (409) a stocked line is short; the caller rolls back.
    """
    now = utcnow()
    checkout = placement.open_checkout(buyer_id=buyer.id, idempotency_key=f"quote:{quote.id}", payment_method=method,
                                       total_idr=quote.total_idr, address=_address(quote), partner_id=partner.id,
                                       now=now, config=config)
    order = placement.place_order(checkout, _order_spec(quote, partner, buyer, actor))
    placement.record_payment(checkout, config)
    try:
        placement.reserve_stock([order], actor_id=actor.id)
    except stock.InsufficientStockError as short:
        raise B2bStockError("not enough stock for a line of this quote; ask the sentra to revise it",
                            {f"variant_{short.variant_id}": f"{short.available} available"}) from None
    terms_days = partner.terms_days if method == terms.NAME else None
    issue_invoice(order, partner, terms_days=terms_days, due_on=due_on_for(terms_days, checkout.expires_at, now),
                  tax_rate_percent=quote.tax_rate_percent, seller_pkp=quote.tax_rate_percent > 0)
    _mark_accepted(quote, order, actor, now)
    enqueue("b2b.quote_accepted", {"quote_id": quote.id})
    return order


def _mark_accepted(quote: Quote, order: Order, actor: User, now: datetime) -> None:
    quote.status = QuoteStatus.ACCEPTED
    quote.decided_at = now
    quote.decided_by_id = actor.id
    quote.order_id = order.id
    quote.rfq.status = RfqStatus.ACCEPTED
    quote.rfq.updated_at = now
    db.session.flush()
