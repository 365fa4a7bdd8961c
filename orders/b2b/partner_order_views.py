"""The partner's orders, invoices and the handover record under /mitra/ (routes on the
``b2b_partner`` blueprint of :mod:`orders.b2b.partner_views`, so endpoints stay ``b2b_partner.*``).

Every route needs a verified partner membership (:func:`~orders.b2b.partner_common.partner_required`);
orders are loaded by (partner, number), so another partner's order is a 404.
"""
from __future__ import annotations

from flask import abort, current_app, flash, g, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from orders.b2b import partner_orders
from orders.b2b.errors import B2bError, NotFoundError
from orders.b2b.invoices import is_overdue
from orders.b2b.models import Invoice, Quote
from orders.b2b.partner_common import PER_PAGE, error_message, page_number, partner_required, render
from orders.b2b.partner_dashboard import invoice_totals
from orders.b2b.partner_forms import HandoverConfirmForm
from orders.b2b.partner_views import bp
from orders.core.errors import OrderError
from orders.core.providers import get_provider
from shop.extensions import db

INVOICE_TABS = ("", *partner_orders.INVOICE_FILTERS)


def _load_order(number: str):
    try:
        return partner_orders.load_partner_order(g.partner.id, number)
    except NotFoundError:
        abort(404)


@bp.get("/pesanan")
@partner_required
def orders():
    """The partner's orders, newest first, 20 a page, with their invoices."""
    page = partner_orders.list_partner_orders(g.partner.id, page_number(), PER_PAGE)
    ids = [order.id for order in page.items]
    invoices = {invoice.order_id: invoice for invoice in db.session.scalars(
        select(Invoice).where(Invoice.order_id.in_(ids)))} if ids else {}
    return render("b2b/partner/orders.html", orders=page, invoices=invoices, is_overdue=is_overdue)


def _render_order(order, handover_form: HandoverConfirmForm | None = None, status: int = 200):
    invoice = db.session.scalar(select(Invoice).where(Invoice.order_id == order.id))
    quote = db.session.scalar(select(Quote).where(Quote.order_id == order.id))
    payment = order.checkout.payment
    instructions = None
    if payment is not None and order.status == "pending_payment" and payment.method == "bank_transfer":
        instructions = get_provider(payment.method).instructions(payment, current_app.config)
    handover = partner_orders.handover_record_of(order)
    return render(
        "b2b/partner/order_detail.html", status, order=order, checkout=order.checkout, payment=payment,
        instructions=instructions, invoice=invoice, invoice_overdue=invoice is not None and is_overdue(invoice),
        quote=quote, handover=handover,
        may_confirm=handover is None and order.status in ("shipped", "ready_for_pickup"),
        handover_form=handover_form or HandoverConfirmForm(formdata=None),
    )


@bp.get("/pesanan/<number>")
@partner_required
def order_detail(number: str):
    """One order: lines, money with PPN, payment, tracking, invoice, papers, handover. :raise 404:"""
    return _render_order(_load_order(number))


@bp.post("/pesanan/<number>/terima")
@partner_required
def order_handover(number: str):
    """Sign the handover record (berita acara): the goods arrived and the order is delivered. :raise 404:"""
    order = _load_order(number)
    form = HandoverConfirmForm()
    if not form.validate_on_submit():
        return _render_order(order, form, 422)
    try:
        partner_orders.confirm_handover(g.membership, current_user, number, form.received_by_name.data,
                                        form.note.data)
    except NotFoundError:
        db.session.rollback()
        abort(404)
    except B2bError as error:
        db.session.rollback()
        form.received_by_name.errors.append(_("Write the name of the person who received the goods.")
                                            if "recipient_name" in error.fields else error_message(error))
        return _render_order(_load_order(number), form, 422)
    except OrderError as error:
        db.session.rollback()
        flash(error_message(error), "error")
        return redirect(url_for("b2b_partner.order_detail", number=number), 303)
    db.session.commit()
    flash(_("Thank you. The handover record is signed and the order is delivered."), "success")
    return redirect(url_for("b2b_partner.order_detail", number=number), 303)


@bp.get("/tagihan")
@partner_required
def invoices():
    """The partner's invoices by status (unpaid, overdue, paid, void), 20 a page. :raise 404: an unknown tab."""
    status = request.args.get("status", "")
    if status not in INVOICE_TABS:
        abort(404)
    page = partner_orders.list_partner_invoices(g.partner.id, status or None, page_number(), PER_PAGE)
    return render("b2b/partner/invoices.html", invoices=page, status=status, tabs=INVOICE_TABS,
                   totals=invoice_totals(g.partner.id), is_overdue=is_overdue)
