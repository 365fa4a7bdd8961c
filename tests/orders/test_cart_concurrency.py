"""Requests racing on one buyer's cart, with real parallel connections on PostgreSQL."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from catalog.pricing import RETAIL
from orders.cart import errors as cart_errors
from orders.cart import services
from orders.cart.models import Cart, CartLine
from shop.accounts.models import User
from shop.extensions import db
from tests.factories import make_user
from tests.orders.cart_helpers import stocked_product, variant_of

pytestmark = pytest.mark.postgres_only

REQUESTS = 20


def _race(app, work) -> list[BaseException]:
    barrier = threading.Barrier(REQUESTS)
    errors: list[BaseException] = []
    lock = threading.Lock()

    def run() -> None:
        with app.app_context():
            try:
                barrier.wait(timeout=30)
                work()
                db.session.commit()
            except BaseException as error:  # reported in the main thread
                db.session.rollback()
                with lock:
                    errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(REQUESTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)
    assert not any(t.is_alive() for t in threads)
    return errors


def test_parallel_adds_to_a_new_cart_make_one_cart_and_one_line_holding_every_unit(app):
    buyer_id = make_user().id
    variant_id = variant_of(stocked_product(stock=100)).id
    db.session.commit()

    def add_one() -> None:
        cart = services.cart_for_user(db.session.get(User, buyer_id), create=True)
        services.add_item(cart, variant_id, 1, RETAIL)

    assert _race(app, add_one) == []
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Cart)) == 1
    assert db.session.scalars(select(CartLine.quantity)).all() == [REQUESTS]


def test_parallel_adds_beyond_the_stock_leave_the_line_within_it(app):
    buyer_id = make_user().id
    variant_id = variant_of(stocked_product(stock=7)).id
    db.session.commit()

    def add_one() -> None:
        cart = services.cart_for_user(db.session.get(User, buyer_id), create=True)
        services.add_item(cart, variant_id, 1, RETAIL)

    errors = _race(app, add_one)
    assert len(errors) == REQUESTS - 7
    assert all(isinstance(error, cart_errors.InsufficientStockError) for error in errors)
    db.session.expire_all()
    assert db.session.scalars(select(CartLine.quantity)).all() == [7]
