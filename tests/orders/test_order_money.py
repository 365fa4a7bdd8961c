"""The money and sales rules an order carries, each stated once: what is left to refund, what counts as sold."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from orders.core.models import Order, OrderStatus
from orders.core.status import NOT_SOLD
from orders.impact import facts
from shop.extensions import db
from tests.factories import make_checkout, make_product, make_sentra, make_user


def _order() -> Order:
    variant = make_product(make_sentra(), variants=[{"price_idr": 40_000, "stock": 5}]).variants[0]
    return make_checkout(make_user(), [(variant, 2)]).orders[0]


def test_refundable_is_the_total_less_what_was_refunded(app):
    order = _order()
    order.refunded_idr = 30_000
    assert order.refundable_idr == order.total_idr - 30_000


def test_refundable_is_also_the_query_expression_the_reports_select(app):
    order = _order()
    order.refunded_idr = 30_000
    db.session.flush()
    assert db.session.scalar(select(Order.refundable_idr).where(Order.id == order.id)) == order.total_idr - 30_000


@pytest.mark.nodb
def test_waiting_for_payment_cancelled_and_expired_are_the_orders_not_sold():
    assert set(NOT_SOLD) == {OrderStatus.PENDING_PAYMENT, OrderStatus.CANCELLED, OrderStatus.EXPIRED}


@pytest.mark.nodb
@pytest.mark.parametrize("status", list(OrderStatus))
def test_the_impact_figures_count_an_order_exactly_when_it_is_sold(status):
    assert facts.counted(status) is (status not in NOT_SOLD)
