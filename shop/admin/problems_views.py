"""The program office's problem desk at /admin/masalah (routes on the admin blueprint).

Tabs: problems ``open`` (the sentra has not answered), ``answered`` (ready to settle),
``settled`` (refunded or closed), and ``late``: orders past their promised date across
sentras. The office settles a problem with a refund (``orders.core.lifecycle.refund``) or a close; either
completes the order (``orders.shipping.problems.settle_problem``). Settling asks for a
confirmation tick, so it works without JavaScript.
"""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from orders.core.errors import OrderError
from orders.core.models import Checkout, Order
from orders.core.promises import late_clause
from orders.core.providers import PaymentError
from orders.shipping import problems
from orders.shipping.models import OrderProblem
from orders.shipping.problem_forms import SettleProblemForm
from orders.shipping.problem_notify import kind_label
from shop.accounts.models import User
from shop.admin.access import admin_required
from shop.admin.views import bp
from shop.audit.services import record
from shop.db import utcnow
from shop.extensions import db

PER_PAGE = 20
TABS = (*problems.ADMIN_TABS, "late")


def _page() -> int:
    return max(request.args.get("page", 1, type=int) or 1, 1)


def _late_page(page: int):
    query = (
        select(Order).where(late_clause(utcnow()))
        .options(joinedload(Order.buyer))
        .order_by(Order.promised_at, Order.id)
    )
    return db.paginate(query, page=page, per_page=PER_PAGE, error_out=False)


@bp.get("/masalah")
@admin_required
def problems_list():
    """Problems by tab (``?tab=`` open, answered, settled) or late orders (``?tab=late``), 20 a page."""
    tab = request.args.get("tab") if request.args.get("tab") in TABS else "open"
    page_obj = _late_page(_page()) if tab == "late" else problems.problem_page(tab, _page(), PER_PAGE)
    counts = problems.problem_counts()
    counts["late"] = db.session.scalar(select(func.count(Order.id)).where(late_clause(utcnow()))) or 0
    return render_template("shop/admin/problems.html", tab=tab, page_obj=page_obj, counts=counts,
                           kind_label=kind_label, now=utcnow())


def _problem_or_404(problem_id: int) -> OrderProblem:
    problem = db.session.scalar(
        select(OrderProblem).where(OrderProblem.id == problem_id).options(
            joinedload(OrderProblem.order).joinedload(Order.checkout).joinedload(Checkout.payment),
            joinedload(OrderProblem.order).joinedload(Order.buyer),
            joinedload(OrderProblem.order).selectinload(Order.lines),
            joinedload(OrderProblem.order).selectinload(Order.events),
        )
    )
    if problem is None:
        abort(404)
    return problem


def _detail(problem: OrderProblem, form: SettleProblemForm | None = None, error: str | None = None,
            status: int = 200):
    replied_by = db.session.get(User, problem.replied_by_id) if problem.replied_by_id else None
    return render_template(
        "shop/admin/problems_detail.html", problem=problem, order=problem.order, kind_label=kind_label,
        replied_by=replied_by, form=form or SettleProblemForm(formdata=None),
        may_settle=problem.status in problems.UNSETTLED, error=error,
    ), status


@bp.get("/masalah/<int:problem_id>")
@admin_required
def problem_detail(problem_id: int):
    """One problem: the buyer's words, the sentra's answer, the order, and the settle form. :raise 404:"""
    return _detail(_problem_or_404(problem_id))


@bp.post("/masalah/<int:problem_id>/selesaikan")
@admin_required
def problem_settle(problem_id: int):
    """Settle with a refund or a close (confirmed by a tick); the order completes.

    422 without a choice or the confirmation; 409 when settled already or the refund is not possible.
    """
    problem = _problem_or_404(problem_id)
    form = SettleProblemForm()
    if not form.validate_on_submit():
        return _detail(problem, form, status=422)
    try:
        problems.settle_problem(problem, current_user, form.outcome.data, form.note.data, current_app.config)
    except (OrderError, PaymentError) as error:
        db.session.rollback()
        return _detail(_problem_or_404(problem_id), form, error=_settle_message(error), status=409)
    record(current_user, "problem.settle", "problem", problem.id,
           f"problem on order {problem.order.number} settled: {form.outcome.data}", note=form.note.data)
    db.session.commit()
    if form.outcome.data == "refund":
        flash(_("Problem settled with a refund; the order is completed."), "success")
    else:
        flash(_("Problem closed; the order is completed."), "success")
    return redirect(url_for("admin.problems_list", tab="settled"), 303)


def _settle_message(error: Exception) -> str:
    if isinstance(error, PaymentError):
        return _("The refund could not be made, so nothing changed: %(message)s", message=error.message)
    if "paid at the sentra" in str(error):
        return _("This order was paid at the sentra (cash or QRIS): the sentra refunds it there; then close "
                 "the problem.")
    return _("This problem has been settled already; nothing changed.")
