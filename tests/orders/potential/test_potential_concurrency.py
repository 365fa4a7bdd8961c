"""Workers running the potential rollups at once (PostgreSQL, real parallel connections): every log row
and every order day is counted exactly once, and no run fails."""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from catalog.search.log import SearchLog
from orders.potential.models import OrderDay, SearcherDay, UnmetDay
from orders.potential.rollup import refresh_orders, roll_up_searches
from shop.extensions import db
from tests.factories import make_product, make_sentra, make_user
from tests.orders.potential.helpers import CITY, KEL_A, KEL_C, log, place_order, wib

PARALLEL = 6


def _work_in_thread(app, barrier: threading.Barrier) -> str:
    with app.app_context():
        try:
            db.session.execute(select(SearchLog.id).limit(1)).all()  # the connection is open before the race
            barrier.wait(timeout=60)
            while roll_up_searches(size=50):
                db.session.commit()
            while refresh_orders(batch=2):
                db.session.commit()
            db.session.commit()
            return "ok"
        finally:
            db.session.remove()


@pytest.mark.postgres_only
def test_parallel_workers_count_each_search_and_order_once(app):
    start = date(2025, 3, 1)
    for n in range(400):
        log(start + timedelta(days=n % 20), f"kata {n % 7}", f"s{n % 37}", KEL_A if n % 3 else None,
            results=0 if n % 2 else 4)
    buyer = make_user()
    buyer.kelurahan_code = KEL_A
    a, c = make_sentra(KEL_A), make_sentra(KEL_C)
    bag = make_product(c, title="Tas Anyaman")
    for n in range(30):
        place_order(a if n % 2 else c, buyer, wib(2025, 3, 1 + n % 20, 10), [(bag, "Tas Anyaman")])
    db.session.commit()
    barrier = threading.Barrier(PARALLEL)
    with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        outcomes = list(pool.map(lambda _: _work_in_thread(app, barrier), range(PARALLEL)))
    assert outcomes == ["ok"] * PARALLEL
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(SearchLog).where(SearchLog.rolled_up.is_(False))) == 0
    assert db.session.scalar(select(func.sum(SearcherDay.searches)).where(SearcherDay.place == CITY)) == 400
    assert db.session.scalar(select(func.sum(UnmetDay.searches)).where(UnmetDay.place == CITY)) == 200
    assert db.session.scalar(select(func.sum(OrderDay.orders))) == 30
