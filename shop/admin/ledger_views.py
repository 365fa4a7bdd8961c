"""The program office's money desk at /admin/keuangan (routes on the admin blueprint).

Balances the platform owes the sentras, payouts recorded with their transfer reference, the CSV
batch for the bank, adjustments (always with a reason) and each sentra's commission override.
The services in :mod:`orders.ledger.payouts` lock, check and audit; these views parse the forms,
commit once and turn domain errors into messages.
"""
from __future__ import annotations

from flask import Response, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from orders.ledger import payouts, statements
from orders.ledger.forms import AdjustmentForm, CommissionForm, ExportForm, PayoutForm
from orders.ledger.labels import KIND_LABELS
from orders.ledger.services import balance_idr
from shop.admin.access import admin_required
from shop.admin.views import bp
from shop.db import WIB, utcnow
from shop.extensions import db
from shop.i18n import percent_of_bp, rupiah
from shop.sentras.models import Sentra

PER_PAGE = 50


def _page() -> int:
    return max(request.args.get("page", 1, type=int) or 1, 1)


def _sentra(sentra_id: int) -> Sentra:
    return db.get_or_404(Sentra, sentra_id)


@bp.get("/keuangan")
@admin_required
def ledger_index():
    """Balances due (largest first), recent payouts and the bank batch of payouts not exported yet."""
    return render_template(
        "shop/admin/ledger/index.html", due=payouts.balances_due(), payout_page=payouts.payout_page(_page()),
        unexported=payouts.unexported_count(), export_form=ExportForm(formdata=None),
        sentras=db.session.scalars(select(Sentra).order_by(Sentra.name)).all(),
    )


@bp.get("/keuangan/<int:sentra_id>")
@admin_required
def ledger_sentra(sentra_id: int):
    """One sentra's balance, commission and statement (latest entries last). :raise 404:"""
    sentra = _sentra(sentra_id)
    page = request.args.get("page", 100_000, type=int) or 100_000  # no page: the last one
    return render_template(
        "shop/admin/ledger/sentra.html", sentra=sentra, balance=balance_idr(sentra.id),
        statement=statements.statement(sentra.id, page=page, per_page=PER_PAGE),
        default_bp=int(current_app.config["PLATFORM_COMMISSION_BP"]),
        has_bank_account=payouts.has_bank_account(sentra), kind_labels=KIND_LABELS,
    )


def _payout_messages(error: payouts.LedgerError) -> str:
    if error.code == "exceeds_balance":
        return _("The payout is larger than the balance of %(amount)s.", amount=rupiah(error.fields["available_idr"]))
    if error.code == "balance_changed":
        return _("The balance changed to %(amount)s since you opened this page (another payout?). Check it and "
                 "send again.", amount=rupiah(error.fields["available_idr"]))
    if error.code == "bank_account_changed":
        return _("The sentra's bank account changed since you opened this page. Check the account shown now; "
                 "if your transfer went to the old one, talk to the sentra before recording it.")
    if error.code == "no_bank_account":
        return _("This sentra has no bank account yet; its owner must add one first.")
    if error.code == "reference_required":
        return _("Give the reference of the transfer you made.")
    return _("Enter an amount above zero.")


@bp.route("/keuangan/<int:sentra_id>/pencairan", methods=["GET", "POST"])
@admin_required
def ledger_payout(sentra_id: int):
    """Record a transfer made to the sentra's account: amount (the balance by default), reference,
    confirmation. 422 for a bad form, a missing bank account or more than the balance; 409 when the
    balance changed since the page was opened. :raise 404:
    """
    sentra = _sentra(sentra_id)
    balance = balance_idr(sentra.id)
    # Defaults only for the page as first shown: a POST says what it saw, or it saw nothing.
    form = PayoutForm() if request.method == "POST" else PayoutForm(data={
        "amount": max(balance, 0) or None, "balance_seen": str(balance),
        "account_seen": payouts.account_fingerprint(sentra)})
    error, status = None, 200
    if form.validate_on_submit():
        try:
            payout = payouts.record_payout(sentra, current_user, form.amount.data, form.reference.data,
                                           form.note.data, expected_balance_idr=form.expected_balance(),
                                           expected_account=form.account_seen.data or "")
        except payouts.LedgerError as exc:
            db.session.rollback()
            error, status = _payout_messages(exc), exc.status
            sentra = _sentra(sentra_id)
            balance = balance_idr(sentra.id)
            form.balance_seen.data = str(balance)  # the next submit is checked against what is shown now
            form.account_seen.data = payouts.account_fingerprint(sentra)
        else:
            db.session.commit()
            flash(_("Payout of %(amount)s to %(name)s recorded; the sentra is emailed.",
                    amount=rupiah(payout.amount_idr), name=sentra.name), "success")
            return redirect(url_for("admin.ledger_index"), 303)
    elif form.is_submitted():
        status = 422
    return render_template("shop/admin/ledger/payout.html", sentra=sentra, balance=balance, form=form, error=error,
                           has_bank_account=payouts.has_bank_account(sentra)), status


@bp.route("/keuangan/<int:sentra_id>/penyesuaian", methods=["GET", "POST"])
@admin_required
def ledger_adjustment(sentra_id: int):
    """Credit or debit a sentra by hand, with a reason the sentra reads on its statement.

    422 without a reason or with an amount of 0. :raise 404:
    """
    sentra = _sentra(sentra_id)
    form = AdjustmentForm()
    status = 200
    if form.validate_on_submit():
        try:
            entry = payouts.record_adjustment(sentra, current_user, form.amount.data, form.reason.data,
                                              form.token.data)
        except payouts.LedgerError as exc:
            db.session.rollback()
            if exc.code == "reason_required":
                form.reason.errors = [*form.reason.errors, _("Give a reason of at least 5 characters.")]
            else:
                form.amount.errors = [*form.amount.errors, _("Enter an amount other than zero.")]
            status = exc.status
        else:
            db.session.commit()
            flash(_("Adjustment of %(amount)s recorded for %(name)s.", amount=rupiah(entry.amount_idr),
                    name=sentra.name), "success")
            return redirect(url_for("admin.ledger_sentra", sentra_id=sentra.id), 303)
    elif form.is_submitted():
        status = 422
    return render_template("shop/admin/ledger/adjustment.html", sentra=sentra, balance=balance_idr(sentra.id),
                           form=form), status


@bp.post("/keuangan/ekspor")
@admin_required
def ledger_export():
    """Download the bank batch (CSV) of the payouts not exported yet, or of the ticked ones; they are
    marked exported. Without the confirmation, or with nothing to export, back to the desk with a message.
    """
    form = ExportForm()
    if not form.validate_on_submit():
        flash(_("Confirm the export first."), "error")
        return redirect(url_for("admin.ledger_index"), 303)
    try:
        data = payouts.export_batch(current_user, form.payout_ids.data or None)
    except payouts.LedgerError:
        db.session.rollback()
        flash(_("There are no payouts to export."), "info")
        return redirect(url_for("admin.ledger_index"), 303)
    db.session.commit()
    stamp = utcnow().astimezone(WIB).strftime("%Y%m%d-%H%M")
    return Response(data, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="pencairan-{stamp}.csv"', "Cache-Control": "no-store",
    })


@bp.route("/keuangan/<int:sentra_id>/komisi", methods=["GET", "POST"])
@admin_required
def ledger_commission(sentra_id: int):
    """The sentra's commission in percent (up to 2 decimals), or empty for the platform's default.

    Applies to entries posted from now on. 422 for a malformed rate. :raise 404:
    """
    sentra = _sentra(sentra_id)
    current = percent_of_bp(sentra.commission_rate_bp) if sentra.commission_rate_bp is not None else ""
    form = CommissionForm(data={"rate": current})
    status = 200
    if form.validate_on_submit():
        try:
            payouts.set_commission_rate(sentra, current_user, form.rate_bp())
        except payouts.LedgerError as exc:
            db.session.rollback()
            form.rate.errors = [*form.rate.errors, _("The commission is between 0 and 50 %.")]
            status = exc.status
        else:
            db.session.commit()
            flash(_("Commission of %(name)s saved.", name=sentra.name), "success")
            return redirect(url_for("admin.ledger_sentra", sentra_id=sentra.id), 303)
    elif form.is_submitted():
        status = 422
    default_bp = int(current_app.config["PLATFORM_COMMISSION_BP"])
    return render_template("shop/admin/ledger/commission.html", sentra=sentra, form=form,
                           default_bp=default_bp), status
