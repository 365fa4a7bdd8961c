"""The sentra's fulfilment: timeline steps, handovers, couriers, and the courier's "Pengantaran saya".

Routes live under ``/kelola/<sentra_slug>/`` and use :func:`sentra_required` (assigning a
courier and resetting a handover lock need a manager); orders are loaded by (sentra,
number), so another sentra's order is a 404. The fulfilment panel on the order page
(``orders/shipping/_fulfilment.html``, included by ``orders/kelola/detail.html``) gets
its data from the template global ``fulfilment_for(order, membership)``.

The sentra never sees the pickup code or the delivery PIN: the buyer gives them at the
handover. A courier sees a buyer's address in "Pengantaran saya" only while assigned
and until the delivery is over.
"""
from __future__ import annotations

from typing import Any
from urllib.parse import quote

from flask import Blueprint, Response, abort, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from catalog.images import MAX_BYTES
from orders import services as order_services
from orders.core.errors import OrderError, OrderNotFoundError
from orders.core.models import Order
from orders.core.providers import PaymentError
from orders.payments.transfer_views import proof_response
from orders.shipping import errors as shipping_errors
from orders.shipping import services
from orders.shipping import timeline as shipping_timeline
from orders.shipping.carriers import CARRIER_NAMES, carrier_label, tracking_url
from orders.shipping.forms import (
    AssignCourierForm,
    DeliverWithoutPinForm,
    HandoverForm,
    ResetLockForm,
    TrackingEventForm,
    back_target,
)
from orders.shipping.models import TrackingStatus
from shop.accounts.models import User
from shop.extensions import db
from shop.sentras.access import sentra_required
from shop.sentras.models import Role, SentraMembership
from shop.storage import StorageError
from shop.validation import InvalidPhoneError, normalize_phone, whatsapp_link

bp = Blueprint("shipping", __name__, url_prefix="/kelola/<sentra_slug>")

EVENT_LABELS = {
    TrackingStatus.PACKED: _l("Packed"),
    TrackingStatus.READY_FOR_PICKUP: _l("Ready for pickup"),
    TrackingStatus.HANDED_TO_COURIER: _l("Handed to courier"),
    TrackingStatus.IN_TRANSIT: _l("In transit"),
    TrackingStatus.OUT_FOR_DELIVERY: _l("Out for delivery"),
    TrackingStatus.DELIVERY_FAILED: _l("Delivery failed"),
    TrackingStatus.DELIVERED: _l("Delivered"),
    TrackingStatus.RETURNED: _l("Returned"),
}

# What the sentra reads when a step is refused (the services' messages are for the API).
ERROR_MESSAGES = {
    "invalid_event": _l("This step does not fit the order's timeline now; nothing was changed."),
    "handover_required": _l("This order is delivered only with the buyer's code."),
    "courier_required": _l("A manager must assign a courier first."),
    "reason_required": _l("Write a reason (3 to 500 characters)."),
    "invalid_waybill": _l("Choose the courier and enter a waybill number of 6 to 40 letters, digits or dashes."),
    "invalid_carrier": _l("Choose one of the couriers."),
    "paid_with_required": _l("Say how the buyer paid: cash or QRIS."),
    "wrong_code": _l("Wrong code. The order was not handed over."),
    "locked": _l("Too many wrong codes: the handover is locked until a manager resets it."),
    "invalid_recipient": _l("Write the name of the person who took the parcel."),
    "invalid_photo": _l("Add a photo (JPEG, PNG or WebP, at most 10 MB) of the delivered parcel."),
    "invalid_courier": _l("The courier must be a member of this sentra."),
    "forbidden": _l("Only a manager or the owner can do this."),
}


def _message(error: OrderError) -> str:
    if isinstance(error, shipping_errors.WrongCodeError) and error.attempts_left:
        return _("Wrong code. The order was not handed over; %(n)s attempts left.", n=error.attempts_left)
    return str(ERROR_MESSAGES.get(error.code, _l("This step could not be recorded; nothing was changed.")))


def _load(number: str) -> Order:
    try:
        return order_services.load_sentra_order(g.sentra, number)
    except OrderNotFoundError:
        abort(404)


def _back(order_number: str, back: str | None):
    if back_target(back) == "deliveries":
        return redirect(url_for("shipping.my_deliveries", sentra_slug=g.sentra.slug))
    return redirect(url_for("orders_kelola.detail", sentra_slug=g.sentra.slug, number=order_number))


# --- the fulfilment panel's data ----------------------------------------------------------------------


# The step the order page offers first, when it may be recorded: the one that moves the order on
# (ready for pickup, handed to the courier, delivered), else the parcel's next move.
PRIMARY_EVENTS = (TrackingStatus.READY_FOR_PICKUP, TrackingStatus.HANDED_TO_COURIER, TrackingStatus.DELIVERED,
                  TrackingStatus.OUT_FOR_DELIVERY, TrackingStatus.IN_TRANSIT, TrackingStatus.PACKED)


def primary_event(next_events: list[str]) -> str | None:
    """Which of ``next_events`` is the next step to show first (never a failure or a return)."""
    return next((status for status in PRIMARY_EVENTS if status in next_events), None)


@bp.app_template_global("fulfilment_for")
def fulfilment_for(order: Order, membership: SentraMembership) -> dict[str, Any]:
    """What the fulfilment panel shows and offers for ``order`` to ``membership``'s user."""
    shipment = order.shipment
    manager = Role(membership.role).rank >= Role.MANAGER.rank
    data: dict[str, Any] = {"shipment": shipment, "manager": manager, "labels": EVENT_LABELS}
    if shipment is None:
        return data
    couriers = []
    if manager and shipment.method == "sentra_courier":
        couriers = list(db.session.execute(
            select(User.id, User.name).join(SentraMembership, SentraMembership.user_id == User.id)
            .where(SentraMembership.sentra_id == order.sentra_id, User.deleted_at.is_(None)).order_by(User.name)
        ))
    next_events = shipping_timeline.next_events(shipment, order)
    data.update(
        next_events=next_events,
        primary_event=primary_event(next_events),
        handover=shipping_timeline.awaits_handover(shipment, order),
        pay_on_pickup=order.payment_method == "pay_on_pickup" and order.payment_status == "unpaid",
        couriers=couriers,
        may_assign=manager and shipment.method == "sentra_courier" and shipment.status not in shipping_timeline.FINISHED
        and order.status in shipping_timeline.OPEN_ORDER_STATUSES | {"placed"},
        carrier_label=carrier_label(shipment.carrier, shipment.carrier_name) if shipment.carrier else None,
        tracking_url=tracking_url(shipment.carrier, shipment.waybill),
        carriers=list(CARRIER_NAMES.items()),
    )
    return data


# --- actions ----------------------------------------------------------------------------------------


@bp.post("/pesanan/<number>/lacak")
@sentra_required()
def record_event(sentra_slug: str, number: str):
    """Record the next step of the order's timeline. :raise 404:"""
    order = _load(number)
    form = TrackingEventForm()
    if not form.validate_on_submit():
        flash(_("This step could not be recorded; nothing was changed."), "error")
        return _back(number, form.back.data)
    status = form.status.data
    if status == TrackingStatus.RETURNED and not form.confirm.data:
        flash(_("Confirm that the parcel came back to the sentra."), "error")
        return _back(number, form.back.data)
    try:
        services.record_tracking_event(
            order, status, current_user, form.note.data, courier=form.carrier.data or None,
            waybill=form.waybill.data or None, carrier_name=form.carrier_name.data or None,
        )
    except PaymentError as error:
        db.session.rollback()
        flash(_("The refund could not be started, so nothing was changed: %(message)s",
                message=error.message), "error")
        return _back(number, form.back.data)
    except OrderError as error:
        db.session.rollback()
        flash(_message(error), "error")
        return _back(number, form.back.data)
    db.session.commit()
    flash(_("Recorded: %(step)s.", step=EVENT_LABELS[TrackingStatus(status)]), "success")
    return _back(number, form.back.data)


@bp.post("/pesanan/<number>/serah-terima")
@sentra_required()
def handover(sentra_slug: str, number: str):
    """Hand the order over against the buyer's pickup code or delivery PIN. :raise 404:"""
    order = _load(number)
    form = HandoverForm()
    if not form.validate_on_submit():
        flash(_("Enter the code the buyer gives you."), "error")
        return _back(number, form.back.data)
    try:
        services.handover(order, form.code.data, current_user, form.paid_with.data or None)
    except (shipping_errors.WrongCodeError, shipping_errors.HandoverLockedError) as error:
        db.session.commit()  # the wrong try is counted: that is what locks out guessing
        flash(_message(error), "error")
        return _back(number, form.back.data)
    except OrderError as error:
        db.session.rollback()
        flash(_message(error), "error")
        return _back(number, form.back.data)
    db.session.commit()
    flash(_("Order %(number)s handed over.", number=number), "success")
    return _back(number, form.back.data)


@bp.post("/pesanan/<number>/tanpa-pin")
@sentra_required()
def deliver_without_pin(sentra_slug: str, number: str):
    """The courier delivers without the PIN: the recipient's name and a photo. :raise 404:"""
    order = _load(number)
    form = DeliverWithoutPinForm()
    if not form.validate_on_submit():
        flash(_("Write the name of the person who took the parcel."), "error")
        return _back(number, form.back.data)
    upload = form.photo.data
    data = upload.read(MAX_BYTES + 1) if upload else b""
    try:
        services.deliver_without_pin(order, current_user, form.recipient_name.data, data)
    except StorageError:
        db.session.rollback()
        flash(_("The photo could not be saved. Please try again in a moment."), "error")
        return _back(number, form.back.data)
    except OrderError as error:
        db.session.rollback()
        flash(_message(error), "error")
        return _back(number, form.back.data)
    db.session.commit()
    flash(_("Order %(number)s recorded as delivered without the PIN.", number=number), "success")
    return _back(number, form.back.data)


@bp.post("/pesanan/<number>/kurir")
@sentra_required(Role.MANAGER)
def assign_courier(sentra_slug: str, number: str):
    """A manager assigns a member as the order's courier. :raise 404: :raise 403:"""
    order = _load(number)
    form = AssignCourierForm()
    form.courier.choices = [(m.user_id, "") for m in g.sentra.memberships]
    if not form.validate_on_submit():
        flash(_("The courier must be a member of this sentra."), "error")
        return _back(number, None)
    member = db.session.get(User, form.courier.data)
    try:
        services.assign_courier(order, member, current_user)
    except OrderError as error:
        db.session.rollback()
        flash(_message(error), "error")
        return _back(number, None)
    db.session.commit()
    flash(_("%(name)s delivers order %(number)s.", name=member.name, number=number), "success")
    return _back(number, None)


@bp.post("/pesanan/<number>/buka-kunci")
@sentra_required(Role.MANAGER)
def reset_lock(sentra_slug: str, number: str):
    """A manager unlocks a handover locked by wrong codes. :raise 404: :raise 403:"""
    order = _load(number)
    if not ResetLockForm().validate_on_submit():
        abort(400)
    try:
        services.reset_code_lock(order, current_user)
    except OrderError as error:
        db.session.rollback()
        flash(_message(error), "error")
        return _back(number, None)
    db.session.commit()
    flash(_("The handover is unlocked; the buyer's code can be entered again."), "success")
    return _back(number, None)


@bp.get("/pesanan/<number>/bukti-antar")
@sentra_required()
def proof(sentra_slug: str, number: str):
    """The photo of a delivery made without the PIN (private). :raise 404:"""
    order = _load(number)
    shipment = order.shipment
    response: Response = proof_response(shipment.proof_key if shipment is not None else None)
    return response


# --- the courier's list -----------------------------------------------------------------------------


def _map_links(order: Order) -> dict[str, str | None]:
    checkout = order.checkout
    kelurahan = checkout.kelurahan
    place = f"{checkout.street}, {checkout.place_label}"
    centroid = (f"https://www.google.com/maps/search/?api=1&query={kelurahan.lat},{kelurahan.lon}"
                if kelurahan is not None else None)
    return {
        "centroid": centroid,
        "street": f"https://www.google.com/maps/search/?api=1&query={quote(place)}",
    }


def _whatsapp(phone: str) -> str | None:
    try:
        return whatsapp_link(normalize_phone(phone))
    except InvalidPhoneError:
        digits = "".join(ch for ch in phone if ch.isdigit())
        return f"https://wa.me/{digits}" if digits else None


@bp.get("/pengantaran")
@sentra_required()
def my_deliveries(sentra_slug: str):
    """"Pengantaran saya": the current member's open deliveries, the earliest promise first."""
    orders = services.my_deliveries(g.sentra.id, current_user)
    rows = [
        {"order": order, "shipment": order.shipment, "checkout": order.checkout,
         "whatsapp": _whatsapp(order.checkout.phone), "maps": _map_links(order),
         "next_events": shipping_timeline.next_events(order.shipment, order),
         "handover": shipping_timeline.awaits_handover(order.shipment, order)}
        for order in orders
        if services.sees_address(order.shipment, current_user)
    ]
    return render_template("orders/shipping/my_deliveries.html", sentra=g.sentra, membership=g.membership,
                           rows=rows, labels=EVENT_LABELS)
