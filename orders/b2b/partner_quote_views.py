"""The partner's quote decisions and purchase approvals under /mitra/ (routes on the ``b2b_partner``
blueprint of :mod:`orders.b2b.partner_views`, so endpoints stay ``b2b_partner.*``).

Every route needs a verified partner membership (:func:`~orders.b2b.partner_common.partner_required`);
quotes and approvals are loaded by (partner, id), so another partner's quote or approval is a 404.
A quote above the partner's threshold becomes an approval that a manager other than the buyer decides.
"""
from __future__ import annotations

from typing import Any

from flask import abort, current_app, flash, g, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from orders.b2b import acceptance, access, quotes
from orders.b2b import approvals as purchase_approvals
from orders.b2b.errors import B2bError, NotFoundError
from orders.b2b.invoices import overdue_count
from orders.b2b.models import ApprovalStatus, PurchaseApproval, Quote
from orders.b2b.partner_common import (
    ERROR_MESSAGES,
    PER_PAGE,
    error_message,
    page_number,
    partner_required,
    render,
)
from orders.b2b.partner_forms import AcceptQuoteForm, ReasonForm
from orders.b2b.partner_views import bp, to_rfq
from orders.b2b.terms import credit_available_idr
from orders.core.providers import PaymentError
from shop.extensions import db


def _load_quote(quote_id: int) -> Quote:
    try:
        return quotes.load_partner_quote(g.partner.id, quote_id)
    except NotFoundError:
        abort(404)


def _load_approval(approval_id: int) -> PurchaseApproval:
    try:
        return purchase_approvals.load_approval(g.partner.id, approval_id)
    except NotFoundError:
        abort(404)


# --- deciding a quote ---------------------------------------------------------------------------------


def _terms_context() -> dict[str, Any]:
    partner = g.partner
    if not partner.terms_days:
        return {"terms_days": None}
    return {"terms_days": partner.terms_days, "credit_limit_idr": partner.credit_limit_idr,
            "credit_available_idr": credit_available_idr(partner),
            "has_overdue": overdue_count(partner.id) > 0}


@bp.get("/penawaran/<int:quote_id>/terima")
@partner_required
def quote_accept_confirm(quote_id: int):
    """The total and the payment choice before accepting. :raise 404:"""
    quote = _load_quote(quote_id)
    try:
        quotes.check_acceptable(quote)
    except B2bError as error:
        flash(error_message(error), "error")
        return to_rfq(quote.rfq_id)
    form = AcceptQuoteForm()
    return render("b2b/partner/confirm.html", form=form, kind="accept", quote=quote, rfq=quote.rfq,
                   needs_approval=access.needs_approval(g.partner, quote.total_idr),
                   action=url_for("b2b_partner.quote_accept", quote_id=quote_id),
                   back=url_for("b2b_partner.rfq_detail", rfq_id=quote.rfq_id), **_terms_context())


@bp.post("/penawaran/<int:quote_id>/terima")
@partner_required
def quote_accept(quote_id: int):
    """Accept: the order is made, or (above the threshold) a manager is asked first. :raise 404:"""
    form = AcceptQuoteForm()
    if not form.validate_on_submit():
        _load_quote(quote_id)
        flash(str(ERROR_MESSAGES["validation_error"]), "error")
        return redirect(url_for("b2b_partner.quote_accept_confirm", quote_id=quote_id), 303)
    try:
        accepted = acceptance.accept_quote(g.membership, current_user, quote_id, form.payment.data, current_app.config)
    except NotFoundError:
        db.session.rollback()
        abort(404)
    except (B2bError, PaymentError) as error:
        db.session.rollback()
        flash(error_message(error) if isinstance(error, B2bError) else
              _("The payment could not be started: %(message)s", message=error.message), "error")
        return to_rfq(_load_quote(quote_id).rfq_id)
    db.session.commit()
    if accepted.approval is not None:
        flash(_("Sent to a manager for approval. The order is placed when a manager other than you approves."),
              "success")
        return to_rfq(accepted.approval.quote.rfq_id)
    order = accepted.order
    if order.payment_method == "bank_transfer":
        flash(_("Quote accepted: order %(number)s is made. Pay it by bank transfer as shown below.",
                number=order.number), "success")
    else:
        flash(_("Quote accepted: order %(number)s is placed on payment terms.", number=order.number), "success")
    return redirect(url_for("b2b_partner.order_detail", number=order.number), 303)


@bp.get("/penawaran/<int:quote_id>/tolak")
@partner_required
def quote_decline_confirm(quote_id: int):
    """Ask before declining (with an optional reason). :raise 404:"""
    quote = _load_quote(quote_id)
    return render("b2b/partner/confirm.html", form=ReasonForm(), kind="decline", quote=quote, rfq=quote.rfq,
                   action=url_for("b2b_partner.quote_decline", quote_id=quote_id),
                   back=url_for("b2b_partner.rfq_detail", rfq_id=quote.rfq_id))


@bp.post("/penawaran/<int:quote_id>/tolak")
@partner_required
def quote_decline(quote_id: int):
    """Decline the quote; the request closes. :raise 404:"""
    rfq_id = _load_quote(quote_id).rfq_id
    form = ReasonForm()
    if not form.validate_on_submit():
        flash(_("The reason is at most 500 characters."), "error")
        return redirect(url_for("b2b_partner.quote_decline_confirm", quote_id=quote_id), 303)
    try:
        quotes.decline_quote(g.membership, current_user, quote_id, form.reason.data)
    except B2bError as error:
        db.session.rollback()
        flash(error_message(error), "error")
        return to_rfq(rfq_id)
    db.session.commit()
    flash(_("Quote declined; the sentra is told."), "success")
    return to_rfq(rfq_id)


# --- approvals ----------------------------------------------------------------------------------------


@bp.get("/persetujuan")
@partner_required
def approvals():
    """Purchases above the threshold: pending first, then decided ones, 20 a page."""
    pending_first = (PurchaseApproval.status != ApprovalStatus.PENDING)
    page = db.paginate(
        select(PurchaseApproval).where(PurchaseApproval.partner_id == g.partner.id)
        .options(joinedload(PurchaseApproval.requested_by), joinedload(PurchaseApproval.decided_by),
                 joinedload(PurchaseApproval.quote).joinedload(Quote.rfq))
        .order_by(pending_first, PurchaseApproval.id.desc()),
        page=page_number(), per_page=PER_PAGE, error_out=False)
    return render("b2b/partner/approvals.html", approvals=page)


def _decide_confirm(approval_id: int, kind: str):
    approval = _load_approval(approval_id)
    endpoint = "b2b_partner.approval_approve" if kind == "approve" else "b2b_partner.approval_reject"
    return render("b2b/partner/confirm.html", form=ReasonForm(), kind=kind, approval=approval,
                   quote=approval.quote, rfq=approval.quote.rfq if approval.quote else None,
                   action=url_for(endpoint, approval_id=approval_id), back=url_for("b2b_partner.approvals"))


@bp.get("/persetujuan/<int:approval_id>/setujui")
@partner_required
def approval_approve_confirm(approval_id: int):
    """Ask before approving. :raise 404:"""
    return _decide_confirm(approval_id, "approve")


@bp.get("/persetujuan/<int:approval_id>/tolak")
@partner_required
def approval_reject_confirm(approval_id: int):
    """Ask before rejecting. :raise 404:"""
    return _decide_confirm(approval_id, "reject")


@bp.post("/persetujuan/<int:approval_id>/setujui")
@partner_required
def approval_approve(approval_id: int):
    """A manager approves: a quote's order is made. :raise 404:"""
    _load_approval(approval_id)
    form = ReasonForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        approval = purchase_approvals.approve(g.membership, approval_id, current_app.config, form.reason.data)
    except (B2bError, PaymentError) as error:
        if getattr(error, "keeps_changes", False):
            db.session.commit()  # the approval was cancelled: its quote can no longer be accepted
        else:
            db.session.rollback()
        flash(error_message(error) if isinstance(error, B2bError) else
              _("The payment could not be started: %(message)s", message=error.message), "error")
        return redirect(url_for("b2b_partner.approvals"), 303)
    db.session.commit()
    if approval.kind == "quote" and approval.quote is not None and approval.quote.order is not None:
        order = approval.quote.order
        flash(_("Approved: order %(number)s is made for %(name)s.", number=order.number,
                name=approval.requested_by.name), "success")
        return redirect(url_for("b2b_partner.order_detail", number=order.number), 303)
    flash(_("Approved: %(name)s can now place the order.", name=approval.requested_by.name), "success")
    return redirect(url_for("b2b_partner.approvals"), 303)


@bp.post("/persetujuan/<int:approval_id>/tolak")
@partner_required
def approval_reject(approval_id: int):
    """A manager rejects: nothing is bought. :raise 404:"""
    _load_approval(approval_id)
    form = ReasonForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        purchase_approvals.reject(g.membership, approval_id, form.reason.data)
    except B2bError as error:
        db.session.rollback()
        flash(error_message(error), "error")
        return redirect(url_for("b2b_partner.approvals"), 303)
    db.session.commit()
    flash(_("Rejected; the person who prepared it is told."), "success")
    return redirect(url_for("b2b_partner.approvals"), 303)
