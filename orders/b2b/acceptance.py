"""Accepting a quote: the partner's choice of payment, the approval gate, and the order it makes.

Accepting a valid quote makes one order at exactly the quoted prices through the one order
factory, :mod:`orders.core.placement` (stock reserved for stocked lines, made-to-order lines
promised by their lead time), and its invoice. Above the partner's approval threshold,
accepting first asks for a manager's approval (:class:`~orders.b2b.models.PurchaseApproval`);
:func:`orders.b2b.approvals.approve` then makes the order. Services flush, never commit.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from catalog import stock
from orders.b2b import terms
from orders.b2b.access import needs_approval
from orders.b2b.errors import B2bStockError, B2bValidationError
from orders.b2b.invoices import due_on_for, issue_invoice
from orders.b2b.models import (
    ApprovalStatus,
    PurchaseApproval,
    Quote,
    QuoteLine,
    QuoteStatus,
    RfqStatus,
)
from orders.b2b.quotes import check_acceptable, load_partner_quote
from orders.core import placement
from orders.core.models import Order
from orders.core.payments import PaymentMethod
from orders.delivery.services import settings_for
from shop.accounts.models import User
from shop.db import utcnow
from shop.extensions import db
from shop.outbox.services import enqueue
from shop.partners.models import Partner, PartnerMembership

API_PAYMENTS = {"bank_transfer": PaymentMethod.BANK_TRANSFER.value, "terms": terms.NAME,
                terms.NAME: terms.NAME}


def payment_method_of(choice: str | None) -> str:
    """The provider name of an accept's ``payment`` (``bank_transfer`` by default, or ``terms``).

    :raise B2bValidationError: (422) another value.
    """
    method = API_PAYMENTS.get(choice or "bank_transfer")
    if method is None:
        raise B2bValidationError("payment is bank_transfer or terms", {"payment": "invalid"})
    return method


def lock_partner_for_terms(partner_id: int, method: str) -> None:
    """Buying on terms reads what the partner owes, then adds to it: two parallel purchases must
    not both pass the limit, so the partner row is locked first (before the request and quote)."""
    if method == terms.NAME:
        db.session.scalar(select(Partner).where(Partner.id == partner_id).with_for_update(of=Partner)
                          .execution_options(populate_existing=True))


def check_payment(partner: Partner, method: str, amount_idr: int) -> None:
    if method == terms.NAME:
        terms.check_terms(partner, amount_idr)


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
    lock_partner_for_terms(membership.partner_id, method)
    quote = load_partner_quote(membership.partner_id, quote_id, lock=True)
    check_acceptable(quote)
    partner = membership.partner
    check_payment(partner, method, quote.total_idr)
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
