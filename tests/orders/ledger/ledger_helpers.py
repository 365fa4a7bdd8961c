"""Builders for the ledger tests: completed orders paid each way, and the ledger's figures."""
from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from orders.core.models import Order, OrderStatus
from orders.core.status import transition
from orders.ledger.models import LedgerEntry
from orders.payments.services import mark_paid
from orders.services import accept_order
from orders.shipping import services as shipping
from shop.extensions import db
from tests.factories import make_checkout, make_product, make_sentra, make_user


def completed_order(sentra=None, *, paid: str = "bank_transfer", price: int = 50_000, quantity: int = 2,
                    delivery: str = "pickup", buyer=None, complete: bool = True) -> Order:
    """An order of ``quantity`` x ``price`` delivered and (with ``complete``) completed. Commits.

    ``paid`` is ``bank_transfer`` (confirmed by the office) or ``pay_on_pickup`` (cash at the
    handover). With ``delivery="courier"`` the sentra adds its courier fee.
    """
    sentra = sentra or make_sentra()
    owner = sentra.memberships[0].user
    variant = make_product(sentra, variants=[{"price_idr": price, "stock": quantity + 5}]).variants[0]
    buyer = buyer or make_user()
    checkout = make_checkout(buyer, [(variant, quantity)], method=paid, delivery=delivery)
    if paid != "pay_on_pickup":
        mark_paid(checkout.payment, None, "transfer confirmed", current_app.config)
    order = checkout.orders[0]
    accept_order(order, owner)
    if delivery == "pickup":
        shipping.record_tracking_event(order, "ready_for_pickup", owner)
        shipping.handover(order, order.pickup_code, owner, paid_with="cash" if paid == "pay_on_pickup" else None)
    else:
        shipping.record_tracking_event(order, "handed_to_courier", owner, courier="jne", waybill="JNE-0012345678")
        shipping.record_tracking_event(order, "delivered", owner)
    if complete:
        transition(order, OrderStatus.COMPLETED, None, "completed")
    db.session.commit()
    return order


def entries(sentra_id: int) -> list[LedgerEntry]:
    return list(db.session.scalars(select(LedgerEntry).where(LedgerEntry.sentra_id == sentra_id)
                                   .order_by(LedgerEntry.id)))
