"""Checkouts racing on PostgreSQL with real parallel connections: no oversell, one checkout per key."""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from catalog.products.models import StockMovement, Variant
from orders.checkout.errors import CheckoutError
from orders.checkout.services import AddressInput, CheckoutRequest, place_checkout
from orders.core.models import Checkout, Order, OrderLine
from shop.accounts.models import User
from shop.extensions import db
from tests.factories import BEKASI_ADDRESS, fill_cart, make_product, make_sentra, make_user

pytestmark = pytest.mark.postgres_only

MAX_PARALLEL = 50


def _variant(stock: int):
    sentra = make_sentra()
    variant = make_product(sentra, variants=[{"price_idr": 20_000, "stock": stock}]).variants[0]
    db.session.commit()
    return variant.id, sentra.slug


def _attempt(app, buyer_id: int, slug: str, key: str, barrier: threading.Barrier | None) -> str:
    with app.app_context():
        try:
            if barrier is not None:
                barrier.wait(timeout=60)
            buyer = db.session.get(User, buyer_id)
            request = CheckoutRequest(key, "pay_on_pickup", AddressInput(**BEKASI_ADDRESS), {slug: "pickup"})
            result = place_checkout(buyer, request, app.config)
            return "created" if result.created else "repeat"
        except CheckoutError as error:
            return error.code
        finally:
            db.session.remove()


def test_200_checkouts_for_a_variant_with_stock_10_sell_exactly_10(app):
    variant_id, slug = _variant(stock=10)
    variant = db.session.get(Variant, variant_id)
    buyers = [make_user() for _ in range(200)]
    for buyer in buyers:
        fill_cart(buyer, [(variant, 1)])
    db.session.commit()
    ids = [b.id for b in buyers]
    with ThreadPoolExecutor(max_workers=MAX_PARALLEL) as pool:
        outcomes = list(pool.map(lambda i: _attempt(app, i, slug, f"k-{i}", None), ids))
    db.session.expire_all()
    assert outcomes.count("created") == 10
    assert outcomes.count("insufficient_stock") == 190
    assert db.session.get(Variant, variant_id).stock == 0
    assert db.session.scalar(select(func.sum(OrderLine.quantity))) == 10
    assert db.session.scalar(select(func.sum(StockMovement.delta)).where(StockMovement.reason == "order")) == -10


def test_two_tabs_checking_out_one_cart_at_once_cannot_oversell(app):
    variant_id, slug = _variant(stock=10)
    buyer = make_user()
    fill_cart(buyer, [(db.session.get(Variant, variant_id), 6)])
    buyer_id = buyer.id
    db.session.commit()
    barrier = threading.Barrier(2)
    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = list(pool.map(lambda key: _attempt(app, buyer_id, slug, key, barrier), ["tab-1", "tab-2"]))
    db.session.expire_all()
    assert sorted(outcomes) == ["created", "insufficient_stock"]
    assert db.session.get(Variant, variant_id).stock == 4


def test_20_parallel_submits_with_one_key_make_one_checkout(app):
    variant_id, slug = _variant(stock=10)
    buyer = make_user()
    fill_cart(buyer, [(db.session.get(Variant, variant_id), 2)])
    buyer_id = buyer.id
    db.session.commit()
    barrier = threading.Barrier(20)
    with ThreadPoolExecutor(max_workers=20) as pool:
        outcomes = list(pool.map(lambda _: _attempt(app, buyer_id, slug, "one-key", barrier), range(20)))
    db.session.expire_all()
    assert outcomes.count("created") == 1
    assert outcomes.count("repeat") == 19
    assert db.session.scalar(select(func.count()).select_from(Checkout)) == 1
    assert db.session.scalar(select(func.count()).select_from(Order)) == 1
    assert db.session.get(Variant, variant_id).stock == 8


def test_buyers_taking_the_same_variants_in_different_cart_orders_neither_deadlock_nor_oversell(app):
    # Three variants over two sentras, each buyer's cart lists them in another order: whatever
    # the cart's order, every checkout locks them in one order, so none waits in a cycle.
    east, west = make_sentra(kelurahan_code="32.75.08.1001"), make_sentra(kelurahan_code="32.75.01.1001")
    variants = [make_product(sentra, variants=[{"sku": sku, "price_idr": 20_000, "stock": 12}]).variants[0]
                for sentra, sku in ((east, "E1"), (west, "W1"), (east, "E2"))]
    orders_of_lines = [(0, 1, 2), (2, 1, 0), (1, 0, 2), (2, 0, 1), (0, 2, 1), (1, 2, 0)]
    buyers = [make_user() for _ in range(MAX_PARALLEL)]
    for i, buyer in enumerate(buyers):
        fill_cart(buyer, [(variants[v], 1) for v in orders_of_lines[i % len(orders_of_lines)]])
    db.session.commit()
    slugs, ids = [east.slug, west.slug], [v.id for v in variants]
    barrier = threading.Barrier(len(buyers))

    def attempt(buyer_id: int) -> str:
        with app.app_context():
            try:
                barrier.wait(timeout=60)
                request = CheckoutRequest(f"k-{buyer_id}", "pay_on_pickup", AddressInput(**BEKASI_ADDRESS),
                                          {slug: "pickup" for slug in slugs})
                place_checkout(db.session.get(User, buyer_id), request, app.config)
                return "created"
            except CheckoutError as error:
                return error.code
            finally:
                db.session.remove()

    with ThreadPoolExecutor(max_workers=len(buyers)) as pool:  # a deadlock would raise here, not return
        outcomes = list(pool.map(attempt, [b.id for b in buyers]))
    db.session.expire_all()
    assert outcomes.count("created") == 12
    assert outcomes.count("insufficient_stock") == len(buyers) - 12
    for variant_id in ids:
        assert db.session.get(Variant, variant_id).stock == 0
        assert db.session.scalar(select(func.sum(OrderLine.quantity)).where(OrderLine.variant_id == variant_id)) == 12
        assert db.session.scalar(select(func.sum(StockMovement.delta)).where(
            StockMovement.variant_id == variant_id, StockMovement.reason == "order")) == -12
