"""The one lock order of every change to an order: the checkout's payment row, then the
checkout's orders in ascending id order (then, where needed, the shipment row).

A webhook, the buyer, the sentra, the office and the worker can race on one checkout;
taking the rows in this order means they wait for each other instead of deadlocking.
"""
from __future__ import annotations

from sqlalchemy import select

from orders.core.models import Order
from orders.core.payments import Payment
from shop.extensions import db


def lock_payment(payment_id: int) -> Payment:
    """The payment, locked for this transaction, and its checkout's orders locked in id order.

    :raise LookupError: no such payment.
    """
    payment = db.session.scalar(
        select(Payment).where(Payment.id == payment_id).with_for_update(of=Payment).execution_options(populate_existing=True)
    )
    if payment is None:
        raise LookupError(f"no payment {payment_id}")
    lock_orders(payment.checkout_id)
    return payment


def lock_orders(checkout_id: int) -> list[Order]:
    """A checkout's orders, locked in ascending id order and re-read."""
    return list(db.session.scalars(
        select(Order).where(Order.checkout_id == checkout_id).order_by(Order.id)
        .with_for_update(of=Order).execution_options(populate_existing=True)
    ))


def lock_order(order: Order) -> Order:
    """Lock ``order``'s payment and then its checkout's orders in id order; return the order re-read."""
    payment = order.checkout.payment
    if payment is not None:
        lock_payment(payment.id)
        return db.session.get(Order, order.id)
    return db.session.scalar(
        select(Order).where(Order.id == order.id).with_for_update(of=Order).execution_options(populate_existing=True)
    )
