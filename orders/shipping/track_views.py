"""Tracking pages and problems after delivery (blueprint ``tracking``).

- ``GET /track`` (a lookup form) and ``GET /track/<number>?code=``: public tracking, no personal data;
  a missing or wrong code is a 404 that shows the lookup form again to retry. Rate-limited per address together with the API's /track.
- ``POST /orders/<number>/masalah``: the buyer raises a problem with a delivered order (their own:
  loaded by (buyer, number), someone else's is a 404).
- ``GET /kelola/<slug>/pesanan/<number>/masalah`` and
  ``POST /kelola/<slug>/pesanan/<number>/masalah/<problem_id>/jawab``: the sentra reads and answers
  (loaded by (sentra, number), another sentra's is a 404).

It also gives the templates a few read-only helpers (``order_tracking``, ``order_timeline``,
``order_is_late``, ``late_order_count``) so the buyer's page and the sentra's inbox show the
timeline, promised dates and late flags without their views changing.
"""
from __future__ import annotations

from typing import Any

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
from flask_login import current_user, login_required
from sqlalchemy import func, select

from orders import services
from orders.core.errors import NotAllowedError, OrderError, OrderNotFoundError
from orders.core.models import DeliveryMethod, Order
from orders.core.promises import is_late, late_clause
from orders.shipping import problems, tracking
from orders.shipping.models import ProblemKind, TrackingStatus
from orders.shipping.problem_forms import (
    AnswerProblemForm,
    DisputeDeliveryForm,
    RaiseProblemForm,
    TrackLookupForm,
)
from orders.shipping.problem_notify import kind_label
from shop.db import utcnow
from shop.extensions import db, limiter
from shop.sentras.access import sentra_required

bp = Blueprint("tracking", __name__)

# Shared by the page and GET /api/v1/track: guessing codes is slow from any one address.
track_rate_limit = limiter.shared_limit(lambda: current_app.config.get("TRACK_RATE_LIMIT", "30 per minute"),
                                        scope="track")

# Once the parcel has left with the sentra's courier, the buyer needs the PIN at the door.
PIN_FROM = frozenset({TrackingStatus.HANDED_TO_COURIER, TrackingStatus.IN_TRANSIT, TrackingStatus.OUT_FOR_DELIVERY,
                      TrackingStatus.DELIVERY_FAILED})


# --- public tracking ---------------------------------------------------------------------------------


@bp.get("/track")
def lookup():
    """Enter an order number and its tracking code; goes to the tracking page."""
    form = TrackLookupForm(request.args)
    if request.args and form.validate():
        return redirect(url_for("tracking.track", number=form.number.data.upper(), code=form.code.data))
    return render_template("orders/track_lookup.html", form=form)


@bp.get("/track/<number>")
@track_rate_limit
def track(number: str):
    """Where the order is, for anyone holding its tracking code (no personal data).

    :raise 404: a missing or wrong code, or an unknown number: the lookup form again, filled in with
        the number, saying the code is wrong (the same answer for both, so numbers cannot be probed).
    """
    code = request.args.get("code")
    try:
        order = tracking.load_tracked_order(number, code)
    except OrderNotFoundError:
        form = TrackLookupForm(formdata=None, number=number[:40])
        return render_template("orders/track_lookup.html", form=form, wrong_code=bool(code)), 404
    return render_template("orders/track.html", tracked=tracking.public_tracking(order))


# --- the buyer raises a problem ----------------------------------------------------------------------


def _buyer_order(number: str) -> Order:
    try:
        return services.load_buyer_order(current_user, number)
    except OrderNotFoundError:
        abort(404)


@bp.post("/orders/<number>/masalah")
@login_required
def raise_problem(number: str):
    """Report a problem with a delivered order ("Ajukan masalah"), or dispute a delivery made
    without the PIN (``kind=disputed_delivery``). :raise 404: not the caller's order."""
    order = _buyer_order(number)
    disputing = request.form.get("kind") == ProblemKind.DISPUTED_DELIVERY
    form = DisputeDeliveryForm() if disputing else RaiseProblemForm()
    if not form.validate_on_submit():
        return _detail_again(order, form, disputing)
    kind = ProblemKind.DISPUTED_DELIVERY if disputing else form.kind.data
    try:
        problems.raise_problem(order, current_user, kind, form.description.data)
    except OrderError as error:
        db.session.rollback()
        flash(_problem_message(error), "error")
        return redirect(url_for("orders.detail", number=number), 303)
    db.session.commit()
    flash(_("Your problem has been sent to the sentra and the program office. We will email you."), "success")
    return redirect(url_for("orders.detail", number=number), 303)


def _detail_again(order: Order, form: Any, disputing: bool):
    """The order page again with the form's errors (and what the buyer typed), 422."""
    context: dict[str, Any] = {"dispute_form" if disputing else "problem_form": form}
    return render_template("orders/detail.html", order=order, checkout=order.checkout,
                           payment=order.checkout.payment, may_cancel=services.buyer_may_cancel(order),
                           **context), 422


def _problem_message(error: OrderError) -> str:
    if isinstance(error, NotAllowedError):
        if "already open" in str(error):
            return _("A problem with this order is already open. Wait for it to be settled.")
        if "without your PIN" in str(error):
            return _("Only a delivery made without your PIN can be disputed.")
        return _("A problem can be reported only once the order is delivered.")
    return _("Check what you wrote and try again.")


# --- the sentra reads and answers --------------------------------------------------------------------


def _sentra_order(number: str) -> Order:
    try:
        return services.load_sentra_order(g.sentra, number)
    except OrderNotFoundError:
        abort(404)


def _problems_page(order: Order, form: AnswerProblemForm | None = None, status: int = 200):
    return render_template(
        "orders/kelola/problems.html", sentra=g.sentra, membership=g.membership, order=order,
        problems=problems.problems_of(order.id), form=form or AnswerProblemForm(formdata=None),
        kind_label=kind_label,
    ), status


@bp.get("/kelola/<sentra_slug>/pesanan/<number>/masalah")
@sentra_required()
def sentra_problem(sentra_slug: str, number: str):
    """The problems the buyer raised with this order, and the form to answer the open one. :raise 404:"""
    return _problems_page(_sentra_order(number))


@bp.post("/kelola/<sentra_slug>/pesanan/<number>/masalah/<int:problem_id>/jawab")
@sentra_required()
def answer_problem(sentra_slug: str, number: str, problem_id: int):
    """Answer the buyer's problem, once (any member). :raise 404: another sentra's order or problem."""
    order = _sentra_order(number)
    try:
        problem = problems.load_sentra_problem(g.sentra.id, order.id, problem_id)
    except problems.ProblemNotFoundError:
        abort(404)
    form = AnswerProblemForm()
    if not form.validate_on_submit():
        return _problems_page(order, form, 422)
    try:
        problems.answer_problem(problem, current_user, form.reply.data)
    except OrderError:
        db.session.rollback()
        flash(_("This problem has been answered already."), "error")
        return redirect(url_for("tracking.sentra_problem", sentra_slug=sentra_slug, number=number), 303)
    db.session.commit()
    flash(_("Your answer was sent to the buyer and the program office."), "success")
    return redirect(url_for("tracking.sentra_problem", sentra_slug=sentra_slug, number=number), 303)


# --- helpers for templates ---------------------------------------------------------------------------


@bp.app_template_global()
def order_timeline(order: Order) -> list[tracking.TimelineEntry]:
    """The order's tracking events, oldest first (for ``orders/shipping/_timeline.html``)."""
    return tracking.timeline(order)


@bp.app_template_global()
def order_is_late(order: Order) -> bool:
    return is_late(order.promised_at, utcnow(), order.status)


@bp.app_template_global()
def late_order_count(sentra: Any) -> int:
    """How many of the sentra's orders are past their promise (one query)."""
    return db.session.scalar(
        select(func.count(Order.id)).where(Order.sentra_id == sentra.id, late_clause(utcnow()))
    ) or 0


@bp.app_template_global()
def order_tracking(order: Order) -> dict[str, Any]:
    """What the buyer's order page shows about delivery and problems (two queries at most)."""
    shipment = order.shipment
    raised = problems.problems_of(order.id)
    unsettled = next((p for p in raised if p.status in problems.UNSETTLED), None)
    show_pin = (order.delivery_method == DeliveryMethod.SENTRA_COURIER and shipment is not None
                and shipment.delivery_pin and shipment.status in PIN_FROM)
    return {
        "timeline": tracking.timeline(order),
        "late": is_late(order.promised_at, utcnow(), order.status),
        "pickup": order.delivery_method == DeliveryMethod.PICKUP,
        "map_link": tracking.sentra_map_link(order.sentra),
        "carrier_name": tracking.shipment_carrier_label(shipment),
        "waybill": shipment.waybill if shipment is not None else None,
        "carrier_link": tracking.carrier_link(shipment),
        "delivery_pin": shipment.delivery_pin if show_pin else None,
        "problems": raised,
        "may_raise": problems.may_raise(order, unsettled),
        "may_dispute": unsettled is None and problems.may_dispute_delivery(order),
        "kind_label": kind_label,
    }
