"""Reviews racing on one line and on one sentra, with real parallel connections on PostgreSQL."""
from __future__ import annotations

import threading
from collections.abc import Callable

import pytest

from catalog.products.models import Product
from catalog.reviews.models import Review
from catalog.reviews.services import DuplicateReviewError, create_review
from shop.accounts.models import User
from shop.extensions import db
from shop.sentras.models import Sentra
from tests.catalog.reviews_helpers import delivered_order
from tests.factories import make_product, make_sentra, make_user

pytestmark = pytest.mark.postgres_only


def _race(app, jobs: list[Callable[[], None]]) -> list[str]:
    """Run each job in its own thread and app context at once; returns "ok" or "duplicate" per job."""
    barrier = threading.Barrier(len(jobs))
    outcomes: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def run(job: Callable[[], None]) -> None:
        with app.app_context():
            try:
                barrier.wait(timeout=30)
                try:
                    job()
                    db.session.commit()
                    outcome = "ok"
                except DuplicateReviewError:
                    db.session.rollback()
                    outcome = "duplicate"
                with lock:
                    outcomes.append(outcome)
            except BaseException as error:  # reported in the main thread
                with lock:
                    errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)
    assert not any(t.is_alive() for t in threads)
    assert errors == []
    return outcomes


def _job(line_id: int, product_id: int, sentra_id: int, author_id: int, rating: int) -> Callable[[], None]:
    def job() -> None:
        create_review(line_id, product_id, sentra_id, db.session.get(User, author_id), rating, "")
    return job


def test_ten_submits_of_one_line_make_one_review(app):
    sentra = make_sentra()
    product = make_product(sentra, variants=[{"sku": "A-1", "stock": 5}])
    order = delivered_order(make_user(), product.variants[0])
    line_id, product_id, sentra_id, buyer_id = order.lines[0].id, product.id, sentra.id, order.buyer_id
    outcomes = _race(app, [_job(line_id, product_id, sentra_id, buyer_id, 5) for _ in range(10)])
    assert sorted(outcomes) == ["duplicate"] * 9 + ["ok"]
    db.session.expire_all()
    assert db.session.query(Review).count() == 1
    assert db.session.get(Product, product_id).rating_count == 1


def test_reviews_of_one_sentras_products_committing_together_are_all_counted(app):
    sentra = make_sentra()
    products = [make_product(sentra, variants=[{"sku": f"P-{i}", "stock": 5}]) for i in range(4)]
    jobs = []
    for i, product in enumerate(products * 3):
        order = delivered_order(make_user(), product.variants[0])
        jobs.append(_job(order.lines[0].id, product.id, sentra.id, order.buyer_id, 1 + i % 5))
    sentra_id, product_ids = sentra.id, [p.id for p in products]
    outcomes = _race(app, jobs)
    assert outcomes == ["ok"] * 12
    db.session.expire_all()
    assert db.session.get(Sentra, sentra_id).rating_count == 12
    assert [db.session.get(Product, pid).rating_count for pid in product_ids] == [3, 3, 3, 3]
