"""A manager's approval of a partner's purchase above its approval threshold: reading,
approving (a quote approval then makes the order) and rejecting. Services flush, never commit.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import select

from orders.b2b.acceptance import check_payment, lock_partner_for_terms, place_order
from orders.b2b.access import can_approve
from orders.b2b.errors import (
    ApprovalNotAllowedError,
    ApprovalStateError,
    NotFoundError,
    QuoteUnavailableError,
)
from orders.b2b.models import ApprovalStatus, PurchaseApproval
from orders.b2b.quotes import check_acceptable, load_partner_quote
from shop.accounts.models import User
from shop.db import utcnow
from shop.extensions import db
from shop.outbox.services import enqueue
from shop.partners.models import PartnerMembership


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
    lock_partner_for_terms(membership.partner_id, payment_method or "")
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
        check_payment(partner, approval.payment_method, quote.total_idr)
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
