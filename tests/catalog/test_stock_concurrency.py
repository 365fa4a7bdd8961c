"""Reservations racing on one variant, with real parallel connections on PostgreSQL."""
from __future__ import annotations

import random
import threading

import pytest
from sqlalchemy import func, select

from catalog import stock
from catalog.products.models import StockMovement, Variant
from catalog.stock import InsufficientStockError, Line
from shop.extensions import db
from tests.factories import make_product, make_sentra

pytestmark = pytest.mark.postgres_only

BUYERS = 40  # the app's pool opens at most 15 connections at once; the rest queue for one
STOCK = 10


def _committed_variants(*stocks: int) -> list[int]:
    sentra = make_sentra()
    variants = [
        {"sku": f"V{i}", "options": f"Ukuran={i}", "stock": count} for i, count in enumerate(stocks)
    ]
    product = make_product(sentra, variants=variants)
    ids = [v.id for v in product.variants]
    db.session.commit()
    return ids


def _race(app, quantities: list[int], variant_id: int) -> list[int]:
    """Each quantity is reserved by its own thread; returns the quantities handed out."""
    barrier = threading.Barrier(len(quantities))
    handed_out: list[int] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def buy(quantity: int) -> None:
        with app.app_context():
            try:
                barrier.wait(timeout=30)
                try:
                    stock.reserve(variant_id, quantity, order_id=quantity)
                    db.session.commit()
                    with lock:
                        handed_out.append(quantity)
                except InsufficientStockError:
                    db.session.rollback()
            except BaseException as error:  # reported in the main thread
                with lock:
                    errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=buy, args=(q,)) for q in quantities]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)
    assert not any(t.is_alive() for t in threads)
    assert errors == []
    return handed_out


def _stock_and_ledger(variant_id: int) -> tuple[int, int]:
    db.session.expire_all()
    current = db.session.scalar(select(Variant.stock).where(Variant.id == variant_id))
    ledger = db.session.scalar(
        select(func.sum(StockMovement.delta)).where(StockMovement.variant_id == variant_id)
    )
    return current, ledger


def test_forty_buyers_of_one_unit_each_never_get_more_than_the_stock(app):
    (variant_id,) = _committed_variants(STOCK)

    handed_out = _race(app, [1] * BUYERS, variant_id)

    assert sum(handed_out) == STOCK  # every unit sold, none twice
    assert _stock_and_ledger(variant_id) == (0, 0)


def test_buyers_of_random_quantities_never_get_more_than_the_stock(app):
    (variant_id,) = _committed_variants(STOCK)
    quantities = [random.Random(seed).randint(1, 3) for seed in range(BUYERS)]

    handed_out = _race(app, quantities, variant_id)

    assert 0 < sum(handed_out) <= STOCK
    assert _stock_and_ledger(variant_id) == (STOCK - sum(handed_out), STOCK - sum(handed_out))
    assert STOCK - sum(handed_out) < 3  # someone would have taken what was left otherwise
    assert db.session.scalar(
        select(func.count(StockMovement.id)).where(StockMovement.variant_id == variant_id, StockMovement.delta < 0)
    ) == len(handed_out)


def test_two_checkouts_taking_the_same_variants_in_opposite_order_do_not_deadlock(app):
    a, b = _committed_variants(1000, 1000)
    rounds = 40
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def checkout(lines: list[Line]) -> None:
        with app.app_context():
            try:
                barrier.wait(timeout=30)
                for _ in range(rounds):
                    stock.reserve_many(lines)
                    db.session.commit()
            except BaseException as error:  # a deadlock shows up here
                errors.append(error)
                db.session.rollback()
            finally:
                db.session.remove()

    threads = [
        threading.Thread(target=checkout, args=([Line(a, 1), Line(b, 1)],)),
        threading.Thread(target=checkout, args=([Line(b, 1), Line(a, 1)],)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)

    assert not any(t.is_alive() for t in threads)
    assert errors == []
    assert _stock_and_ledger(a) == (1000 - 2 * rounds, 1000 - 2 * rounds)
    assert _stock_and_ledger(b) == (1000 - 2 * rounds, 1000 - 2 * rounds)


def test_committed_reservations_listing_the_same_variants_in_any_order_do_not_deadlock(app):
    ids = _committed_variants(1000, 1000, 1000, 1000)
    workers, rounds = 12, 15
    errors: list[BaseException] = []
    barrier = threading.Barrier(workers)

    def checkout(seed: int) -> None:
        shuffled = random.Random(seed)
        with app.app_context():
            try:
                barrier.wait(timeout=30)
                for order_id in range(rounds):
                    lines = [(vid, 1, order_id) for vid in shuffled.sample(ids, len(ids))]
                    stock.reserve_lines(lines, commit=True)
            except BaseException as error:  # a deadlock shows up here
                errors.append(error)
                db.session.rollback()
            finally:
                db.session.remove()

    threads = [threading.Thread(target=checkout, args=(seed,)) for seed in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)

    assert not any(t.is_alive() for t in threads)
    assert errors == []
    for variant_id in ids:
        assert _stock_and_ledger(variant_id) == (1000 - workers * rounds, 1000 - workers * rounds)
