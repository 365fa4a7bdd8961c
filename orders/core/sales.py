"""Units sold per product, for the catalog's popularity ranking (``catalog.storefront.popularity``).

An order's lines count as sold when the order went through: paid (or partly refunded), or
fulfilled (ready for pickup, shipped, delivered, completed: pay-at-pickup orders are paid
only then). Orders waiting for an online payment, cancelled, expired or wholly refunded do
not count.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, func, or_, select

from orders.core.models import Order, OrderLine, OrderStatus, PaymentStatus

NOT_SOLD = (OrderStatus.PENDING_PAYMENT, OrderStatus.CANCELLED, OrderStatus.EXPIRED)
FULFILLED = (OrderStatus.READY_FOR_PICKUP, OrderStatus.SHIPPED, OrderStatus.DELIVERED, OrderStatus.COMPLETED)
PAID = (PaymentStatus.PAID, PaymentStatus.PARTIALLY_REFUNDED)


def units_sold_since(since: datetime) -> Select:
    """``(product_id, units)`` of the orders placed since ``since`` that count as sold, one row per product."""
    return (
        select(OrderLine.product_id.label("product_id"), func.sum(OrderLine.quantity).label("units"))
        .join(Order, Order.id == OrderLine.order_id)
        .where(
            Order.created_at >= since,
            OrderLine.product_id.is_not(None),
            Order.status.not_in(NOT_SOLD),
            Order.payment_status != PaymentStatus.REFUNDED,
            or_(Order.payment_status.in_(PAID), Order.status.in_(FULFILLED)),
        )
        .group_by(OrderLine.product_id)
    )
