"""The sentra's money at /kelola/<sentra_slug>/keuangan: balance, statement (also as CSV), the bank
account payouts go to (owner only) and how each payout was shared among the members (managers).

Every view uses :func:`sentra_required`; payouts are loaded by (sentra, id), so another sentra's
payout is a 404.
"""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from orders.ledger import payouts, statements
from orders.ledger.forms import BankAccountForm, StatementFilterForm, shares_form
from orders.ledger.services import balance_idr
from shop.db import WIB, utcnow
from shop.extensions import db, limiter
from shop.i18n import rupiah
from shop.sentras.access import sentra_required
from shop.sentras.models import Role

bp = Blueprint("ledger", __name__, url_prefix="/kelola/<sentra_slug>")

PER_PAGE = 50

BANK_FIELD_ERRORS = {
    "bank_name": _l("Give the bank's name."),
    "account_number": _l("An account number has 5 to 34 digits."),
    "account_holder": _l("Give the account holder's name."),
    "password": _l("The password is wrong."),
}
KIND_LABELS = {
    "order_credit": _l("Order paid"),
    "pickup_commission": _l("Commission (paid at pickup)"),
    "refund": _l("Refund"),
    "dispute": _l("Card dispute lost"),
    "gateway_fee": _l("Payment gateway fee"),
    "payout": _l("Payout"),
    "adjustment": _l("Adjustment by the office"),
}


def _page() -> int | None:
    page = request.args.get("page", "")
    return int(page) if page.isascii() and page.isdigit() and 0 < int(page) < 100_000 else None


def _filter() -> StatementFilterForm:
    return StatementFilterForm(formdata=request.args)


def _period(form: StatementFilterForm):
    """(from, to) from the query string. :raise InvalidDateRangeError: reversed."""
    if form.from_date.data and form.to_date.data and form.from_date.data > form.to_date.data:
        raise statements.InvalidDateRangeError("reversed")
    for day in (form.from_date.data, form.to_date.data):
        if day is not None and not statements.EARLIEST_DAY <= day <= statements.LATEST_DAY:
            raise statements.InvalidDateRangeError("out of range")
    return form.from_date.data, form.to_date.data


@bp.get("/keuangan")
@sentra_required()
def statement(sentra_slug: str):
    """Balance, latest payouts and the statement (every entry with the balance after it), 50 a page.

    Without ``?page=`` the last page (the latest entries) shows. 400 for a malformed or reversed range.
    """
    form = _filter()
    status, error = 200, None
    period = (None, None)
    if not form.validate():
        status = 400
    else:
        try:
            period = _period(form)
        except statements.InvalidDateRangeError as exc:
            status = 400
            error = (_("The start date is after the end date.") if str(exc) == "reversed"
                     else _("Choose dates between 2000 and 2100."))
    page = _page() or 100_000  # past the end: the last page
    result = statements.statement(g.sentra.id, *period, page=page, per_page=PER_PAGE)
    return render_template(
        "ledger/statement.html", sentra=g.sentra, membership=g.membership, form=form, error=error,
        statement=result, period=period, balance=balance_idr(g.sentra.id), kind_labels=KIND_LABELS,
        filter_args={key: request.args[key] for key in ("from", "to") if request.args.get(key)},
        payouts=payouts.sentra_payouts(g.sentra.id), has_bank_account=payouts.has_bank_account(g.sentra),
        account=payouts.masked_account(g.sentra.bank_account_number), is_owner=g.membership.role == Role.OWNER,
    ), status


@bp.get("/keuangan.csv")
@sentra_required()
def statement_csv(sentra_slug: str):
    """The statement of the chosen range (or all of it) as CSV. 400 for a malformed or reversed range."""
    form = _filter()
    if not form.validate():
        abort(400)
    try:
        period = _period(form)
    except statements.InvalidDateRangeError:
        abort(400)
    day = utcnow().astimezone(WIB).date().isoformat()
    filename = f"keuangan-{g.sentra.slug}-{day}.csv"
    return Response(
        statements.statement_csv(g.sentra.id, *period), mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"},
    )


@bp.route("/keuangan/rekening", methods=["GET", "POST"])
@sentra_required(Role.OWNER)
@limiter.limit("10 per hour", methods=["POST"], key_func=lambda: f"user:{current_user.get_id()}")
def bank_account(sentra_slug: str):
    """Where payouts go: the owner changes it after entering their password again. 422 on a bad form."""
    sentra = g.sentra
    form = BankAccountForm(data={"bank_name": sentra.bank_name, "account_holder": sentra.bank_account_holder})
    status = 200
    if form.validate_on_submit():
        try:
            payouts.set_bank_account(sentra, current_user, form.password.data, form.bank_name.data,
                                     form.account_number.data, form.account_holder.data)
        except payouts.LedgerError as error:
            db.session.rollback()
            for name, _problem in error.fields.items():
                form[name].errors = [*form[name].errors, BANK_FIELD_ERRORS[name]]
            status = error.status
        else:
            db.session.commit()
            flash(_("The bank account was saved. The owner gets an email about the change."), "success")
            return redirect(url_for("ledger.statement", sentra_slug=sentra.slug), 303)
    elif form.is_submitted():
        status = 422
    return render_template("ledger/bank_account.html", sentra=sentra, membership=g.membership, form=form,
                           account=payouts.masked_account(sentra.bank_account_number)), status


def _payout_or_404(payout_id: int):
    try:
        return payouts.load_payout(g.sentra.id, payout_id)
    except payouts.LedgerNotFoundError:
        abort(404)


def _render_payout(payout, form, error: str | None = None, status: int = 200):
    shares = {share.user_id: share for share in payout.shares}
    return render_template(
        "ledger/payout.html", sentra=g.sentra, membership=g.membership, payout=payout, form=form, error=error,
        members=payouts.current_members(g.sentra.id), shares=shares,
        shared_idr=sum(share.amount_idr for share in payout.shares),
        can_edit=Role(g.membership.role).rank >= Role.MANAGER.rank,
        account=payouts.masked_account(payout.account_number),
    ), status


@bp.get("/keuangan/pencairan/<int:payout_id>")
@sentra_required()
def payout_detail(payout_id: int, sentra_slug: str):
    """One payout and how it was shared among the members (a form for managers). :raise 404:"""
    payout = _payout_or_404(payout_id)
    current = {share.user_id: share.amount_idr for share in payout.shares}
    return _render_payout(payout, shares_form(payouts.current_members(g.sentra.id), current, formdata=None))


@bp.post("/keuangan/pencairan/<int:payout_id>/bagi")
@sentra_required(Role.MANAGER)
def payout_shares(payout_id: int, sentra_slug: str):
    """Record the members' shares of a payout (replacing earlier ones). 422 when they add up to more.

    :raise 404: another sentra's payout.
    """
    payout = _payout_or_404(payout_id)
    form = shares_form(payouts.current_members(g.sentra.id))
    if not form.validate_on_submit():
        return _render_payout(payout, form, status=422)
    try:
        payouts.record_shares(g.sentra, current_user, payout.id, form.shares())
    except payouts.LedgerError as error:
        db.session.rollback()
        if error.code == "shares_exceed_payout":
            message = _("The shares add up to %(total)s, more than the payout of %(payout)s.",
                        total=rupiah(error.fields["total_idr"]), payout=rupiah(error.fields["payout_idr"]))
        elif error.code == "not_a_member":
            message = _("Shares go to current members of the sentra only; reload the page.")
        else:
            message = _("Enter 0 or more whole rupiah for each member.")
        return _render_payout(_payout_or_404(payout_id), form, error=message, status=error.status)
    db.session.commit()
    flash(_("The members' shares of this payout were saved."), "success")
    return redirect(url_for("ledger.payout_detail", sentra_slug=g.sentra.slug, payout_id=payout_id), 303)
