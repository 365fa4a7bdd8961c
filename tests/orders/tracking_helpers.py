"""Builders for the tracking, problem and shipping-job tests: orders taken through fulfilment
with the real services (accept, tracking events, handover)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flask import current_app

from orders.core.models import Order
from orders.payments.services import mark_paid
from orders.services import accept_order
from orders.shipping import services as shipping
from shop.accounts.models import User
from shop.extensions import db
from shop.sentras.models import Sentra
from tests.factories import (
    BEKASI_ADDRESS,
    add_member,
    make_checkout,
    make_product,
    make_sentra,
    make_user,
    png_bytes,
)

RECIPIENT = BEKASI_ADDRESS["recipient"]
PHONE = BEKASI_ADDRESS["phone"]
STREET = BEKASI_ADDRESS["street"]
BUYER_EMAIL = "pembeli@example.test"


@dataclass
class Setup:
    order: Order
    buyer: User
    owner: User
    sentra: Sentra
    variant_id: int


def new_order(*, method: str = "pay_on_pickup", delivery: str = "pickup", paid: bool = False, stock: int = 10,
              quantity: int = 2, kelurahan_code: str = "32.75.08.1001", buyer_email: str = BUYER_EMAIL) -> Setup:
    """One order of ``quantity`` x Rp25.000 from a fresh sentra; ``paid`` confirms a bank transfer."""
    owner = make_user()
    sentra = make_sentra(kelurahan_code, owner=owner)
    sentra.opening_hours = "Senin-Sabtu 09.00-17.00"
    variant = make_product(sentra, variants=[{"price_idr": 25_000, "stock": stock}]).variants[0]
    buyer = make_user(buyer_email, name="Sari Pembeli")
    buyer.locale = "en"  # emails to the buyer in English, whatever the translations say
    db.session.commit()
    checkout = make_checkout(buyer, [(variant, quantity)], method=method, delivery=delivery)
    if paid:
        mark_paid(checkout.payment, None, "transfer confirmed", current_app.config)
        db.session.commit()
    return Setup(checkout.orders[0], buyer, owner, sentra, variant.id)


def ready_pickup(setup: Setup) -> Order:
    """Accepted and marked ready for pickup (committed)."""
    accept_order(setup.order, setup.owner)
    shipping.record_tracking_event(setup.order, "ready_for_pickup", setup.owner, "Siap di meja depan")
    db.session.commit()
    return setup.order


def delivered_pickup(setup: Setup) -> Order:
    """Collected with the pickup code (paid in cash when it was pay-on-pickup), committed."""
    ready_pickup(setup)
    paid_with = "cash" if setup.order.payment_method == "pay_on_pickup" else None
    shipping.handover(setup.order, setup.order.pickup_code, setup.owner, paid_with=paid_with)
    db.session.commit()
    return setup.order


def shipped_by_sentra_courier(setup: Setup) -> Order:
    """Accepted, a courier assigned and the parcel handed to them (committed)."""
    courier = make_user(name="Kurir Muda")
    add_member(setup.sentra, courier)
    db.session.commit()
    accept_order(setup.order, setup.owner)
    shipping.assign_courier(setup.order, courier, setup.owner)
    shipping.record_tracking_event(setup.order, "handed_to_courier", courier, "Dibawa kurir")
    db.session.commit()
    return setup.order


def delivered_without_pin(setup: Setup, recipient_name: str = "Budi Tetangga") -> Order:
    shipped_by_sentra_courier(setup)
    shipping.deliver_without_pin(setup.order, setup.owner, recipient_name, png_bytes())
    db.session.commit()
    return setup.order


def delivered_by_courier(setup: Setup) -> Order:
    """An external courier's parcel (JNE), delivered (committed)."""
    accept_order(setup.order, setup.owner)
    shipping.record_tracking_event(setup.order, "handed_to_courier", setup.owner, "Diserahkan ke JNE",
                                   courier="jne", waybill="jp1234 5678")
    shipping.record_tracking_event(setup.order, "delivered", setup.owner, "Diterima")
    db.session.commit()
    return setup.order


def age_shipment(order: Order, *, ready_days: float | None = None, delivered_days: float | None = None) -> None:
    """Move the shipment's ready/delivered time back by that many days (committed)."""
    shipment = order.shipment
    if ready_days is not None:
        shipment.ready_at = shipment.ready_at - timedelta(days=ready_days)
    if delivered_days is not None:
        shipment.delivered_at = shipment.delivered_at - timedelta(days=delivered_days)
    db.session.commit()
