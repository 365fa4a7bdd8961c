"""Order operations after checkout: cancelling, accepting, moving on, and what they leave behind."""
from __future__ import annotations

import pytest
from flask import current_app
from sqlalchemy import select

from catalog.products.models import StockMovement, StockReason, Variant
from orders import services
from orders.core.errors import InvalidTransitionError, NotAllowedError, OrderNotFoundError
from orders.core.models import Order, OrderEvent
from orders.core.payments import Payment, PaymentState, Refund
from orders.core.providers import REGISTRY, PaymentProvider
from orders.shipping.services import record_tracking_event
from shop.extensions import db
from shop.outbox.models import OutboxJob
from tests.factories import make_checkout
from tests.orders.orders_helpers import a_sentra, make_user, paid_transfer_order, placed_order

CONFIG = {}


def _stock(variant_id: int) -> int:
    db.session.expire_all()
    return db.session.get(Variant, variant_id).stock


def _jobs(kind: str) -> list[dict]:
    return [job.payload for job in db.session.scalars(select(OutboxJob).where(OutboxJob.kind == kind))]


def test_buyer_order_is_loaded_only_for_its_buyer():
    _, _, variant = a_sentra()
    buyer, other = make_user(), make_user()
    order = placed_order(buyer, variant)
    assert services.load_buyer_order(buyer, order.number).id == order.id
    with pytest.raises(OrderNotFoundError):
        services.load_buyer_order(other, order.number)


def test_sentra_order_is_loaded_only_for_its_sentra():
    sentra_a, _, variant = a_sentra()
    sentra_b, _, _ = a_sentra("32.75.01.1001")
    order = placed_order(make_user(), variant)
    assert services.load_sentra_order(sentra_a, order.number).id == order.id
    with pytest.raises(OrderNotFoundError):
        services.load_sentra_order(sentra_b, order.number)


def test_buyer_cancel_returns_the_stock_through_a_cancel_movement():
    _, _, variant = a_sentra(stock=10)
    buyer = make_user()
    order = placed_order(buyer, variant, 3)
    assert _stock(variant.id) == 7
    services.cancel_by_buyer(order, buyer, "changed my mind", current_app.config)
    db.session.commit()
    assert _stock(variant.id) == 10
    movement = db.session.scalar(select(StockMovement).where(StockMovement.order_id == order.id,
                                                             StockMovement.reason == StockReason.CANCEL))
    assert movement.delta == 3
    db.session.refresh(order)
    assert order.status == "cancelled" and order.cancel_reason == "changed my mind"


def test_buyer_cancel_of_unpaid_transfer_order_is_allowed():
    _, _, variant = a_sentra()
    buyer = make_user()
    order = make_checkout(buyer, [(variant, 1)], method="bank_transfer").orders[0]
    assert order.status == "pending_payment"
    services.cancel_by_buyer(order, buyer, None, current_app.config)
    assert order.status == "cancelled"
    assert db.session.scalar(select(Refund)) is None


def test_buyer_cannot_cancel_once_the_sentra_is_processing():
    _, owner, variant = a_sentra()
    buyer = make_user()
    order = placed_order(buyer, variant)
    services.accept_order(order, owner)
    db.session.commit()
    with pytest.raises(NotAllowedError, match="already started"):
        services.cancel_by_buyer(order, buyer, None, current_app.config)
    db.session.rollback()
    assert _stock(variant.id) == 9


def test_buyer_cannot_cancel_twice():
    _, _, variant = a_sentra()
    buyer = make_user()
    order = placed_order(buyer, variant)
    services.cancel_by_buyer(order, buyer, None, current_app.config)
    with pytest.raises(NotAllowedError, match="already cancelled"):
        services.cancel_by_buyer(order, buyer, None, current_app.config)


def test_sentra_cancel_needs_a_reason():
    _, owner, variant = a_sentra()
    order = placed_order(make_user(), variant)
    for reason in (None, "", "  ", "ab", "x" * 501):
        with pytest.raises(services.InvalidReasonError):
            services.cancel_by_sentra(order, owner, reason, current_app.config)
    assert order.status == "placed"


def test_sentra_can_cancel_an_order_it_is_processing_and_the_stock_comes_back():
    _, owner, variant = a_sentra(stock=5)
    order = placed_order(make_user(), variant, 2)
    services.accept_order(order, owner)
    services.cancel_by_sentra(order, owner, "bahan habis, maaf", current_app.config)
    db.session.commit()
    assert order.status == "cancelled" and order.cancel_reason == "bahan habis, maaf"
    assert _stock(variant.id) == 5
    assert _jobs("order.cancelled") == [{"order_id": order.id, "by": "sentra"}]


def test_accept_moves_a_placed_order_to_processing_and_only_once():
    _, owner, variant = a_sentra()
    order = placed_order(make_user(), variant)
    services.accept_order(order, owner)
    assert order.status == "processing"
    with pytest.raises(InvalidTransitionError):
        services.accept_order(order, owner)


def test_every_transition_writes_an_order_event_with_its_actor():
    _, owner, variant = a_sentra()
    buyer = make_user()
    order = placed_order(buyer, variant)
    services.accept_order(order, owner)
    record_tracking_event(order, "ready_for_pickup", owner, "siap diambil")
    services.cancel_by_sentra(order, owner, "pembeli tidak datang", current_app.config)
    db.session.commit()
    events = list(db.session.scalars(select(OrderEvent).where(OrderEvent.order_id == order.id,
                                                              OrderEvent.kind == "status").order_by(OrderEvent.id)))
    assert [(e.from_status, e.to_status, e.actor_id) for e in events] == [
        (None, "placed", buyer.id),
        ("placed", "processing", owner.id),
        ("processing", "ready_for_pickup", owner.id),
        ("ready_for_pickup", "cancelled", owner.id),
    ]
    assert "siap diambil" in events[2].note


@pytest.mark.parametrize("to", ["completed", "delivered", "placed", "expired", "pending_payment"])
def test_sentra_cannot_set_statuses_that_are_not_its_to_set(to):
    _, owner, variant = a_sentra()
    order = placed_order(make_user(), variant)
    with pytest.raises((InvalidTransitionError, NotAllowedError)):
        services.change_status(order, to, owner, None, current_app.config)
    assert order.status == "placed"


def test_impossible_transition_raises_invalid_transition():
    _, owner, variant = a_sentra()
    order = placed_order(make_user(), variant)
    services.accept_order(order, owner)
    with pytest.raises(InvalidTransitionError):
        services.change_status(order, "processing", owner, None, current_app.config)  # accepted already


@pytest.mark.parametrize("to", ["ready_for_pickup", "shipped", "delivered"])
def test_change_status_refuses_statuses_that_follow_from_tracking_events_with_409(to):
    _, owner, variant = a_sentra()
    order = placed_order(make_user(), variant)
    services.accept_order(order, owner)
    with pytest.raises(NotAllowedError) as refused:
        services.change_status(order, to, owner, None, current_app.config)
    assert refused.value.status == 409
    assert order.status == "processing"


def test_status_counts_count_each_status_in_one_query():
    sentra, owner, variant = a_sentra()
    buyer = make_user()
    first = placed_order(buyer, variant)
    placed_order(buyer, variant)
    placed_order(buyer, variant)
    services.accept_order(first, owner)
    db.session.commit()
    counts = services.status_counts(sentra)
    assert counts["placed"] == 2 and counts["processing"] == 1 and counts["cancelled"] == 0


def test_unknown_status_filter_is_refused():
    sentra, _, _ = a_sentra()
    with pytest.raises(services.InvalidStatusFilterError):
        services.list_sentra_orders(sentra, "lost", 1, 20)


def test_cancel_of_a_paid_transfer_order_leaves_a_pending_refund_for_the_office():
    _, owner, variant = a_sentra()
    buyer = make_user()
    order = paid_transfer_order(buyer, variant)
    assert order.payment_status == "paid"
    services.cancel_by_sentra(order, owner, "tidak bisa dikirim", current_app.config)
    db.session.commit()
    refund = db.session.scalar(select(Refund).where(Refund.order_id == order.id))
    assert refund.state == "pending" and refund.amount_idr == order.total_idr
    assert order.status == "cancelled"


class _InstantCard(PaymentProvider):
    """A card provider whose refunds succeed at once (what Stripe answers), without a network."""

    name = "test_card"

    def refund(self, payment, order, amount_idr, actor, reason, config):
        refund = Refund(payment=payment, order=order, amount_idr=amount_idr, state="succeeded",
                        reference=f"re_{order.id}", reason=reason)
        db.session.add(refund)
        db.session.flush()
        return refund


@pytest.fixture
def instant_card(monkeypatch):
    monkeypatch.setitem(REGISTRY, "test_card", _InstantCard())


def test_buyer_cancel_of_one_paid_card_order_of_two_refunds_only_that_order(instant_card):
    sentra_a, _, variant_a = a_sentra(price_idr=20_000)
    _, _, variant_b = a_sentra("32.75.01.1001", price_idr=30_000)
    buyer = make_user()
    checkout = make_checkout(buyer, [(variant_a, 1), (variant_b, 1)], method="test_card")
    from orders.payments.services import mark_paid

    mark_paid(checkout.payment, None, "card paid", current_app.config)
    db.session.commit()
    order_a = next(o for o in checkout.orders if o.sentra_id == sentra_a.id)
    services.cancel_by_buyer(order_a, buyer, None, current_app.config)
    db.session.commit()
    db.session.expire_all()
    order_a = db.session.get(Order, order_a.id)
    payment = db.session.get(Payment, checkout.payment.id)
    assert order_a.payment_status == "refunded" and order_a.refunded_idr == order_a.total_idr
    assert payment.state == PaymentState.PARTIALLY_REFUNDED and payment.refunded_idr == order_a.total_idr
    other = next(o for o in payment.checkout.orders if o.id != order_a.id)
    assert other.payment_status == "paid" and other.status == "placed"
    assert {"order_id": order_a.id} in _jobs("order.refunded")
