"""The order lifecycle (orders.core.lifecycle): cancel, expire, refund and the stock return, each once."""
from __future__ import annotations

from flask import current_app
from sqlalchemy import func, select

from catalog import stock
from catalog.products.models import StockMovement, StockReason, Variant
from orders.b2b.acceptance import accept_quote
from orders.core import lifecycle
from orders.core.locks import lock_order
from orders.core.models import OrderEvent, OrderStatus
from orders.core.payments import PaymentState, Refund
from orders.services import accept_order
from orders.shipping.services import record_tracking_event
from shop.extensions import db
from tests.factories import make_checkout
from tests.orders.b2b.b2b_helpers import membership, partner_team, send_quote, send_rfq
from tests.orders.orders_helpers import a_sentra, make_user, paid_transfer_order, placed_order


def _movements(order_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(StockMovement).where(StockMovement.order_id == order_id,
                                                                                   StockMovement.delta > 0))


def _status_events(order_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(OrderEvent).where(OrderEvent.order_id == order_id,
                                                                               OrderEvent.kind == "status"))


def test_cancelling_an_order_twice_returns_its_stock_once():
    _, _, variant = a_sentra(stock=10)
    order = lock_order(placed_order(make_user(), variant, 3))
    assert lifecycle.cancel(order, None, "cancelled", current_app.config, reason="closed today") is True
    assert lifecycle.cancel(order, None, "cancelled again", current_app.config, reason="again") is False
    db.session.commit()
    assert db.session.get(Variant, variant.id).stock == 10
    assert (_movements(order.id), order.cancel_reason) == (1, "closed today")


def test_cancelling_an_order_records_its_status_event_once():
    _, _, variant = a_sentra()
    order = lock_order(placed_order(make_user(), variant))
    before = _status_events(order.id)
    lifecycle.cancel(order, None, "cancelled by the office", current_app.config)
    lifecycle.cancel(order, None, "cancelled by the office", current_app.config)
    assert _status_events(order.id) == before + 1


def test_cancelling_a_paid_order_twice_refunds_it_once():
    _, _, variant = a_sentra()
    order = lock_order(paid_transfer_order(make_user(), variant))
    lifecycle.cancel(order, None, "cancelled", current_app.config, reason="sold out")
    lifecycle.cancel(order, None, "cancelled", current_app.config, reason="sold out")
    assert db.session.scalar(select(func.count()).select_from(Refund).where(Refund.order_id == order.id)) == 1


def test_refunding_an_order_whose_refund_is_pending_asks_for_nothing_more():
    _, _, variant = a_sentra()
    order = paid_transfer_order(make_user(), variant)
    assert lifecycle.refund(order, None, "sold out", current_app.config) is not None
    assert lifecycle.refund(order, None, "sold out", current_app.config) is None


def test_expiring_an_order_twice_returns_its_stock_once():
    _, _, variant = a_sentra(stock=5)
    checkout = make_checkout(make_user(), [(variant, 2)], method="bank_transfer")
    order = lock_order(checkout.orders[0])
    assert lifecycle.expire(order) is True
    assert lifecycle.expire(order) is False
    db.session.commit()
    assert (order.status, db.session.get(Variant, variant.id).stock, _movements(order.id)) == (OrderStatus.EXPIRED, 5, 1)


def test_an_order_no_longer_waiting_for_payment_does_not_expire():
    _, _, variant = a_sentra(stock=5)
    order = lock_order(placed_order(make_user(), variant, 2))
    assert lifecycle.expire(order) is False
    assert (order.status, db.session.get(Variant, variant.id).stock) == (OrderStatus.PLACED, 3)


def test_a_returned_parcel_of_an_unpaid_order_closes_its_payment_as_a_cancel_does():
    partner, _owner, staff = partner_team(threshold=None, terms_days=30, credit_limit=20_000_000)
    sentra, owner, _variant = a_sentra()
    quote = send_quote(sentra, owner, send_rfq(partner, staff, sentra), delivery_method="courier")
    order = accept_quote(membership(partner, staff), staff, quote.id, "terms", {"PPN_RATE_PERCENT": 11}).order
    accept_order(order, owner)
    record_tracking_event(order, "handed_to_courier", owner, courier="jne", waybill="JNE-0012345678")
    record_tracking_event(order, "returned", owner, "alamat tidak ditemukan")
    assert (order.status, order.cancel_reason) == (OrderStatus.CANCELLED, "returned to the sentra: alamat tidak ditemukan")
    assert order.checkout.payment.state == PaymentState.CANCELLED


def test_release_lines_gives_back_in_ascending_variant_order_with_the_order_id():
    _, _, first = a_sentra(stock=4)
    _, _, second = a_sentra("32.75.01.1001", stock=4)
    stock.reserve(first.id, 2)
    stock.reserve(second.id, 1)
    moved = stock.release_lines([stock.Line(second.id, 1), stock.Line(first.id, 2)],
                                reason=StockReason.RETURN, order_id=None)
    assert [m.variant_id for m in moved] == sorted([first.id, second.id])
    assert {m.reason for m in moved} == {StockReason.RETURN}
    assert (db.session.get(Variant, first.id).stock, db.session.get(Variant, second.id).stock) == (4, 4)
