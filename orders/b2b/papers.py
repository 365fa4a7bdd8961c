"""The papers of a partner order, print-ready (A4): faktur, surat jalan and berita acara serah terima.

Each paper has a partner URL (``/mitra/pesanan/<number>/...``, for the members of the order's
partner) and a sentra URL (``/kelola/<sentra_slug>/pesanan/<number>/...``, for the members of
the order's sentra); both render the same template. An order without an invoice (a resident's
order) has no papers: 404. The faktur shows the invoice as issued (both parties' details were
copied onto it then), not the parties as they are today.

Also here: the sentra's list of its invoices at ``/kelola/<sentra_slug>/tagihan``.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, abort, current_app, g, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.routing import BuildError

from orders import services
from orders.b2b.access import acting_membership
from orders.b2b.errors import B2bValidationError, NotFoundError, NotPartnerError
from orders.b2b.invoices import is_overdue, today_wib
from orders.b2b.models import HandoverRecord, Invoice, InvoiceStatus
from orders.b2b.partner_orders import (
    INVOICE_FILTERS,
    handover_record_of,
    list_sentra_invoices,
    load_invoice_for_order,
    load_partner_order,
)
from orders.core.errors import OrderNotFoundError
from orders.core.models import Order
from orders.shipping.carriers import carrier_label
from shop.accounts.models import User
from shop.extensions import db
from shop.sentras.access import sentra_required

bp = Blueprint("b2b_papers", __name__)

PER_PAGE = 20
PARTNER_ORDER = "/mitra/pesanan/<number>"
SENTRA_ORDER = "/kelola/<sentra_slug>/pesanan/<number>"


@dataclass(frozen=True)
class Paper:
    """Everything a paper's template needs; the same for the partner's and the sentra's URL."""

    order: Order
    invoice: Invoice
    side: str  # "partner" | "sentra"
    back_url: str

    @property
    def overdue(self) -> bool:
        return is_overdue(self.invoice, today_wib())

    @property
    def void(self) -> bool:
        return self.invoice.status == InvoiceStatus.VOID

    @property
    def paid(self) -> bool:
        return self.invoice.status == InvoiceStatus.PAID

    def url(self, kind: str) -> str:
        """This side's URL of the order's paper ``kind`` (invoice, delivery_note or handover)."""
        if self.side == "partner":
            return url_for(f"b2b_papers.partner_{kind}", number=self.order.number)
        return url_for(f"b2b_papers.sentra_{kind}", sentra_slug=self.order.sentra.slug, number=self.order.number)


def url_or_path(endpoint: str, fallback: str, **values: object) -> str:
    """``url_for(endpoint)``, or ``fallback`` while that endpoint is not (yet) registered."""
    try:
        return url_for(endpoint, **values)
    except BuildError:
        return fallback


def _partner_paper(number: str) -> Paper:
    """The order ``number`` when the current user is a member of its partner.

    :raise 404: no such partner order, not a member of its partner, or no invoice.
    """
    partner_id = db.session.scalar(select(Order.partner_id).where(Order.number == number))
    if partner_id is None:
        abort(404)
    try:
        membership = acting_membership(current_user, partner_id)
        order = load_partner_order(membership.partner_id, number)
        invoice = load_invoice_for_order(order)
    except (NotPartnerError, NotFoundError):
        abort(404)
    back = url_or_path("b2b_partner.order_detail", f"/mitra/pesanan/{number}", number=number)
    return Paper(order=order, invoice=invoice, side="partner", back_url=back)


def _sentra_paper(number: str) -> Paper:
    """:raise 404: not an order of ``g.sentra``, or an order without an invoice."""
    try:
        order = services.load_sentra_order(g.sentra, number)
        invoice = load_invoice_for_order(order)
    except (OrderNotFoundError, NotFoundError):
        abort(404)
    back = url_for("orders_kelola.detail", sentra_slug=g.sentra.slug, number=number)
    return Paper(order=order, invoice=invoice, side="sentra", back_url=back)


def _render_invoice(paper: Paper):
    payment = paper.order.checkout.payment
    config = current_app.config
    return render_template(
        "b2b/papers/invoice.html", kind="invoice", paper=paper, order=paper.order, invoice=paper.invoice,
        transfer_amount_idr=payment.amount_idr if payment is not None and payment.method == "bank_transfer"
        else None,
        bank={"bank": config.get("BANK_TRANSFER_BANK"), "account": config.get("BANK_TRANSFER_ACCOUNT"),
              "holder": config.get("BANK_TRANSFER_HOLDER")},
    )


def _render_delivery_note(paper: Paper):
    shipment = paper.order.shipment
    driver = db.session.get(User, shipment.courier_user_id) if shipment and shipment.courier_user_id else None
    courier = carrier_label(shipment.carrier, shipment.carrier_name) if shipment and shipment.carrier else None
    return render_template("b2b/papers/delivery_note.html", kind="delivery_note", paper=paper, order=paper.order,
                           invoice=paper.invoice, shipment=shipment, driver=driver, courier=courier)


def _render_handover(paper: Paper):
    record: HandoverRecord | None = handover_record_of(paper.order)
    return render_template("b2b/papers/handover.html", kind="handover", paper=paper, order=paper.order, invoice=paper.invoice,
                           record=record)


# --- the partner's papers -------------------------------------------------------------------------


@bp.get(f"{PARTNER_ORDER}/faktur")
@login_required
def partner_invoice(number: str):
    """The faktur of a partner's order. :raise 404: not an order of the user's partner, or no invoice."""
    return _render_invoice(_partner_paper(number))


@bp.get(f"{PARTNER_ORDER}/surat-jalan")
@login_required
def partner_delivery_note(number: str):
    """The surat jalan (delivery note) of a partner's order. :raise 404: as :func:`partner_invoice`."""
    return _render_delivery_note(_partner_paper(number))


@bp.get(f"{PARTNER_ORDER}/berita-acara")
@login_required
def partner_handover(number: str):
    """The berita acara serah terima (handover record). :raise 404: as :func:`partner_invoice`."""
    return _render_handover(_partner_paper(number))


# --- the sentra's papers --------------------------------------------------------------------------


@bp.get(f"{SENTRA_ORDER}/faktur")
@sentra_required()
def sentra_invoice(sentra_slug: str, number: str):
    """The faktur of one of the sentra's partner orders. :raise 404: another sentra's, or no invoice."""
    return _render_invoice(_sentra_paper(number))


@bp.get(f"{SENTRA_ORDER}/surat-jalan")
@sentra_required()
def sentra_delivery_note(sentra_slug: str, number: str):
    """The surat jalan to print and send with the goods. :raise 404: as :func:`sentra_invoice`."""
    return _render_delivery_note(_sentra_paper(number))


@bp.get(f"{SENTRA_ORDER}/berita-acara")
@sentra_required()
def sentra_handover(sentra_slug: str, number: str):
    """The berita acara serah terima. :raise 404: as :func:`sentra_invoice`."""
    return _render_handover(_sentra_paper(number))


# --- the sentra's invoices ------------------------------------------------------------------------


def _page() -> int:
    page = request.args.get("page", "1")
    return int(page) if page.isascii() and page.isdigit() and 0 < int(page) < 100_000 else 1


@bp.get("/kelola/<sentra_slug>/tagihan")
@sentra_required()
def sentra_invoices(sentra_slug: str):
    """The sentra's invoices, newest first, 20 a page; ``?status=`` unpaid, overdue, paid or void."""
    status = request.args.get("status") or None
    try:
        invoices = list_sentra_invoices(g.sentra.id, status, _page(), PER_PAGE)
    except B2bValidationError:
        abort(404)
    return render_template("b2b/sentra_invoices/list.html", sentra=g.sentra, invoices=invoices, status=status,
                           filters=INVOICE_FILTERS, today=today_wib())
