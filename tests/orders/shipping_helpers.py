"""Builders for the fulfilment tests: accepted orders of each delivery method, and moving them on."""
from __future__ import annotations

from flask import current_app

from orders.core.models import Order
from orders.payments.services import mark_paid
from orders.services import accept_order
from orders.shipping import services
from shop.extensions import db
from tests.factories import add_member, make_checkout, make_user
from tests.orders.orders_helpers import a_sentra

WAYBILL = "JNE-0012345678"


def accepted_order(method: str = "pickup", *, stock: int = 10, quantity: int = 1, kelurahan: str = "32.75.08.1001"):
    """An order of ``method`` the sentra accepted (``processing``), with a courier for sentra_courier.

    Pickup orders are pay-on-pickup (unpaid); delivered ones are paid by bank transfer.
    Returns (order, owner, courier or None, variant). Commits.
    """
    sentra, owner, variant = a_sentra(kelurahan, stock=stock)
    buyer = make_user()
    if method == "pickup":
        checkout = make_checkout(buyer, [(variant, quantity)])
    else:
        checkout = make_checkout(buyer, [(variant, quantity)], method="bank_transfer", delivery=method)
        mark_paid(checkout.payment, None, "transfer confirmed", current_app.config)
    order = checkout.orders[0]
    accept_order(order, owner)
    courier = None
    if method == "sentra_courier":
        courier = make_user()
        add_member(sentra, courier)
        services.assign_courier(order, courier, owner)
    db.session.commit()
    return order, owner, courier, variant


def advance(order: Order, actor, steps: list[str]) -> None:
    """Record ``steps`` in turn; ``delivered`` of a pickup or sentra-courier order goes through the handover."""
    for step in steps:
        method = order.delivery_method
        if step == "delivered" and method == "pickup":
            services.handover(order, order.pickup_code, actor, paid_with="cash")
        elif step == "delivered" and method == "sentra_courier":
            services.handover(order, order.shipment.delivery_pin, actor)
        elif step == "handed_to_courier" and method == "courier":
            services.record_tracking_event(order, step, actor, courier="jne", waybill=WAYBILL)
        else:
            services.record_tracking_event(order, step, actor, "langkah" if step == "delivery_failed" else None)
    db.session.commit()


def wrong_code(right: str) -> str:
    return f"{(int(right) + 1) % 1_000_000:06d}"
