"""The page bench's own parts: reading wrk's output and the generated catalogue (wrk itself is not run)."""
from __future__ import annotations

import pytest

from bench import pages

WRK_OUTPUT = """\
Running 10s test @ http://127.0.0.1:5202/sentra
  2 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    41.20ms   12.01ms 301.55ms   88.10%
    Req/Sec   194.35     30.21   250.00     71.00%
  Latency Distribution
     50%   38.92ms
     75%   44.10ms
     90%   52.77ms
     99%    1.25s
  3885 requests in 10.01s, 66.70MB read
Requests/sec:    388.12
Transfer/sec:      6.66MB
"""

WRK_WITH_ERRORS = """\
Running 2s test @ http://127.0.0.1:5202/p/1-x
  2 threads and 16 connections
  Latency Distribution
     50%  850.00us
     75%    1.10ms
     90%    1.40ms
     99%    2.00ms
  9000 requests in 2.00s, 1.20MB read
  Socket errors: connect 0, read 3, write 0, timeout 2
  Non-2xx or 3xx responses: 8990
Requests/sec:   4500.00
Transfer/sec:    600.00KB
"""


@pytest.mark.nodb
def test_wrk_output_gives_rate_and_latency_percentiles_in_milliseconds():
    result = pages.parse_wrk(WRK_OUTPUT)
    assert result.requests == 3885
    assert result.requests_per_second == pytest.approx(388.12)
    assert result.p50_ms == pytest.approx(38.92)
    assert result.p99_ms == pytest.approx(1250.0)
    assert result.failures is None


@pytest.mark.nodb
def test_wrk_run_with_error_answers_or_socket_errors_is_a_failure():
    result = pages.parse_wrk(WRK_WITH_ERRORS)
    assert result.p50_ms == pytest.approx(0.85)
    assert (result.bad_status, result.socket_errors) == (8990, 5)
    assert result.failures == "8990 non-2xx/3xx, 5 socket errors"


@pytest.mark.nodb
def test_output_without_latency_distribution_is_refused():
    without = "\n".join(line for line in WRK_OUTPUT.splitlines() if "%" not in line or "Req/Sec" in line)
    with pytest.raises(ValueError):
        pages.parse_wrk(without)


@pytest.mark.nodb
def test_budget_verdict_follows_the_cache_mode():
    assert pages._verdict("product", "on", 0.49).startswith("UNDER")
    assert pages._verdict("product", "off", 0.13).startswith("within")
    assert pages._verdict("category", "off", 0.04).startswith("UNDER")


@pytest.mark.nodb
def test_generated_catalogue_serves_every_measured_page(tmp_path):
    from sqlalchemy import func, select

    import catalog.search as search_api
    from catalog.products.models import Product, ProductImage, Variant
    from catalog.reviews.models import Review
    from catalog.search.types import SearchQuery
    from shop import create_app
    from shop.extensions import db
    from shop.sentras.models import Sentra

    url, paths = pages._prepare(tmp_path, 400)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "SEARCH_BACKEND": "sql"})
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Sentra).where(Sentra.status == "active")) == 56
        assert db.session.scalar(select(func.count()).select_from(Product)) == 400
        assert db.session.scalar(select(func.count()).select_from(Variant)) > 400
        assert db.session.scalar(select(func.count()).select_from(ProductImage)) > 0
        reviewed = db.session.execute(
            select(Product.rating_count, func.count(Review.id))
            .join(Review, Review.product_id == Product.id).group_by(Product.id)
        ).all()
        assert reviewed and all(count == reviews for count, reviews in reviewed)
        for word in ("keripik", "tas"):
            assert search_api.search(SearchQuery(text=word)).total > 0
        db.session.remove()
    client = app.test_client()
    assert set(paths) == set(pages.BUDGETS)
    for path in paths.values():
        assert client.get(path).status_code == 200, path


@pytest.mark.nodb
def test_the_potential_bench_builds_a_rollup_the_office_pages_read(tmp_path):
    from sqlalchemy import func, select

    from bench import potential
    from catalog.search.log import SearchLog
    from orders.potential.models import OrderDay, SearcherDay
    from shop.extensions import db

    app = potential._make_app(f"sqlite:///{tmp_path / 'potential.db'}")
    with app.app_context():
        took = potential.build(searches=3_000, orders_wanted=400)
        assert set(took) == {"generate and load", "search rollup", "order rollup"}
        assert db.session.scalar(select(func.count()).select_from(SearchLog)) == 3_000
        assert db.session.scalar(select(func.count()).select_from(SearchLog).where(SearchLog.rolled_up.is_(False))) == 0
        assert db.session.scalar(select(func.sum(SearcherDay.searches)).where(SearcherDay.place == "32.75")) == 3_000
        assert db.session.scalar(select(func.sum(OrderDay.orders))) > 0
        db.session.remove()
    client = app.test_client()
    assert client.post("/login", data={"email": potential.ADMIN_EMAIL,
                                       "password": potential.ADMIN_PASSWORD}).status_code == 302
    assert client.get("/admin/potensi").status_code == 200
    with app.app_context():
        db.engine.dispose()


@pytest.mark.nodb
def test_the_logging_cost_bench_measures_both_ways(tmp_path):
    from bench import potential

    cost = potential.logging_cost(f"sqlite:///{tmp_path / 'log.db'}", runs=3, products=5)
    assert all(off > 0 and on > 0 for off, on, _added in cost.client.values()) and len(cost.client) == 3
    assert cost.write[0] > 0 and min(cost.cpu) >= 0
    assert cost.rows[0] == cost.rows[1] > 0  # every search the logged server answered was written


CALLGRIND_DUMP = """\
# callgrind format
version: 1
creator: callgrind-3.19.0
cmd:  python -m bench.page_cost --worker instructions /tmp/x {}
part: 2

desc: Timerange: Basic block 622923 - 12320604
desc: Trigger: Client Request: search+facets

positions: line
events: Ir
summary: 53115473

fn=(1) main
1 53115473
totals: 53115473
"""


@pytest.mark.nodb
def test_callgrind_dumps_are_read_by_the_page_they_were_taken_after(tmp_path):
    from bench import page_cost

    (tmp_path / "callgrind.out.7.2").write_text(CALLGRIND_DUMP)
    (tmp_path / "callgrind.out.7").write_text(CALLGRIND_DUMP.replace("Client Request: search+facets",
                                                                     "Program termination"))
    assert page_cost.read_callgrind_dumps(tmp_path) == {"search+facets": 53115473}


@pytest.mark.nodb
def test_page_cost_counts_calls_per_request_of_every_page_through_gunicorns_worker():
    from bench import page_cost

    figures = page_cost.measure(products=300, instructions=False)
    calls = figures["calls"]
    assert set(calls) == {"hello", *pages.BUDGETS}
    assert "instructions" not in figures
    # hello is one WSGI function behind gunicorn's own code; every shop page does far more
    assert 0 < calls["hello"] < min(calls[name] for name in pages.BUDGETS)


@pytest.mark.nodb
def test_the_cli_start_up_is_timed_for_the_listing_and_for_a_command_that_queries(monkeypatch, capsys):
    monkeypatch.setattr(pages, "CLI_RUNS", 1)
    pages.report_cli_startup()  # a command that failed (no migrated database, say) would raise
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(":")[0] for line in lines] == ["flask --app shop --help", "flask --app shop expire-payments"]
    assert all("median of 1 runs" in line and " s wall, " in line for line in lines)


@pytest.mark.nodb
def test_the_checkout_bench_freezes_what_the_parent_built_before_forking_its_buyers():
    """Each buyer's collections then skip the inherited heap instead of copying it (bench.checkout)."""
    import gc

    from bench.checkout import freeze_before_fork

    kept = [object() for _ in range(3)]  # containers the parent holds when it forks
    holder = {"kept": kept}
    assert gc.is_tracked(holder)
    enabled = gc.isenabled()
    try:
        freeze_before_fork()
        assert gc.get_freeze_count() > 0
        assert not any(obj is holder for obj in gc.get_objects())  # out of every generation a collection walks
        assert gc.isenabled() == enabled  # the collector still runs for what the buyers make
    finally:
        gc.unfreeze()
