"""The office's side of B2B (routes on the admin blueprint): partner terms and credit, PKP sentras,
invoices on terms.

- ``/admin/mitra/<id>/tempo``: payment terms (none, 14 or 30 days) and the credit limit of a
  partner, beside what it owes on terms and how many invoices are overdue.
- ``/admin/sentra/<id>/pajak``: a sentra's NPWP and whether it is a PKP (VAT-registered); only
  a PKP's new quotes and invoices add PPN. Invoices already issued keep what they copied.
- ``/admin/tagihan``: invoices on terms, overdue first, and recording the transfer that paid
  one. That goes through ``orders.payments.services.mark_paid`` under the payment's lock (a
  second click finds it paid), which marks the invoice paid too; the order's history records
  who did it and the transfer reference.
"""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import case, select

from orders.b2b.invoices import outstanding_terms_idr, overdue_count, ppn_rate, today_wib
from orders.b2b.models import Invoice, InvoiceStatus
from orders.core.locks import lock_payment
from orders.payments.services import PAID_STATES, mark_paid
from shop.accounts.models import User
from shop.admin.access import admin_required
from shop.admin.b2b_forms import InvoicePaidForm, PartnerTermsForm, SentraTaxForm
from shop.admin.b2b_services import set_partner_terms, set_sentra_tax
from shop.admin.views import bp
from shop.audit.services import record
from shop.extensions import db
from shop.i18n import rupiah
from shop.partners.models import Partner
from shop.sentras.models import Sentra

PER_PAGE = 20
INVOICE_FILTERS = ("unpaid", "overdue", "paid")


# --- partner terms ----------------------------------------------------------------------------------


def _render_terms(partner: Partner, form: PartnerTermsForm, status: int = 200):
    return render_template(
        "shop/admin/b2b/partner_terms.html", partner=partner, form=form,
        outstanding_idr=outstanding_terms_idr(partner.id), overdue=overdue_count(partner.id),
    ), status


@bp.get("/mitra/<int:partner_id>/tempo")
@admin_required
def partner_terms(partner_id: int):
    """A partner's payment terms and credit limit, with what it owes. :raise 404: unknown partner."""
    partner = db.get_or_404(Partner, partner_id)
    form = PartnerTermsForm(formdata=None, terms_days=str(partner.terms_days or ""),
                            credit_limit_idr=partner.credit_limit_idr)
    return _render_terms(partner, form)


@bp.post("/mitra/<int:partner_id>/tempo")
@admin_required
def partner_terms_save(partner_id: int):
    """Save terms and limit. 422 for a limit that is not a whole number of rupiah, or terms without one."""
    partner = db.get_or_404(Partner, partner_id)
    form = PartnerTermsForm()
    if not form.validate_on_submit():
        return _render_terms(partner, form, 422)
    set_partner_terms(partner, form.terms, form.credit_limit_idr.data, current_user)
    db.session.commit()
    if form.terms:
        flash(_("%(name)s may buy on %(days)s days' terms up to %(limit)s.", name=partner.name, days=form.terms,
                limit=rupiah(partner.credit_limit_idr)), "success")
    else:
        flash(_("%(name)s pays by bank transfer only.", name=partner.name), "success")
    return redirect(url_for("admin.partner_terms", partner_id=partner.id), 303)


# --- sentra tax -------------------------------------------------------------------------------------


def _render_tax(sentra: Sentra, form: SentraTaxForm, status: int = 200):
    return render_template("shop/admin/b2b/sentra_tax.html", sentra=sentra, form=form,
                           rate=ppn_rate(current_app.config)), status


@bp.get("/sentra/<int:sentra_id>/pajak")
@admin_required
def sentra_tax(sentra_id: int):
    """A sentra's NPWP and PKP flag. :raise 404: unknown sentra."""
    sentra = db.get_or_404(Sentra, sentra_id)
    return _render_tax(sentra, SentraTaxForm(formdata=None, npwp=sentra.npwp, is_pkp=sentra.is_pkp))


@bp.post("/sentra/<int:sentra_id>/pajak")
@admin_required
def sentra_tax_save(sentra_id: int):
    """Save the NPWP and PKP flag. 422 for a malformed NPWP, or a PKP without one."""
    sentra = db.get_or_404(Sentra, sentra_id)
    form = SentraTaxForm()
    if not form.validate_on_submit():
        return _render_tax(sentra, form, 422)
    set_sentra_tax(sentra, form.npwp.data, form.is_pkp.data, current_user)
    db.session.commit()
    if sentra.is_pkp:
        flash(_("%(name)s is a PKP: its new quotes and invoices add PPN.", name=sentra.name), "success")
    else:
        flash(_("%(name)s is not a PKP: its invoices charge no PPN.", name=sentra.name), "success")
    return redirect(url_for("admin.sentra_tax", sentra_id=sentra.id), 303)


# --- invoices on terms ------------------------------------------------------------------------------


def _page() -> int:
    page = request.args.get("page", "1")
    return int(page) if page.isascii() and page.isdigit() and 0 < int(page) < 100_000 else 1


def terms_invoice_page(status: str | None, page: int) -> Pagination:
    """Invoices on terms, overdue ones first (oldest due date first), then the rest, newest first."""
    today = today_wib()
    overdue = (Invoice.status == InvoiceStatus.UNPAID) & (Invoice.due_on < today)
    query = select(Invoice).where(Invoice.terms_days.is_not(None))
    if status == "overdue":
        query = query.where(overdue)
    elif status in ("unpaid", "paid"):
        query = query.where(Invoice.status == status)
    query = query.order_by(case((overdue, 0), else_=1), case((overdue, Invoice.due_on)),
                           Invoice.issued_at.desc(), Invoice.id.desc())
    return db.paginate(query, page=page, per_page=PER_PAGE, error_out=False)


@bp.get("/tagihan")
@admin_required
def b2b_invoices():
    """Invoices on payment terms; ``?status=`` unpaid, overdue or paid."""
    status = request.args.get("status") if request.args.get("status") in INVOICE_FILTERS else None
    return render_template("shop/admin/b2b/invoices.html", page_obj=terms_invoice_page(status, _page()),
                           status=status, filters=INVOICE_FILTERS, today=today_wib())


def _terms_invoice_or_404(invoice_id: int) -> Invoice:
    invoice = db.session.get(Invoice, invoice_id)
    if invoice is None or invoice.terms_days is None:
        abort(404)
    return invoice


def _render_invoice(invoice: Invoice, form: InvoicePaidForm | None = None, error: str | None = None,
                    status: int = 200):
    decided_by = None
    payment = invoice.order.checkout.payment
    if payment is not None and payment.decided_by_id:
        decided_by = db.session.get(User, payment.decided_by_id)
    return render_template(
        "shop/admin/b2b/invoice_detail.html", invoice=invoice, order=invoice.order, payment=payment,
        decided_by=decided_by, form=form or InvoicePaidForm(formdata=None), error=error, today=today_wib(),
    ), status


@bp.get("/tagihan/<int:invoice_id>")
@admin_required
def b2b_invoice(invoice_id: int):
    """One invoice on terms and, while unpaid, the form recording its payment. :raise 404: not on terms."""
    return _render_invoice(_terms_invoice_or_404(invoice_id))


@bp.post("/tagihan/<int:invoice_id>/lunas")
@admin_required
def b2b_invoice_paid(invoice_id: int):
    """The partner's transfer arrived: the order's payment and the invoice become paid.

    A repeat changes nothing. 422 without a transfer reference; 409 for a void invoice.
    :raise 404: not an invoice on terms.
    """
    invoice = _terms_invoice_or_404(invoice_id)
    form = InvoicePaidForm()
    if not form.validate_on_submit():
        return _render_invoice(invoice, form, status=422)
    payment = invoice.order.checkout.payment
    payment = lock_payment(payment.id)
    db.session.refresh(invoice)
    if payment.state in PAID_STATES or invoice.status == InvoiceStatus.PAID:
        db.session.rollback()
        flash(_("This invoice was recorded as paid already; nothing changed."), "info")
        return redirect(url_for("admin.b2b_invoice", invoice_id=invoice_id), 303)
    if invoice.status == InvoiceStatus.VOID:
        db.session.rollback()
        return _render_invoice(_terms_invoice_or_404(invoice_id), status=409,
                               error=_("This invoice is void (its order was cancelled); nothing is owed."))
    note = f"invoice {invoice.number} paid by transfer, reference {form.reference.data}; recorded by the office"
    mark_paid(payment, current_user, note, current_app.config)
    record(current_user, "invoice.paid", "invoice", invoice.id,
           f"invoice {invoice.number} paid, reference {form.reference.data}")
    db.session.commit()
    flash(_("Payment of %(amount)s on invoice %(number)s recorded.", amount=rupiah(invoice.total_idr),
            number=invoice.number), "success")
    return redirect(url_for("admin.b2b_invoices"), 303)
