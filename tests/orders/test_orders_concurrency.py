"""Parallel cancels of one order, with real connections on PostgreSQL: the stock comes back once."""
from __future__ import annotations

import threading

import pytest
from flask import current_app
from sqlalchemy import func, select

from catalog.products.models import StockMovement, StockReason, Variant
from orders import services
from orders.core.errors import NotAllowedError
from orders.core.models import Order, OrderEvent
from orders.core.payments import Refund
from shop.accounts.models import User
from shop.extensions import db
from shop.outbox.models import OutboxJob
from tests.orders.orders_helpers import a_sentra, make_user, paid_transfer_order, placed_order

pytestmark = pytest.mark.postgres_only

CANCELS = 10


def _cancel_in_parallel(app, order_id: int, user_id: int, by_sentra: bool) -> tuple[int, list[BaseException]]:
    barrier = threading.Barrier(CANCELS)
    done: list[int] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def cancel() -> None:
        with app.app_context():
            try:
                barrier.wait(timeout=30)
                order = db.session.get(Order, order_id)
                user = db.session.get(User, user_id)
                try:
                    if by_sentra:
                        services.cancel_by_sentra(order, user, "dibatalkan sentra", current_app.config)
                    else:
                        services.cancel_by_buyer(order, user, None, current_app.config)
                    db.session.commit()
                    with lock:
                        done.append(1)
                except (NotAllowedError, services.InvalidTransitionError):
                    db.session.rollback()
            except BaseException as error:  # reported in the main thread
                with lock:
                    errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=cancel) for _ in range(CANCELS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return len(done), errors


def _cancel_movements(order_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(StockMovement).where(
        StockMovement.order_id == order_id, StockMovement.reason == StockReason.CANCEL))


def test_ten_parallel_buyer_cancels_of_a_placed_order_give_the_stock_back_once(app):
    _, _, variant = a_sentra(stock=10)
    buyer = make_user()
    order = placed_order(buyer, variant, 4)
    order_id, buyer_id, variant_id = order.id, buyer.id, variant.id
    db.session.commit()
    cancelled, errors = _cancel_in_parallel(app, order_id, buyer_id, by_sentra=False)
    assert errors == []
    assert cancelled == 1
    db.session.expire_all()
    assert db.session.get(Variant, variant_id).stock == 10
    assert _cancel_movements(order_id) == 1
    assert db.session.scalar(select(func.count()).select_from(OrderEvent).where(
        OrderEvent.order_id == order_id, OrderEvent.to_status == "cancelled", OrderEvent.kind == "status")) == 1
    assert db.session.scalar(select(func.count()).select_from(OutboxJob).where(
        OutboxJob.kind == "order.cancelled")) == 1


def test_ten_parallel_sentra_cancels_of_a_paid_order_refund_and_restock_once(app):
    _, owner, variant = a_sentra(stock=10)
    order = paid_transfer_order(make_user(), variant, 3)
    order_id, owner_id, variant_id = order.id, owner.id, variant.id
    cancelled, errors = _cancel_in_parallel(app, order_id, owner_id, by_sentra=True)
    assert errors == []
    assert cancelled == 1
    db.session.expire_all()
    assert db.session.get(Variant, variant_id).stock == 10
    assert _cancel_movements(order_id) == 1
    assert db.session.scalar(select(func.count()).select_from(Refund).where(Refund.order_id == order_id)) == 1
