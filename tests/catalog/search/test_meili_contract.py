"""The Meilisearch adapter's HTTP contract, against pytest-httpserver (no server can be installed here).

What it sends (settings, documents, filter, sort and facet requests), how it reads the
answers (hits, facets, tasks) and how it fails (SearchUnavailableError, so search
answers from sql and the outbox keeps the work until the engine is back).
"""
from __future__ import annotations

import json
import socket
import time
from datetime import timedelta

import pytest
from sqlalchemy import select
from werkzeug import Response

from catalog.search import search
from catalog.search.errors import SearchUnavailableError
from catalog.search.meili import (
    MeiliBackend,
    filter_expression,
    mutual_synonyms,
    quote,
    search_health,
)
from catalog.search.types import SearchQuery, Sort
from shop.db import utcnow
from shop.extensions import db
from shop.outbox import services as outbox
from shop.outbox.models import OutboxJob
from tests.factories import make_product, make_sentra

ENQUEUED = "2026-11-28T00:00:00.000000Z"


def _task(uid: int, status: str = "enqueued", error: dict | None = None) -> dict:
    body = {"taskUid": uid, "uid": uid, "indexUid": "products", "status": status, "type": "documentAdditionOrUpdate",
            "enqueuedAt": ENQUEUED}
    if error:
        body["error"] = error
    return body


def _closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@pytest.fixture
def meili(app, httpserver, monkeypatch):
    """SEARCH_BACKEND=meilisearch against the stub server; every task succeeds unless a test says otherwise."""
    monkeypatch.setitem(app.config, "SEARCH_BACKEND", "meilisearch")
    monkeypatch.setitem(app.config, "MEILI_URL", httpserver.url_for("/").rstrip("/"))
    monkeypatch.setitem(app.config, "MEILI_API_KEY", "test-master-key")
    return httpserver


def _succeed_tasks(server) -> None:
    for uid in range(1, 10):
        server.expect_request(f"/tasks/{uid}", method="GET").respond_with_json(_task(uid, "succeeded"))


def _bodies(server, path: str, method: str = "POST") -> list:
    return [json.loads(req.get_data() or b"null") for req, _ in server.log
            if req.path == path and req.method == method]


def _backend(app) -> MeiliBackend:
    return MeiliBackend(app.config)


# Settings and tasks --------------------------------------------------------------------


def test_apply_settings_sends_attributes_typo_tolerance_and_mutual_synonyms(app, meili):
    meili.expect_request("/indexes/products/settings", method="PATCH").respond_with_json(_task(1), status=202)
    _succeed_tasks(meili)
    _backend(app).apply_settings()
    (body,) = _bodies(meili, "/indexes/products/settings", "PATCH")
    assert body["searchableAttributes"][0] == "title"
    assert body["searchableAttributes"][-1] == "description"
    assert {"kelurahan_alias", "kecamatan_alias", "sentra_name", "subsector_name"} <= set(body["searchableAttributes"])
    assert set(body["filterableAttributes"]) == {
        "subsector", "kecamatan", "kelurahan", "sentra", "price_min_idr", "in_stock", "made_to_order"}
    assert set(body["sortableAttributes"]) == {"price_min_idr", "created_at", "rating", "in_stock_rank"}
    assert body["rankingRules"][:2] == ["sort", "words"]  # a sort (in stock first by default) before relevance
    assert body["typoTolerance"] == {"enabled": True, "minWordSizeForTypos": {"oneTypo": 5, "twoTypos": 9}}
    assert body["synonyms"]["kripik"] == ["keripik"]
    assert body["synonyms"]["keripik"] == ["kripik"]
    assert set(body["synonyms"]["kaos"]) == {"kaus", "t shirt"}


def test_the_api_key_is_sent_as_a_bearer_token(app, meili):
    meili.expect_request("/indexes/products/settings", method="PATCH",
                         headers={"Authorization": "Bearer test-master-key"}).respond_with_json(_task(1), status=202)
    _succeed_tasks(meili)
    _backend(app).apply_settings()


def test_tasks_are_polled_until_they_succeed(app, meili):
    meili.expect_request("/indexes/products/settings", method="PATCH").respond_with_json(_task(1), status=202)
    meili.expect_oneshot_request("/tasks/1").respond_with_json(_task(1, "enqueued"))
    meili.expect_oneshot_request("/tasks/1").respond_with_json(_task(1, "processing"))
    meili.expect_request("/tasks/1").respond_with_json(_task(1, "succeeded"))
    _backend(app).apply_settings()
    assert len([req for req, _ in meili.log if req.path == "/tasks/1"]) == 3


def test_a_failed_task_raises_search_unavailable_with_its_message(app, meili):
    meili.expect_request("/indexes/products/settings", method="PATCH").respond_with_json(_task(1), status=202)
    meili.expect_request("/tasks/1").respond_with_json(
        _task(1, "failed", {"code": "invalid_settings_ranking_rules", "message": "bad rule"}))
    with pytest.raises(SearchUnavailableError, match="bad rule"):
        _backend(app).apply_settings()


@pytest.mark.nodb
def test_synonym_groups_become_a_mutual_mapping():
    assert mutual_synonyms([["tas", "bag"], ["tas", "totebag"], ["batik"]]) == {
        "tas": ["bag", "totebag"], "bag": ["tas"], "totebag": ["tas"]}


# Documents -----------------------------------------------------------------------------


def _public_product():
    sentra = make_sentra("32.75.08.1001")
    product = make_product(sentra, title="Tas Anyaman Pandan", description="Anyaman tangan",
                           variants=[{"price_idr": 75_000, "stock": 3, "options": "Ukuran=S"},
                                     {"price_idr": 90_000, "stock": 0, "options": "Ukuran=L"}])
    db.session.commit()
    return sentra, product


def _jobs(kind: str = "search.sync") -> list[OutboxJob]:
    db.session.expire_all()
    return list(db.session.scalars(select(OutboxJob).where(OutboxJob.kind == kind).order_by(OutboxJob.id)))


def test_a_product_change_queues_a_sync_job_in_the_same_transaction(meili):
    _, product = _public_product()
    jobs = _jobs()
    assert jobs and product.id in jobs[-1].payload["product_ids"]


def test_no_sync_job_is_queued_with_the_sql_backend():
    _public_product()
    assert _jobs() == []


def test_the_sync_job_upserts_the_flat_document_of_a_public_product(meili):
    sentra, product = _public_product()
    meili.expect_request("/indexes/products/documents", method="POST").respond_with_json(_task(1), status=202)
    _succeed_tasks(meili)
    outbox.drain()
    bodies = _bodies(meili, "/indexes/products/documents")
    assert bodies, "no documents were sent"
    (doc,) = bodies[-1]
    assert doc["id"] == product.id
    assert (doc["title"], doc["sentra"], doc["kelurahan"], doc["kecamatan"]) == (
        "Tas Anyaman Pandan", sentra.slug, "32.75.08.1001", "32.75.08")
    assert (doc["price_min_idr"], doc["price_max_idr"], doc["in_stock"], doc["made_to_order"]) == (
        75_000, 90_000, True, False)
    assert {"subsector", "subsector_name", "sentra_name", "kelurahan_name", "kelurahan_alias", "kecamatan_name",
            "kecamatan_alias", "description", "created_at", "rating", "slug"} <= set(doc)
    assert all(job.done_at is not None for job in _jobs())
    primary_keys = {req.args.get("primaryKey") for req, _ in meili.log if req.path == "/indexes/products/documents"}
    assert primary_keys == {"id"}


def test_the_sync_job_deletes_a_product_that_is_no_longer_public(meili):
    outbox.enqueue("search.sync", {"product_ids": [424242]})
    db.session.commit()
    meili.expect_request("/indexes/products/documents/delete-batch", method="POST").respond_with_json(
        _task(1), status=202)
    _succeed_tasks(meili)
    outbox.drain()
    assert _bodies(meili, "/indexes/products/documents/delete-batch") == [["424242"]]
    assert _jobs()[0].done_at is not None


def test_missed_updates_are_delivered_when_meilisearch_is_back(meili):
    _, product = _public_product()
    meili.expect_request("/indexes/products/documents", method="POST").respond_with_data(
        "unavailable", status=503)
    assert outbox.drain() == 1
    (job,) = _jobs()
    assert (job.done_at, job.attempts) == (None, 1)
    assert "unavailable" in job.last_error
    assert job.run_after > utcnow()

    meili.clear()
    meili.expect_request("/indexes/products/documents", method="POST").respond_with_json(_task(1), status=202)
    _succeed_tasks(meili)
    job.run_after = utcnow() - timedelta(seconds=1)  # the backoff has passed
    db.session.commit()
    assert outbox.drain() == 1
    (job,) = _jobs()
    assert job.done_at is not None and job.attempts == 2
    assert [doc["id"] for doc in _bodies(meili, "/indexes/products/documents")[-1]] == [product.id]


def test_a_synonym_settings_job_applies_the_settings(meili):
    outbox.enqueue("search.settings", {})
    db.session.commit()
    meili.expect_request("/indexes/products/settings", method="PATCH").respond_with_json(_task(1), status=202)
    _succeed_tasks(meili)
    outbox.drain()
    assert len(_bodies(meili, "/indexes/products/settings", "PATCH")) == 1
    assert _jobs("search.settings")[0].done_at is not None


# Search --------------------------------------------------------------------------------

COMPLEX = SearchQuery(
    text="tas anyaman", subsector=("kriya", "kuliner"), kecamatan=("32.75.08",), min_price=10_000,
    max_price=100_000, in_stock=True, made_to_order=False, sort=Sort.PRICE_ASC, page=2, per_page=5,
)


def _multi_search_answer(hits: list[dict]) -> dict:
    return {"results": [
        {"indexUid": "products", "hits": hits, "query": "tas anyaman", "page": 2, "hitsPerPage": 5, "totalPages": 2,
         "totalHits": 6, "facetDistribution": {"sentra": {"anyaman-jatiasih": 6}}},
        {"indexUid": "products", "hits": [], "estimatedTotalHits": 9,
         "facetDistribution": {"subsector": {"kriya": 6, "kuliner": 2, "fesyen": 1}}},
        {"indexUid": "products", "hits": [], "estimatedTotalHits": 8,
         "facetDistribution": {"kecamatan": {"32.75.08": 6, "32.75.01": 2}}},
    ]}


HIT = {"id": 7, "title": "Tas Anyaman", "slug": "tas-anyaman", "sentra": "anyaman-jatiasih",
       "sentra_name": "Sentra Anyaman", "kelurahan": "32.75.08.1001", "kelurahan_name": "Jatiasih",
       "kecamatan": "32.75.08", "kecamatan_name": "Jatiasih", "subsector": "kriya", "price_min_idr": 75_000,
       "price_max_idr": 90_000, "in_stock": True, "made_to_order": False, "thumb_key": "p/7/320.webp"}


def test_a_complex_query_sends_filter_sort_page_and_one_facet_query_per_filtered_facet(app, meili):
    meili.expect_request("/multi-search", method="POST").respond_with_json(_multi_search_answer([HIT]))
    _backend(app).search(COMPLEX)
    (body,) = _bodies(meili, "/multi-search")
    main, by_subsector, by_kecamatan = body["queries"]
    assert main["filter"] == (
        'subsector IN ["kriya", "kuliner"] AND kecamatan IN ["32.75.08"] AND price_min_idr >= 10000 '
        "AND price_min_idr <= 100000 AND in_stock = true AND made_to_order = false"
    )
    assert (main["q"], main["sort"], main["page"], main["hitsPerPage"], main["facets"]) == (
        "tas anyaman", ["price_min_idr:asc"], 2, 5, ["sentra"])
    assert by_subsector["facets"] == ["subsector"] and by_subsector["limit"] == 0
    assert "subsector" not in by_subsector["filter"] and 'kecamatan IN ["32.75.08"]' in by_subsector["filter"]
    assert by_kecamatan["facets"] == ["kecamatan"]
    assert "kecamatan" not in by_kecamatan["filter"] and 'subsector IN ["kriya", "kuliner"]' in by_kecamatan["filter"]
    assert all(q["indexUid"] == "products" for q in body["queries"])


def test_hits_total_and_facets_are_read_back(app, meili):
    meili.expect_request("/multi-search", method="POST").respond_with_json(_multi_search_answer([HIT]))
    result = _backend(app).search(COMPLEX)
    (hit,) = result.hits
    assert (hit.product_id, hit.sentra_slug, hit.kecamatan_code, hit.price_min_idr, hit.thumb_key) == (
        7, "anyaman-jatiasih", "32.75.08", 75_000, "p/7/320.webp")
    assert (result.total, result.page, result.per_page, result.backend) == (6, 2, 5, "meilisearch")
    assert [(f.value, f.count) for f in result.facets["subsector"]] == [("kriya", 6), ("kuliner", 2), ("fesyen", 1)]
    assert result.facets["kecamatan"][0].label == "Pondokgede"  # 32.75.08, named from the database
    assert [(f.value, f.count) for f in result.facets["sentra"]] == [("anyaman-jatiasih", 6)]


@pytest.mark.parametrize(("sort", "expected"), [
    (Sort.PRICE_DESC, ["price_min_idr:desc"]), (Sort.NEWEST, ["created_at:desc"]), (Sort.RATING, ["rating:desc"]),
])
def test_sorts_become_meilisearch_sort_expressions(app, meili, sort, expected):
    meili.expect_request("/multi-search", method="POST").respond_with_json({"results": [{"hits": [], "totalHits": 0}]})
    _backend(app).search(SearchQuery(text="tas", sort=sort))
    assert _bodies(meili, "/multi-search")[0]["queries"][0]["sort"] == expected


def test_relevance_with_words_sorts_in_stock_first_and_sends_no_filter(app, meili):
    meili.expect_request("/multi-search", method="POST").respond_with_json({"results": [{"hits": [], "totalHits": 0}]})
    _backend(app).search(SearchQuery(text="tas"))
    main = _bodies(meili, "/multi-search")[0]["queries"][0]
    assert main["sort"] == ["in_stock_rank:desc"]  # then relevance: the ranking rules after "sort"
    assert "filter" not in main
    assert main["facets"] == ["subsector", "kecamatan", "sentra"]


def test_a_browse_without_words_sorts_in_stock_then_newest_first(app, meili):
    meili.expect_request("/multi-search", method="POST").respond_with_json({"results": [{"hits": [], "totalHits": 0}]})
    _backend(app).search(SearchQuery(max_price=100_000))
    main = _bodies(meili, "/multi-search")[0]["queries"][0]
    assert main["sort"] == ["in_stock_rank:desc", "created_at:desc"]


def test_a_chosen_sort_is_sent_alone(app, meili):
    meili.expect_request("/multi-search", method="POST").respond_with_json({"results": [{"hits": [], "totalHits": 0}]})
    _backend(app).search(SearchQuery(text="tas", sort=Sort.PRICE_ASC))
    assert _bodies(meili, "/multi-search")[0]["queries"][0]["sort"] == ["price_min_idr:asc"]


def test_documents_carry_a_sortable_in_stock_rank(app):
    from catalog.search.documents import build_documents
    sentra = make_sentra()
    sold_out = make_product(sentra, title="Tas Habis", variants=[{"price_idr": 10_000, "stock": 0}])
    to_order = make_product(sentra, title="Tas Pesanan", made_to_order=True, lead_time_days=3,
                            variants=[{"price_idr": 10_000, "stock": 0}])
    ready = make_product(sentra, title="Tas Siap", variants=[{"price_idr": 10_000, "stock": 2}])
    db.session.commit()
    ranks = {doc["id"]: doc["in_stock_rank"] for doc in build_documents([sold_out.id, to_order.id, ready.id])}
    assert ranks == {sold_out.id: 0, to_order.id: 1, ready.id: 1}


def test_suggestions_ask_for_in_stock_first(app, meili):
    meili.expect_request("/indexes/products/search", method="POST").respond_with_json({"hits": []})
    _backend(app).suggest("tas", 5)
    (body,) = _bodies(meili, "/indexes/products/search")
    assert body["sort"] == ["in_stock_rank:desc"]


@pytest.mark.nodb
def test_filter_values_are_quoted_safely():
    assert quote('a"b\\c') == '"a\\"b\\\\c"'
    expression = filter_expression(SearchQuery(sentra=('x"] OR sentra EXISTS AND ["',)))
    assert expression == 'sentra IN ["x\\"] OR sentra EXISTS AND [\\""]'


# Failures ------------------------------------------------------------------------------


def test_connection_refused_raises_search_unavailable(app, monkeypatch):
    monkeypatch.setitem(app.config, "MEILI_URL", _closed_port_url())
    with pytest.raises(SearchUnavailableError):
        _backend(app).search(SearchQuery(text="tas"))


def test_a_slow_server_times_out_as_search_unavailable(app, meili):
    def slow(request):
        time.sleep(0.6)
        return Response("{}", content_type="application/json")

    meili.expect_request("/multi-search").respond_with_handler(slow)
    backend = MeiliBackend(app.config, timeout=0.2)
    with pytest.raises(SearchUnavailableError):
        backend.search(SearchQuery(text="tas"))


@pytest.mark.parametrize("status", [500, 502, 503])
def test_a_server_error_raises_search_unavailable(app, meili, status):
    meili.expect_request("/multi-search").respond_with_data("oops", status=status)
    with pytest.raises(SearchUnavailableError):
        _backend(app).search(SearchQuery(text="tas"))


def test_search_answers_from_sql_when_meilisearch_is_down(app, monkeypatch):
    _, product = _public_product()
    monkeypatch.setitem(app.config, "SEARCH_BACKEND", "meilisearch")
    monkeypatch.setitem(app.config, "MEILI_URL", _closed_port_url())
    result = search(SearchQuery(text="anyaman"))
    assert result.backend == "sql-fallback"
    assert [hit.product_id for hit in result.hits] == [product.id]


# Health and reindex --------------------------------------------------------------------


def test_health_is_ok_with_the_sql_backend(app):
    assert search_health(app.config) == "ok"


def test_health_is_ok_when_meilisearch_answers_available(app, meili):
    meili.expect_request("/health").respond_with_json({"status": "available"})
    assert search_health(app.config) == "ok"


def test_health_is_degraded_when_meilisearch_is_down(app, monkeypatch):
    monkeypatch.setitem(app.config, "SEARCH_BACKEND", "meilisearch")
    monkeypatch.setitem(app.config, "MEILI_URL", _closed_port_url())
    assert search_health(app.config) == "degraded"


def test_health_is_degraded_when_meilisearch_answers_an_error(app, meili):
    meili.expect_request("/health").respond_with_data("no", status=503)
    assert search_health(app.config) == "degraded"


def test_reindex_rebuilds_meilisearch_in_batches_from_the_database(app, meili, runner):
    sentra = make_sentra("32.75.08.1001")
    ids = [make_product(sentra).id for _ in range(3)]
    db.session.commit()
    meili.expect_request("/indexes/products/settings", method="PATCH").respond_with_json(_task(1), status=202)
    meili.expect_request("/indexes/products/documents", method="DELETE").respond_with_json(_task(2), status=202)
    meili.expect_request("/indexes/products/documents", method="POST").respond_with_json(_task(3), status=202)
    _succeed_tasks(meili)
    result = runner.invoke(args=["search", "reindex", "--batch-size", "2"], input="")
    assert result.exit_code == 0, result.output
    batches = _bodies(meili, "/indexes/products/documents")
    assert [len(batch) for batch in batches] == [2, 1]
    assert sorted(doc["id"] for batch in batches for doc in batch) == sorted(ids)


def test_reindex_fails_with_a_clear_message_when_meilisearch_is_unreachable(app, runner, monkeypatch):
    monkeypatch.setitem(app.config, "SEARCH_BACKEND", "meilisearch")
    monkeypatch.setitem(app.config, "MEILI_URL", _closed_port_url())
    result = runner.invoke(args=["search", "reindex"], input="")
    assert result.exit_code != 0
    assert "Meilisearch is unreachable" in result.output


def test_reindex_with_the_sql_backend_rebuilds_only_the_sql_index(runner):
    _public_product()
    result = runner.invoke(args=["search", "reindex"], input="")
    assert result.exit_code == 0, result.output
    assert "sql index: 1 products" in result.output
    assert "meilisearch" not in result.output
