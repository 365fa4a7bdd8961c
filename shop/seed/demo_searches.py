"""Demo searches for the potential map (issue 22): some residents of a few kelurahan looked for what no
demo sentra makes, so the office's map and a sentra's "Peluang" show something on a fresh demo.

Deterministic (a fixed seed), spread over the last 60 days, made only as guests who chose a kelurahan
(keyed hashes of ``s:demo-<n>``, as the site makes them), then rolled up as the worker would. Idempotent:
nothing is added when the first demo searcher is in the log already.
"""
from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy import select

from catalog.search.log import SearchLog, searcher_hash
from orders.potential.rollup import refresh_orders, roll_up_searches
from shop.db import WIB
from shop.extensions import db

# kelurahan -> terms its residents could not find (each searched by 5 to 9 people)
UNMET = {
    "32.75.08.1001": ("tenun ikat", "wayang golek", "kopi arabika"),  # Jatiwaringin
    "32.75.01.1001": ("tas rotan", "tenun ikat"),  # Bekasijaya
    "32.75.04.1001": ("batik betawi", "lilin aromaterapi"),  # Pekayonjaya
    "32.75.12.1003": ("sepatu kulit", "wayang golek"),
}
FOUND = ("tas", "keripik", "batik", "kaos", "kue")


def seed_searches() -> int:
    """Log the demo searches and roll them up. Flushes; returns how many searches were logged."""
    first = searcher_hash("s:demo-0")
    if db.session.scalar(select(SearchLog.id).where(SearchLog.searcher == first).limit(1)) is not None:
        return 0
    rng = random.Random(22)
    today = datetime.now(WIB).date()
    rows, person = [], 0
    for kelurahan, terms in UNMET.items():
        for term in terms:
            for _ in range(rng.randint(5, 9)):
                who = searcher_hash(f"s:demo-{person}")
                person += 1
                day = today - timedelta(days=rng.randint(1, 60))
                rows.append(SearchLog(day=day, term=term, results=0, filtered=False, kelurahan_code=kelurahan,
                                      searcher=who, rolled_up=False))
                rows.append(SearchLog(day=day, term=rng.choice(FOUND), results=rng.randint(3, 40), filtered=False,
                                      kelurahan_code=kelurahan, searcher=who, rolled_up=False))
    db.session.add_all(rows)
    db.session.flush()
    while roll_up_searches():
        pass
    while refresh_orders():
        pass
    return len(rows)
