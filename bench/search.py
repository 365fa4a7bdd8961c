"""Search speed of the ``sql`` backend on SQLite: 100,000 products over the 56 sentras.

Generates the catalogue (:mod:`bench.catalogue`, Core inserts) into a fresh temporary database,
builds the index (timed), then runs each query kind many times, in process and through
``GET /api/v1/search`` (Flask test client), and prints the median and p95 latency.
The target for text queries is a p95 under 20 ms in process and under 50 ms through the
endpoint; the filter-only browse with facet counts is best effort, reported as measured.
"""
from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path

PRODUCTS = 100_000
RUNS = 60


def _measure(label: str, run) -> None:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    p95 = times[int(len(times) * 0.95) - 1]
    print(f"{label:<44} median {statistics.median(times):7.2f} ms   p95 {p95:7.2f} ms")


def main() -> None:
    from sqlalchemy import func, select

    import catalog.search as search_api
    from bench.catalogue import build_search_index, generate_catalogue
    from catalog.search.models import SearchDocument
    from catalog.search.types import SearchQuery
    from shop import create_app
    from shop.extensions import db
    from shop.places.services import seed_places

    # BENCH_SEARCH_DB=path keeps the generated database between runs (for tuning): an existing
    # file is reused as it is, without generating or rebuilding.
    kept = os.environ.get("BENCH_SEARCH_DB")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(kept) if kept else Path(folder) / "search.db"
        reuse = path.exists()
        url = f"sqlite:///{path}"
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "TESTING": True,
                          "SEARCH_BACKEND": "sql"})
        with app.app_context():
            if not reuse:
                db.create_all()
                seed_places()
                db.session.commit()
                start = time.perf_counter()
                generate_catalogue(PRODUCTS)
                print(f"generate {PRODUCTS:,} products (Core inserts)   {time.perf_counter() - start:7.2f} s")
                start = time.perf_counter()
                documents = build_search_index()
                print(f"build the sql index ({documents:,} documents)   {time.perf_counter() - start:7.2f} s")
                assert db.session.scalar(select(func.count()).select_from(SearchDocument)) == documents

            def query(**kwargs):
                return lambda: (search_api.search(SearchQuery(**kwargs)), db.session.rollback())

            search_api.search(SearchQuery(text="warmup"))  # builds the vocabulary once
            print(f"(sqlite, in process, {RUNS} runs each)")
            _measure("one word: 'anyaman'", query(text="anyaman"))
            _measure("one rare word: 'tenun etnik 4242'", query(text="tenun etnik 4242"))
            _measure("two words: 'batik cantik'", query(text="batik cantik"))
            _measure("a typo: 'anyamn'", query(text="anyamn"))
            _measure("text + two filters + facets", query(text="keripik", subsector=("kuliner",),
                                                          kecamatan=("32.75.08",)))
            _measure("filter-only browse + facets (best effort)", query(subsector=("kriya",), in_stock=True))
            _measure("browse everything + facets (best effort)", query())

        if "api.search_products" not in {rule.endpoint for rule in app.url_map.iter_rules()}:
            print("(GET /api/v1/search is not registered: endpoint timings skipped)")
            return
        client = app.test_client()

        def endpoint(params: str):
            def run():
                response = client.get(f"/api/v1/search?{params}")
                assert response.status_code == 200, response.status_code
            return run

        endpoint("q=warmup")()
        print(f"(sqlite, through GET /api/v1/search with the Flask test client, {RUNS} runs each)")
        _measure("one word: 'anyaman'", endpoint("q=anyaman"))
        _measure("two words: 'batik cantik'", endpoint("q=batik+cantik"))
        _measure("a typo: 'anyamn'", endpoint("q=anyamn"))
        _measure("text + two filters + facets", endpoint("q=keripik&subsector=kuliner&kecamatan=32.75.08"))
        _measure("filter-only browse + facets (best effort)", endpoint("subsector=kriya&in_stock=1"))


if __name__ == "__main__":
    main()
