"""The program office's payment desk at /admin/pembayaran (routes on the admin blueprint).

Bank transfers waiting for a decision (those with a proof first), confirmed and
rejected ones, disputed card orders, and bank refunds the office still has to pay.
Confirming a transfer goes through ``orders.payments.services.mark_paid`` (idempotent:
a second confirm changes nothing); a rejected proof sends the payment back to
``pending`` and the buyer may upload another until the checkout expires; a refund
paid by the office is recorded with its transfer reference (``complete_refund``).
"""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from orders.core.locks import lock_payment
from orders.core.payments import MANUAL_REFUND_METHODS, Payment, PaymentState, Refund
from orders.notes import TRANSFER_CONFIRMED
from orders.payments import bank_transfer
from orders.payments.services import PAID_STATES, complete_refund, mark_paid
from orders.payments.transfer_views import proof_response
from shop.accounts.models import User
from shop.admin import payments_queries as queries
from shop.admin.access import admin_required
from shop.admin.views import bp
from shop.audit.services import record
from shop.extensions import db
from shop.forms import PageForm
from shop.i18n import rupiah

# A cancelled transfer may still be confirmed: money that came anyway is booked and refunded.
CONFIRMABLE = frozenset({PaymentState.PENDING, PaymentState.PROCESSING, PaymentState.EXPIRED,
                         PaymentState.CANCELLED})


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


class ConfirmTransferForm(PageForm):
    note = StringField(_l("Internal note (optional)"), filters=[_strip], validators=[Optional(), Length(max=500)],
                       description=_l("Only the office sees it, e.g. the bank statement line that matches."))


class RejectProofForm(PageForm):
    reason = TextAreaField(
        _l("Reason"), filters=[_strip],
        validators=[DataRequired(message=_l("Give a reason; the buyer will read it.")), Length(max=500)],
        description=_l("Sent to the buyer by email; they may upload another proof until the deadline."),
    )


class RefundDoneForm(PageForm):
    reference = StringField(
        _l("Transfer reference"), filters=[_strip],
        validators=[DataRequired(message=_l("Give the reference of the transfer you made.")), Length(max=255)],
    )


def _page() -> int:
    return max(request.args.get("page", 1, type=int) or 1, 1)


@bp.get("/pembayaran")
@admin_required
def payments():
    """The payment desk; ``?tab=`` waiting (default), confirmed, rejected, disputed or refunds."""
    tab = request.args.get("tab") if request.args.get("tab") in queries.TABS else "waiting"
    page = _page()
    if tab == "disputed":
        page_obj = queries.disputed_page(page)
    elif tab == "refunds":
        page_obj = queries.refund_page(page)
    elif tab == "midtrans":
        page_obj = queries.midtrans_page(page)
    else:
        page_obj = queries.transfer_page(tab, page)
    return render_template(
        "shop/admin/payments.html", tab=tab, page_obj=page_obj, counts=queries.desk_counts(),
        refund_form=RefundDoneForm(formdata=None),
    )


def _transfer_or_404(payment_id: int) -> Payment:
    payment = queries.transfer_detail(payment_id)
    if payment is None:
        abort(404)
    return payment


def _render_detail(payment: Payment, confirm_form: ConfirmTransferForm | None = None,
                   reject_form: RejectProofForm | None = None, error: str | None = None, status: int = 200):
    return (
        render_template(
            "shop/admin/payments_detail.html",
            payment=payment,
            checkout=payment.checkout,
            reference=bank_transfer.transfer_reference(payment.checkout),
            decided_by=db.session.get(User, payment.decided_by_id) if payment.decided_by_id else None,
            confirm_form=confirm_form or ConfirmTransferForm(formdata=None),
            reject_form=reject_form or RejectProofForm(formdata=None),
            can_confirm=payment.state in CONFIRMABLE,
            can_reject=payment.state == PaymentState.PROCESSING,
            error=error,
        ),
        status,
    )


@bp.get("/pembayaran/<int:payment_id>")
@admin_required
def payment_detail(payment_id: int):
    """One bank transfer: amount, buyer, orders, proof and the decisions it allows. :raise 404:"""
    return _render_detail(_transfer_or_404(payment_id))


@bp.get("/pembayaran/<int:payment_id>/bukti")
@admin_required
def payment_proof(payment_id: int):
    """The buyer's transfer proof, for the office only. :raise 404: no such transfer or no proof."""
    return proof_response(_transfer_or_404(payment_id).proof_key)


@bp.post("/pembayaran/<int:payment_id>/konfirmasi")
@admin_required
def payment_confirm(payment_id: int):
    """The money is on the account: the orders become paid (and placed). A repeat changes nothing.

    409 when the payment was cancelled or failed.
    """
    payment = _transfer_or_404(payment_id)
    form = ConfirmTransferForm()
    if not form.validate_on_submit():
        return _render_detail(payment, confirm_form=form, status=422)
    payment = lock_payment(payment.id)
    if payment.state in PAID_STATES:
        db.session.rollback()
        flash(_("This transfer was confirmed already; nothing changed."), "info")
        return redirect(url_for("admin.payment_detail", payment_id=payment_id), 303)
    if payment.state not in CONFIRMABLE:
        db.session.rollback()
        return _render_detail(_transfer_or_404(payment_id), status=409,
                              error=_("A cancelled or failed payment cannot be confirmed."))
    mark_paid(payment, current_user, TRANSFER_CONFIRMED, current_app.config, office_note=form.note.data)
    record(current_user, "payment.confirm", "payment", payment.id, f"transfer of {payment.amount_idr} IDR confirmed")
    db.session.commit()
    flash(_("Transfer of %(amount)s confirmed; the sentras can start on the orders.",
            amount=rupiah(payment.amount_idr)), "success")
    return redirect(url_for("admin.payments"), 303)


@bp.post("/pembayaran/<int:payment_id>/tolak")
@admin_required
def payment_reject(payment_id: int):
    """The proof does not match a transfer: back to the buyer with a reason (emailed).

    422 without a reason; 409 when no proof is waiting.
    """
    payment = _transfer_or_404(payment_id)
    form = RejectProofForm()
    if not form.validate_on_submit():
        return _render_detail(payment, reject_form=form, status=422)
    payment = lock_payment(payment.id)
    try:
        bank_transfer.reject_proof(payment, current_user, form.reason.data)
    except bank_transfer.TransferStateError as error:
        db.session.rollback()
        return _render_detail(_transfer_or_404(payment_id), error=error.message, status=409)
    record(current_user, "payment.reject", "payment", payment.id, f"transfer proof rejected ({form.reason.data})")
    db.session.commit()
    flash(_("The proof was rejected and the buyer told why."), "success")
    return redirect(url_for("admin.payments"), 303)


@bp.post("/pembayaran/refund/<int:refund_id>/selesai")
@admin_required
def refund_complete(refund_id: int):
    """Record a bank refund the office has made, with its transfer reference. A repeat changes nothing.

    :raise 404: no such bank-transfer refund. 422 without a reference.
    """
    refund = db.get_or_404(Refund, refund_id)
    if refund.payment.method not in MANUAL_REFUND_METHODS:
        abort(404)
    form = RefundDoneForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            flash(str(errors[0]), "error")
        return redirect(url_for("admin.payments", tab="refunds"), 303)
    lock_payment(refund.payment_id)  # two clicks at once: the second waits here, then sees it done
    db.session.refresh(refund)
    if refund.state != "pending":
        db.session.rollback()
        flash(_("This refund was recorded already; nothing changed."), "info")
        return redirect(url_for("admin.payments", tab="refunds"), 303)
    complete_refund(refund, form.reference.data, current_user)
    record(current_user, "refund.complete", "refund", refund.id,
           f"bank refund of {refund.amount_idr} IDR recorded, reference {form.reference.data}")
    db.session.commit()
    flash(_("Refund of %(amount)s recorded.", amount=rupiah(refund.amount_idr)), "success")
    return redirect(url_for("admin.payments", tab="refunds"), 303)
