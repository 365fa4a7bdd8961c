"""The buyer's orders: /orders (list), /orders/<number> (detail) and cancelling before work starts.

Orders are loaded by (buyer, number): another buyer's number is a 404.
"""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from orders import services
from orders.core.errors import OrderError, OrderNotFoundError
from orders.core.models import Order
from orders.core.providers import PaymentError
from orders.forms import BuyerCancelForm, ReceivedForm
from orders.notes import display_note
from shop.extensions import db
from shop.main import safe_next

bp = Blueprint("orders", __name__)

PER_PAGE = 20


def _page() -> int:
    page = request.args.get("page", "1")
    return int(page) if page.isdigit() and 0 < int(page) < 100_000 else 1


def _load(number: str) -> Order:
    try:
        return services.load_buyer_order(current_user, number)
    except OrderNotFoundError:
        abort(404)


@bp.get("/orders")
@login_required
def list():  # noqa: A001  (the endpoint is orders.list)
    """The buyer's orders, newest first, 20 a page."""
    orders = services.list_buyer_orders(current_user, _page(), PER_PAGE)
    return render_template("orders/list.html", orders=orders)


@bp.get("/orders/<number>")
@login_required
def detail(number: str):
    """One order: lines, money, delivery, pickup code, history; pay or cancel while it can. :raise 404:"""
    order = _load(number)
    return render_template("orders/detail.html", order=order, checkout=order.checkout,
                           payment=order.checkout.payment, may_cancel=services.buyer_may_cancel(order),
                           may_confirm_received=services.buyer_may_confirm_received(order))


@bp.post("/orders/<number>/diterima")
@login_required
def confirm_received(number: str):
    """The buyer confirms the delivered order arrived: it completes. Back to ``next`` (the payment
    page) when it is one of ours, else to the order. :raise 404: :raise 400: no CSRF token."""
    order = _load(number)
    if not ReceivedForm().validate_on_submit():
        abort(400)
    back = safe_next(request.form.get("next"), url_for("orders.detail", number=number))
    try:
        services.confirm_received_by_buyer(order, current_user)
    except OrderError:
        db.session.rollback()
        flash(_("This order cannot be confirmed as received now: it is not delivered yet, it is "
                "completed already, or a problem about it is still open."), "error")
        return redirect(back)
    db.session.commit()
    flash(_("Thank you! Order %(number)s is completed.", number=number), "success")
    return redirect(back)


@bp.get("/orders/<number>/cancel")
@login_required
def cancel_confirm(number: str):
    """Ask before cancelling (with an optional reason). :raise 404:"""
    order = _load(number)
    if not services.buyer_may_cancel(order):
        flash(_("This order can no longer be cancelled here. Contact the sentra."), "error")
        return redirect(url_for("orders.detail", number=order.number))
    return render_template("orders/cancel.html", order=order, form=BuyerCancelForm())


@bp.post("/orders/<number>/cancel")
@login_required
def cancel(number: str):
    """Cancel the order (before the sentra starts on it): stock back, refund if paid. :raise 404:"""
    order = _load(number)
    form = BuyerCancelForm()
    if not form.validate_on_submit():
        return render_template("orders/cancel.html", order=order, form=form), 400
    try:
        services.cancel_by_buyer(order, current_user, form.reason.data, current_app.config)
    except (OrderError, PaymentError) as error:
        db.session.rollback()
        flash(_cancel_message(error), "error")
        return redirect(url_for("orders.detail", number=number))
    db.session.commit()
    flash(_("Order %(number)s is cancelled.", number=number), "success")
    return redirect(url_for("orders.detail", number=number))


def _cancel_message(error: Exception) -> str:
    if isinstance(error, PaymentError):
        return _("The refund could not be started, so the order was not cancelled: %(message)s",
                 message=error.message)
    return _("This order can no longer be cancelled here. Contact the sentra.")


@bp.app_template_global("may_confirm_received")
def may_confirm_received(order: Order) -> bool:
    """For pages outside this module (the payment page): may the buyer press "Order received" now?"""
    return services.buyer_may_confirm_received(order)


@bp.app_template_filter("order_note")
def order_note(note: str | None) -> str:
    """System notes of an order's history, in the reader's language (see orders.notes)."""
    return display_note(note)
