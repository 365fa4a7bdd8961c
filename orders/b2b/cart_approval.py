"""A partner member's purchase through the normal cart and checkout.

When the buyer belongs to a verified partner, the checkout and its orders are the
partner's (``partner_id``, the first organisation), and each order gets its invoice in
the checkout's transaction. Above the partner's approval threshold the checkout is
refused (:class:`ApprovalRequiredError`) unless a manager approved exactly this cart:
a ``PurchaseApproval`` of kind ``cart`` asked for by the buyer, whose ``fingerprint``
matches the cart's lines now and whose amount covers the total. Placing the checkout
uses the approval up. Managers decide with :func:`orders.b2b.approvals.approve`.

Services flush, never commit. The checkout reaches this through its purchaser seam
(:mod:`orders.checkout.purchasers`): :data:`PURCHASER`, provided when the app is built.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update

from orders.b2b.access import needs_approval, verified_memberships
from orders.b2b.errors import B2bValidationError
from orders.b2b.invoices import due_on_for, issue_invoice
from orders.b2b.models import ApprovalStatus, PurchaseApproval
from orders.checkout.errors import ApprovalRequiredError
from orders.core.models import Checkout, Order
from shop.accounts.models import User
from shop.db import utcnow
from shop.extensions import db
from shop.outbox.services import enqueue
from shop.partners.models import Partner, PartnerMembership

KIND = "cart"


def cart_fingerprint(pairs: Iterable[tuple[int, int]]) -> str:
    """SHA-256 of the cart's sorted ``variant_id:quantity`` pairs: any change of line or quantity changes it."""
    text = ",".join(f"{variant_id}:{quantity}" for variant_id, quantity in sorted(pairs))
    return hashlib.sha256(text.encode()).hexdigest()


def _approved(partner_id: int, buyer_id: int, fingerprint: str, amount_idr: int) -> PurchaseApproval | None:
    return db.session.scalar(
        select(PurchaseApproval).where(
            PurchaseApproval.partner_id == partner_id, PurchaseApproval.kind == KIND,
            PurchaseApproval.status == ApprovalStatus.APPROVED, PurchaseApproval.requested_by_id == buyer_id,
            PurchaseApproval.fingerprint == fingerprint, PurchaseApproval.amount_idr >= amount_idr,
        ).order_by(PurchaseApproval.id).limit(1)
    )


@dataclass
class PartnerPurchase:
    """Who a cart checkout buys for, and the approval it will use (when above the threshold)."""

    partner: Partner
    approval_id: int | None = None


def partner_purchase(buyer: User, pairs: Iterable[tuple[int, int]], total_idr: int) -> PartnerPurchase | None:
    """The partner a verified member's checkout is for (None for anyone else), gate checked.

    :raise ApprovalRequiredError: (422) above the threshold without an approval of this cart
        (by this buyer, these lines and quantities, an amount covering ``total_idr``).
    """
    memberships = verified_memberships(buyer)
    if not memberships:
        return None
    partner = memberships[0].partner
    if not needs_approval(partner, total_idr):
        return PartnerPurchase(partner)
    approval = _approved(partner.id, buyer.id, cart_fingerprint(pairs), total_idr)
    if approval is None:
        raise ApprovalRequiredError(
            "this purchase is above your organisation's approval threshold: ask a manager to approve it first",
            {"total_idr": str(total_idr), "threshold_idr": str(partner.approval_threshold_idr)},
        )
    return PartnerPurchase(partner, approval.id)


def complete_partner_checkout(purchase: PartnerPurchase, checkout: Checkout, orders: list[Order],
                              now: datetime) -> None:
    """Mark the checkout and its orders as the partner's, use up the approval, issue the invoices. Flushes.

    Invoices are numbered in ascending sentra id (the lock order of invoice counters), after
    the stock is reserved as in :func:`orders.b2b.acceptance.place_order`. Cart orders carry no
    PPN (``tax_idr`` 0): they are at catalogue prices, which already include any tax.

    :raise ApprovalRequiredError: a parallel checkout used the approval first.
    """
    partner = purchase.partner
    checkout.partner_id = partner.id
    for order in orders:
        order.partner_id = partner.id
    if purchase.approval_id is not None:
        used = db.session.execute(
            update(PurchaseApproval)
            .where(PurchaseApproval.id == purchase.approval_id, PurchaseApproval.status == ApprovalStatus.APPROVED)
            .values(status=ApprovalStatus.USED, checkout_id=checkout.id)
            .execution_options(synchronize_session=False)
        ).rowcount
        if used != 1:
            raise ApprovalRequiredError("the manager's approval of this cart was already used; ask again")
    db.session.flush()
    due_on = due_on_for(None, checkout.expires_at, now)
    for order in sorted(orders, key=lambda o: o.sentra_id):
        issue_invoice(order, partner, terms_days=None, due_on=due_on, tax_rate_percent=0)


# --- asking a manager ----------------------------------------------------------------------------


def request_cart_approval(membership: PartnerMembership, buyer: User, pairs: list[tuple[int, int]],
                          amount_idr: int, payment_method: str) -> PurchaseApproval:
    """Ask the partner's managers to approve the buyer's cart as it is now. Flushes; emails them.

    Asking again for the same cart returns the pending request; the buyer's older pending
    cart requests (for a cart since changed) are cancelled.

    :raise B2bValidationError: (422) an empty cart, or a total the buyer may place without approval.
    """
    partner = membership.partner
    if not pairs:
        raise B2bValidationError("the cart is empty", {"cart": "empty"})
    if not needs_approval(partner, amount_idr):
        raise B2bValidationError("this purchase is within the approval threshold: no approval is needed",
                                 {"amount_idr": "below_threshold"})
    fingerprint = cart_fingerprint(pairs)
    pending = list(db.session.scalars(
        select(PurchaseApproval).where(
            PurchaseApproval.partner_id == partner.id, PurchaseApproval.kind == KIND,
            PurchaseApproval.status == ApprovalStatus.PENDING, PurchaseApproval.requested_by_id == buyer.id,
        ).with_for_update()
    ))
    for approval in pending:
        if approval.fingerprint == fingerprint and approval.amount_idr >= amount_idr:
            return approval
    for approval in pending:
        approval.status = ApprovalStatus.CANCELLED
        approval.decided_at = utcnow()
    approval = PurchaseApproval(partner_id=partner.id, kind=KIND, fingerprint=fingerprint,
                                payment_method=payment_method, amount_idr=amount_idr,
                                status=ApprovalStatus.PENDING, requested_by_id=buyer.id)
    db.session.add(approval)
    db.session.flush()
    enqueue("b2b.approval_requested", {"approval_id": approval.id})
    return approval


def cart_approval_of(buyer: User, pairs: list[tuple[int, int]]) -> PurchaseApproval | None:
    """The newest cart approval the buyer asked for with the cart as it is now (any status but used)."""
    if not pairs:
        return None
    return db.session.scalar(
        select(PurchaseApproval).where(
            PurchaseApproval.kind == KIND, PurchaseApproval.requested_by_id == buyer.id,
            PurchaseApproval.fingerprint == cart_fingerprint(pairs),
            PurchaseApproval.status != ApprovalStatus.USED,
        ).order_by(PurchaseApproval.id.desc()).limit(1)
    )


class _PartnerPurchaser:
    """The partner's purchases, as the checkout's :class:`~orders.checkout.purchasers.Purchaser`."""

    gate = staticmethod(partner_purchase)
    complete = staticmethod(complete_partner_checkout)
    approval_of = staticmethod(cart_approval_of)


PURCHASER = _PartnerPurchaser()
