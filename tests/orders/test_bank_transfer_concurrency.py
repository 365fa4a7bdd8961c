"""Bank transfers of one total checked out at once, with real parallel connections on PostgreSQL."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from orders.checkout.services import AddressInput, CheckoutRequest, place_checkout
from orders.core.payments import Payment
from shop.accounts.models import User
from shop.extensions import db
from tests.factories import BEKASI_ADDRESS, fill_cart, make_product, make_sentra, make_user

pytestmark = pytest.mark.postgres_only

BUYERS = 30
TOTAL = 45_000


def test_thirty_parallel_transfers_of_the_same_total_all_get_distinct_amounts(app):
    sentra = make_sentra()
    # One product each: the buyers share no stock row, so their checkouts really run side by side.
    variants = [make_product(sentra, variants=[{"price_idr": TOTAL, "stock": 5}]).variants[0]
                for _ in range(BUYERS)]
    buyers = [make_user(f"pembeli{i}@example.test") for i in range(BUYERS)]
    for buyer, variant in zip(buyers, variants, strict=True):
        fill_cart(buyer, [(variant, 1)])
    db.session.commit()
    buyer_ids, slug = [b.id for b in buyers], sentra.slug

    barrier = threading.Barrier(BUYERS)
    outcomes: list[int] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def check_out(buyer_id: int) -> None:
        with app.app_context():
            try:
                request = CheckoutRequest(f"key-{buyer_id}", "bank_transfer", AddressInput(**BEKASI_ADDRESS),
                                          {slug: "pickup"})
                barrier.wait(timeout=60)  # before any query: the pool has fewer connections than threads
                buyer = db.session.get(User, buyer_id)
                result = place_checkout(buyer, request, app.config)
                with lock:
                    outcomes.append(result.checkout.payment.amount_idr)
            except BaseException as error:  # reported in the main thread
                with lock:
                    errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=check_out, args=(buyer_id,)) for buyer_id in buyer_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    assert errors == []
    assert len(outcomes) == BUYERS and len(set(outcomes)) == BUYERS
    db.session.expire_all()
    payments = list(db.session.scalars(select(Payment)))
    assert len(payments) == BUYERS
    assert {p.amount_idr for p in payments} == set(outcomes)
    assert all(p.amount_idr == TOTAL + p.unique_code and 1 <= p.unique_code <= 999 for p in payments)
