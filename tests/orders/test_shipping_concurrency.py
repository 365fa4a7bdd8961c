"""Handovers racing on one order, with real parallel connections on PostgreSQL."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from orders.core.models import Order
from orders.shipping import errors as shipping_errors
from orders.shipping import services
from orders.shipping import timeline as shipping_timeline
from orders.shipping.models import Shipment, TrackingEvent
from shop.accounts.models import User
from shop.extensions import db
from tests.orders.shipping_helpers import accepted_order, advance, wrong_code

pytestmark = pytest.mark.postgres_only

TRIES = 10


def _race(app, order_id: int, actor_id: int, code: str) -> list[str]:
    """Each thread tries ``code`` once; returns each thread's outcome (``delivered`` or the error code)."""
    barrier = threading.Barrier(TRIES)
    outcomes: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def attempt() -> None:
        with app.app_context():
            try:
                order = db.session.get(Order, order_id)
                actor = db.session.get(User, actor_id)
                barrier.wait(timeout=30)
                try:
                    services.handover(order, code, actor, paid_with="cash")
                    db.session.commit()
                    outcome = "delivered"
                except (shipping_errors.WrongCodeError, shipping_errors.HandoverLockedError) as error:
                    db.session.commit()  # as the views do: the failure count is kept
                    outcome = error.code
                except shipping_errors.ShippingError as error:
                    db.session.rollback()
                    outcome = error.code
                with lock:
                    outcomes.append(outcome)
            except BaseException as error:  # reported in the main thread
                with lock:
                    errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=attempt) for _ in range(TRIES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)
    assert not any(t.is_alive() for t in threads)
    assert errors == []
    return outcomes


def _ready_pickup():
    order, owner, _, _ = accepted_order("pickup")
    advance(order, owner, ["ready_for_pickup"])
    return order, owner


def test_ten_parallel_handovers_with_the_right_code_deliver_once(app):
    order, owner = _ready_pickup()
    outcomes = _race(app, order.id, owner.id, order.pickup_code)
    assert outcomes.count("delivered") == 1
    assert sorted(set(outcomes) - {"delivered"}) == ["invalid_event"]
    db.session.expire_all()
    delivered = db.session.scalar(select(func.count(TrackingEvent.id)).where(
        TrackingEvent.shipment_id == order.shipment.id, TrackingEvent.status == "delivered"))
    assert delivered == 1
    assert db.session.get(Order, order.id).status == "delivered"


def test_ten_parallel_wrong_codes_count_ten_failures_and_lock(app):
    order, owner = _ready_pickup()
    outcomes = _race(app, order.id, owner.id, wrong_code(order.pickup_code))
    assert outcomes.count("wrong_code") == shipping_timeline.MAX_CODE_FAILURES
    assert outcomes.count("locked") == TRIES - shipping_timeline.MAX_CODE_FAILURES
    db.session.expire_all()
    shipment = db.session.scalar(select(Shipment).where(Shipment.order_id == order.id))
    assert shipment.code_failures == TRIES and shipment.locked_at is not None
    assert db.session.get(Order, order.id).status == "ready_for_pickup"
