"""The sentra's order inbox at /kelola/<sentra_slug>/pesanan: tabs by status, detail, accept, cancel.

Every view uses :func:`sentra_required` (any member may view, accept and cancel); orders
are loaded by (sentra, number), so another sentra's order is a 404. The sentra never
sees the pickup code: the buyer shows it at the handover.
"""
from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from orders import services
from orders.core.errors import OrderError, OrderNotFoundError
from orders.core.models import Order, OrderStatus
from orders.core.providers import PaymentError
from orders.forms import AcceptForm, SentraCancelForm
from shop.extensions import db
from shop.sentras.access import sentra_required

bp = Blueprint("orders_kelola", __name__, url_prefix="/kelola/<sentra_slug>/pesanan")

PER_PAGE = 20

TAB_LABELS = {
    OrderStatus.PLACED: _l("New"),
    OrderStatus.PROCESSING: _l("Processing"),
    OrderStatus.READY_FOR_PICKUP: _l("Ready for pickup"),
    OrderStatus.SHIPPED: _l("Shipped"),
    OrderStatus.DELIVERED: _l("Delivered"),
    OrderStatus.COMPLETED: _l("Completed"),
    OrderStatus.PENDING_PAYMENT: _l("Awaiting payment"),
    OrderStatus.CANCELLED: _l("Cancelled"),
    OrderStatus.EXPIRED: _l("Expired"),
}


def _page() -> int:
    page = request.args.get("page", "1")
    return int(page) if page.isdigit() and 0 < int(page) < 100_000 else 1


def _load(number: str) -> Order:
    try:
        return services.load_sentra_order(g.sentra, number)
    except OrderNotFoundError:
        abort(404)


def _to_detail(order_number: str):
    return redirect(url_for("orders_kelola.detail", sentra_slug=g.sentra.slug, number=order_number))


@bp.get("")
@sentra_required()
def inbox(sentra_slug: str):
    """Orders of one status (new ones first by default) with a count per tab, 20 a page."""
    status = request.args.get("status") or OrderStatus.PLACED
    try:
        orders = services.list_sentra_orders(g.sentra, status, _page(), PER_PAGE)
    except services.InvalidStatusFilterError:
        abort(404)
    return render_template(
        "orders/kelola/inbox.html", sentra=g.sentra, membership=g.membership, orders=orders, status=status,
        counts=services.status_counts(g.sentra), tabs=services.INBOX_STATUSES, tab_labels=TAB_LABELS,
    )


def _detail_page(order: Order):
    return render_template(
        "orders/kelola/detail.html", sentra=g.sentra, membership=g.membership, order=order,
        checkout=order.checkout, payment=order.checkout.payment,
        may_accept=services.sentra_may_accept(order), may_cancel=services.sentra_may_cancel(order),
    )


@bp.get("/<number>")
@sentra_required()
def detail(sentra_slug: str, number: str):
    """Buyer, address, lines, delivery and history of one order (no pickup code). :raise 404:"""
    return _detail_page(_load(number))


@bp.post("/<number>/terima")
@sentra_required()
def accept(sentra_slug: str, number: str):
    """Take a new order on: placed -> processing. :raise 404:"""
    order = _load(number)
    if not AcceptForm().validate_on_submit():
        abort(400)
    try:
        services.accept_order(order, current_user)
    except OrderError:
        db.session.rollback()
        flash(_("This order is no longer new, so it cannot be accepted."), "error")
        return _to_detail(number)
    db.session.commit()
    flash(_("Order %(number)s accepted. Prepare it for the buyer.", number=number), "success")
    return _to_detail(number)


@bp.get("/<number>/batal")
@sentra_required()
def cancel_confirm(sentra_slug: str, number: str):
    """Ask for the reason before cancelling. :raise 404:"""
    order = _load(number)
    if not services.sentra_may_cancel(order):
        flash(_("This order can no longer be cancelled."), "error")
        return _to_detail(number)
    return render_template("orders/kelola/cancel.html", sentra=g.sentra, membership=g.membership,
                           order=order, form=SentraCancelForm())


@bp.post("/<number>/batal")
@sentra_required()
def cancel(sentra_slug: str, number: str):
    """Cancel with a reason for the buyer: stock back, refund if paid. :raise 404:"""
    order = _load(number)
    form = SentraCancelForm()
    if not form.validate_on_submit():
        return render_template("orders/kelola/cancel.html", sentra=g.sentra, membership=g.membership,
                               order=order, form=form), 400
    try:
        services.cancel_by_sentra(order, current_user, form.reason.data, current_app.config)
    except PaymentError as error:
        db.session.rollback()
        flash(_("The refund could not be started, so the order was not cancelled: %(message)s",
                message=error.message), "error")
        return _to_detail(number)
    except OrderError:
        db.session.rollback()
        flash(_("This order can no longer be cancelled."), "error")
        return _to_detail(number)
    db.session.commit()
    flash(_("Order %(number)s is cancelled; the buyer is told why.", number=number), "success")
    return _to_detail(number)
