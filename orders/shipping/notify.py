"""Emails to the buyer about their shipment, sent by outbox handlers.

Jobs (queued by :mod:`orders.shipping.services` with ``{"order_id", "event_id"}``):
``shipment.ready_for_pickup`` (with the pickup code and the sentra's address and hours),
``shipment.handed_to_courier`` (with the delivery PIN for the sentra's courier, or the
courier's tracking link), ``shipment.out_for_delivery``, ``shipment.delivered`` and
``shipment.delivery_failed``. Only the buyer is emailed; the codes never go to the sentra.
Ready for pickup (with the code), on its way with the sentra's courier and out for delivery
(with the PIN), and delivered also have a WhatsApp version (:mod:`orders.notify`).
Idempotency as in :mod:`orders.notify`: a job normally runs once, and a rare repeat email
is harmless.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_babel import gettext as _

from orders.core.models import Order
from orders.notify import _greeting, _load, _mail_buyer, _order_link, whatsapp_template
from orders.shipping.carriers import carrier_label, tracking_url
from orders.shipping.models import TrackingEvent
from shop.accounts.models import User
from shop.extensions import db
from shop.outbox.services import register


def _event(payload: dict[str, Any]) -> TrackingEvent | None:
    event_id = payload.get("event_id")
    return db.session.get(TrackingEvent, event_id) if event_id is not None else None


WhatsAppOf = Callable[[Order, User], tuple[str, list[Any]] | None]


def _send(payload: dict[str, Any], subject: Callable[[Order], str],
          body: Callable[[Order, TrackingEvent | None], list[str]], whatsapp: WhatsAppOf | None = None) -> None:
    order = _load(payload["order_id"])
    if order is None:
        return
    event = _event(payload)
    _mail_buyer(
        order,
        lambda: subject(order),
        lambda: "\n\n".join([_greeting(order.buyer), *body(order, event),
                             _("Your order: %(link)s", link=_order_link(order))]),
        (lambda buyer: whatsapp(order, buyer)) if whatsapp is not None else None,
    )


def _on_its_way(order: Order, buyer: User) -> tuple[str, list[Any]] | None:
    """The WhatsApp "on its way" message: with the PIN for the sentra's courier, plain for a courier."""
    if order.shipment.method == "sentra_courier":
        return whatsapp_template("pesanan_diantar_pin", buyer.name, order.number, order.shipment.delivery_pin,
                                 _order_link(order))
    return whatsapp_template("pesanan_diantar", buyer.name, order.number, _order_link(order))


def _note(event: TrackingEvent | None) -> list[str]:
    return [_("Note from the sentra: %(note)s", note=event.note)] if event is not None and event.note else []


@register("shipment.ready_for_pickup")
def ready_for_pickup(payload: dict[str, Any]) -> None:
    def body(order: Order, event: TrackingEvent | None) -> list[str]:
        sentra = order.sentra
        lines = [
            _("Your order %(number)s is ready for pickup at %(sentra)s.", number=order.number, sentra=sentra.name),
            _("Pickup code: %(code)s (show it at the sentra when you collect the order)", code=order.pickup_code),
            _("Address: %(address)s", address=sentra.address),
        ]
        if sentra.opening_hours:
            lines.append(_("Opening hours: %(hours)s", hours=sentra.opening_hours))
        if order.payment_method == "pay_on_pickup" and order.payment_status == "unpaid":
            lines.append(_("Pay at the sentra in cash or by QRIS when you collect it."))
        return lines + _note(event)

    _send(payload, lambda order: _("Order %(number)s is ready for pickup", number=order.number), body,
          lambda order, buyer: whatsapp_template("pesanan_siap_diambil", buyer.name, order.number, order.sentra.name,
                                                 order.pickup_code, order.sentra.address, _order_link(order)))


@register("shipment.handed_to_courier")
def handed_to_courier(payload: dict[str, Any]) -> None:
    def body(order: Order, event: TrackingEvent | None) -> list[str]:
        shipment = order.shipment
        lines = [_("Your order %(number)s from %(sentra)s is on its way.", number=order.number,
                   sentra=order.sentra.name)]
        if shipment.method == "sentra_courier":
            lines.append(_("Delivery PIN: %(pin)s. Give it to the sentra's courier only when you have the "
                           "parcel in your hands.", pin=shipment.delivery_pin))
        elif shipment.carrier:
            lines.append(_("Courier: %(courier)s, waybill %(waybill)s",
                           courier=carrier_label(shipment.carrier, shipment.carrier_name), waybill=shipment.waybill))
            link = tracking_url(shipment.carrier, shipment.waybill)
            if link:
                lines.append(_("Track it at the courier: %(link)s", link=link))
        return lines + _note(event)

    # On WhatsApp only the sentra's courier (the PIN is needed at the door); a courier's parcel is
    # announced there when it is out for delivery.
    _send(payload, lambda order: _("Order %(number)s is on its way", number=order.number), body,
          lambda order, buyer: _on_its_way(order, buyer) if order.shipment.method == "sentra_courier" else None)


@register("shipment.out_for_delivery")
def out_for_delivery(payload: dict[str, Any]) -> None:
    def body(order: Order, event: TrackingEvent | None) -> list[str]:
        lines = [_("Your order %(number)s is out for delivery today.", number=order.number)]
        if order.shipment.method == "sentra_courier":
            lines.append(_("Have your delivery PIN ready: %(pin)s", pin=order.shipment.delivery_pin))
        return lines + _note(event)

    _send(payload, lambda order: _("Order %(number)s is out for delivery", number=order.number), body, _on_its_way)


@register("shipment.delivered")
def delivered(payload: dict[str, Any]) -> None:
    def body(order: Order, event: TrackingEvent | None) -> list[str]:
        shipment = order.shipment
        lines = [_("Your order %(number)s from %(sentra)s has been delivered.", number=order.number,
                   sentra=order.sentra.name)]
        if shipment.proof_key or shipment.recipient_name:
            lines.append(_("It was handed to %(name)s without your delivery PIN, with a photo as proof. If you "
                           "did not receive it, report a problem on your order page.", name=shipment.recipient_name))
        return lines

    _send(payload, lambda order: _("Order %(number)s delivered", number=order.number), body,
          lambda order, buyer: whatsapp_template("pesanan_sampai", buyer.name, order.number, order.sentra.name,
                                                 _order_link(order)))


@register("shipment.delivery_failed")
def delivery_failed(payload: dict[str, Any]) -> None:
    def body(order: Order, event: TrackingEvent | None) -> list[str]:
        lines = [_("The delivery of your order %(number)s did not succeed.", number=order.number)]
        if event is not None and event.note:
            lines.append(_("Reason: %(reason)s", reason=event.note))
        lines.append(_("The sentra will try again or contact you."))
        return lines

    _send(payload, lambda order: _("Delivery of order %(number)s failed", number=order.number), body)


HANDLED_KINDS = ("shipment.ready_for_pickup", "shipment.handed_to_courier", "shipment.out_for_delivery",
                 "shipment.delivered", "shipment.delivery_failed")
