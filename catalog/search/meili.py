"""The Meilisearch backend, through the official ``meilisearch`` client.

Index settings are code (:func:`index_settings`); documents are those of
:func:`catalog.search.documents.build_documents`, kept in step through the outbox
(jobs ``search.sync`` and ``search.settings``). Every failure to reach the server,
a timeout, a 5xx or a failed task raises :class:`SearchUnavailableError`, so
``catalog.search`` can answer from the sql backend instead.
"""
from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from flask import current_app
from sqlalchemy import select

from catalog.search.errors import SearchUnavailableError
from catalog.search.types import FACETS, FacetValue, Hit, SearchQuery, SearchResult, Sort
from shop.extensions import db

INDEX = "products"
HTTP_TIMEOUT = 2  # seconds per request: a slow engine must not hold a page up
HEALTH_TIMEOUT = 1
TASK_TIMEOUT_MS = 30_000
TASK_INTERVAL_MS = 50
REINDEX_BATCH = 1000

SEARCHABLE = [  # order matters: the "attribute" ranking rule prefers earlier ones
    "title",
    "subsector_name",
    "category",
    "sentra_name",
    "kelurahan_name",
    "kelurahan_alias",
    "kecamatan_name",
    "kecamatan_alias",
    "description",
]
FILTERABLE = ["subsector", "kecamatan", "kelurahan", "sentra", "price_min_idr", "in_stock", "made_to_order"]
SORTABLE = ["price_min_idr", "created_at", "rating", "in_stock_rank"]
# "sort" first: a chosen sort orders strictly (as the sql backend does), and the default order's
# in-stock-first sort comes before relevance; without a sort the rule does nothing.
RANKING_RULES = ["sort", "words", "typo", "proximity", "attribute", "exactness"]
IN_STOCK_FIRST = "in_stock_rank:desc"
TYPO_TOLERANCE = {"enabled": True, "minWordSizeForTypos": {"oneTypo": 5, "twoTypos": 9}}
SORTS: dict[Sort, list[str]] = {
    Sort.RELEVANCE: [IN_STOCK_FIRST],  # in stock first, then relevance (the ranking rules after "sort")
    Sort.PRICE_ASC: ["price_min_idr:asc"],
    Sort.PRICE_DESC: ["price_min_idr:desc"],
    Sort.NEWEST: ["created_at:desc"],
    Sort.RATING: ["rating:desc"],
}
HIT_FIELDS = [
    "id", "title", "slug", "sentra", "sentra_name", "kelurahan", "kelurahan_name", "kecamatan",
    "kecamatan_name", "subsector", "price_min_idr", "price_max_idr", "in_stock", "made_to_order", "thumb_key",
]


def mutual_synonyms(groups: Iterable[Iterable[str]]) -> dict[str, list[str]]:
    """Meilisearch's synonym map from groups of equivalent words: each word maps to the others."""
    mapping: dict[str, list[str]] = {}
    for group in groups:
        words = list(dict.fromkeys(w.strip().lower() for w in group if w and w.strip()))
        for word in words:
            known = mapping.setdefault(word, [])
            known.extend(other for other in words if other != word and other not in known)
    return {word: others for word, others in mapping.items() if others}


def index_settings() -> dict[str, Any]:
    """The complete settings of the products index (synonyms read from the database)."""
    from catalog.search.synonyms import synonym_groups

    return {
        "searchableAttributes": SEARCHABLE,
        "filterableAttributes": FILTERABLE,
        "sortableAttributes": SORTABLE,
        "rankingRules": RANKING_RULES,
        "typoTolerance": TYPO_TOLERANCE,
        "synonyms": mutual_synonyms(synonym_groups()),
        "pagination": {"maxTotalHits": 10_000},
    }


def quote(value: str) -> str:
    """A filter string literal: double-quoted, with backslashes and quotes escaped."""
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def _in(field: str, values: Sequence[str]) -> str:
    return f"{field} IN [{', '.join(quote(v) for v in values)}]"


def filter_expression(query: SearchQuery, without: str | None = None) -> str | None:
    """The filter of ``query`` as a Meilisearch expression, leaving out the facet ``without``."""
    parts = [
        _in(name, getattr(query, name))
        for name in ("subsector", "kecamatan", "kelurahan", "sentra")
        if getattr(query, name) and name != without
    ]
    if query.min_price is not None:
        parts.append(f"price_min_idr >= {int(query.min_price)}")
    if query.max_price is not None:
        parts.append(f"price_min_idr <= {int(query.max_price)}")
    if query.in_stock:
        parts.append("in_stock = true")
    if query.made_to_order is not None:
        parts.append(f"made_to_order = {'true' if query.made_to_order else 'false'}")
    return " AND ".join(parts) or None


def _hit(doc: Mapping[str, Any]) -> Hit:
    return Hit(
        product_id=int(doc["id"]),
        title=doc.get("title", ""),
        slug=doc.get("slug", ""),
        sentra_slug=doc.get("sentra", ""),
        sentra_name=doc.get("sentra_name", ""),
        kelurahan_code=doc.get("kelurahan", ""),
        kelurahan_name=doc.get("kelurahan_name", ""),
        kecamatan_code=doc.get("kecamatan", ""),
        kecamatan_name=doc.get("kecamatan_name", ""),
        subsector_code=doc.get("subsector", ""),
        price_min_idr=int(doc.get("price_min_idr") or 0),
        price_max_idr=int(doc.get("price_max_idr") or 0),
        in_stock=bool(doc.get("in_stock")),
        made_to_order=bool(doc.get("made_to_order")),
        thumb_key=doc.get("thumb_key"),
    )


def facet_labels(values: Mapping[str, Iterable[str]]) -> dict[str, dict[str, str]]:
    """Display names for facet values, as the sql backend gives them (subsectors in the page's language)."""
    from catalog.search.sql import _subsector_labels
    from shop.places.models import Kecamatan
    from shop.sentras.models import Sentra

    names = {"kecamatan": (Kecamatan.code, Kecamatan.name), "sentra": (Sentra.slug, Sentra.name)}
    labels: dict[str, dict[str, str]] = {}
    for facet, wanted in values.items():
        wanted = list(wanted)
        if not wanted:
            labels[facet] = {}
        elif facet == "subsector":
            labels[facet] = _subsector_labels()
        else:
            key, name = names[facet]
            labels[facet] = dict(db.session.execute(select(key, name).where(key.in_(wanted))).tuples().all())
    return labels


class MeiliBackend:
    """Search and index maintenance against one Meilisearch index."""

    name = "meilisearch"

    def __init__(self, config: Mapping[str, Any], timeout: float | None = None,
                 task_timeout_ms: int | None = None) -> None:
        url = config.get("MEILI_URL")
        if not url:
            raise SearchUnavailableError("MEILI_URL is not set")
        self.url = str(url).rstrip("/")
        self.index_uid = config.get("MEILI_INDEX") or INDEX
        self.task_timeout_ms = task_timeout_ms or int(config.get("MEILI_TASK_TIMEOUT_MS") or TASK_TIMEOUT_MS)
        # The client (and pydantic, aiohttp behind it) is imported only when a backend is made:
        # at module level it would cost every start of the app a quarter of a second.
        import meilisearch
        import requests
        from meilisearch.errors import MeilisearchError

        self.unreachable: tuple[type[Exception], ...] = (MeilisearchError, requests.RequestException)
        self.client = meilisearch.Client(
            self.url, config.get("MEILI_API_KEY") or None, timeout=timeout or config.get("MEILI_TIMEOUT") or HTTP_TIMEOUT
        )
        self.index = self.client.index(self.index_uid)

    # Calls ------------------------------------------------------------------

    def _call(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except self.unreachable as exc:
            raise SearchUnavailableError(f"Meilisearch at {self.url}: {exc}") from exc

    def wait(self, task_info: Any) -> None:
        """Wait for an enqueued task. :raise SearchUnavailableError: it failed, or did not finish in time."""
        uid = task_info.task_uid
        task = self._call(self.client.wait_for_task, uid, timeout_in_ms=self.task_timeout_ms,
                          interval_in_ms=TASK_INTERVAL_MS)
        if task.status != "succeeded":
            error = task.error or {}
            raise SearchUnavailableError(
                f"Meilisearch task {uid} {task.status}: {error.get('code', '')} {error.get('message', '')}".strip()
            )

    # Index maintenance ----------------------------------------------------

    def apply_settings(self) -> None:
        """Create the index if needed and apply :func:`index_settings`, waiting for the task."""
        self.wait(self._call(self.index.update_settings, index_settings()))

    def upsert(self, documents: Sequence[Mapping[str, Any]]) -> None:
        """Add or replace documents (by ``id``), waiting for the task."""
        if documents:
            self.wait(self._call(self.index.add_documents, list(documents), "id"))

    def delete(self, ids: Iterable[int]) -> None:
        """Remove documents by id (absent ids are fine), waiting for the task."""
        ids = sorted({int(i) for i in ids})
        if not ids:
            return
        with warnings.catch_warnings():  # the client calls delete by ids deprecated; the endpoint is not
            warnings.simplefilter("ignore", DeprecationWarning)
            task = self._call(self.index.delete_documents, ids)
        self.wait(task)

    def delete_all(self) -> None:
        self.wait(self._call(self.index.delete_all_documents))

    def rebuild(self, batches: Iterable[Sequence[Mapping[str, Any]]],
                progress: Callable[[int], None] | None = None) -> int:
        """Replace the index's content with ``batches`` of documents; returns how many were sent."""
        self.apply_settings()
        self.delete_all()
        sent = 0
        for batch in batches:
            self.upsert(batch)
            sent += len(batch)
            if progress:
                progress(len(batch))
        return sent

    def healthy(self) -> bool:
        try:
            return self.client.health().get("status") == "available"
        except self.unreachable:
            return False

    # Search ---------------------------------------------------------------

    def _query(self, query: SearchQuery, **extra: Any) -> dict[str, Any]:
        body: dict[str, Any] = {"indexUid": self.index_uid, "q": query.text}
        expression = filter_expression(query, without=extra.pop("without", None))
        if expression:
            body["filter"] = expression
        body.update(extra)
        return body

    def search_requests(self, query: SearchQuery) -> list[dict[str, Any]]:
        """The multi-search queries for ``query``: the hits, then one per filtered facet.

        Facets are disjunctive: the count of a facet value respects every OTHER
        filter, so a facet that is filtered is counted in its own query without its
        own filter; the others come with the main query.
        """
        filtered = [f for f in FACETS if getattr(query, f)]
        main = self._query(
            query,
            page=query.page,
            hitsPerPage=query.per_page,
            attributesToRetrieve=HIT_FIELDS,
            facets=[f for f in FACETS if f not in filtered],
        )
        # Without words there is no relevance: in stock and newest first, as the sql backend does.
        if query.sort == Sort.RELEVANCE and not query.text.strip():
            sort = [IN_STOCK_FIRST, *SORTS[Sort.NEWEST]]
        else:
            sort = SORTS[query.sort]
        if sort:
            main["sort"] = sort
        requests_ = [main]
        for facet in filtered:
            requests_.append(self._query(query, without=facet, facets=[facet], limit=0))
        return requests_

    def search(self, query: SearchQuery) -> SearchResult:
        """Search. :raise SearchUnavailableError: the engine cannot answer."""
        answers = self._call(self.client.multi_search, self.search_requests(query))["results"]
        main = answers[0]
        counts: dict[str, dict[str, int]] = {}
        filtered = [f for f in FACETS if getattr(query, f)]
        for facet in FACETS:
            if facet not in filtered:
                counts[facet] = (main.get("facetDistribution") or {}).get(facet, {})
        for facet, answer in zip(filtered, answers[1:], strict=True):
            counts[facet] = (answer.get("facetDistribution") or {}).get(facet, {})
        labels = facet_labels({facet: values.keys() for facet, values in counts.items()})
        facets = {
            facet: sorted(
                (FacetValue(value, labels[facet].get(value, value), int(n)) for value, n in values.items()),
                key=lambda fv: (-fv.count, fv.label.lower(), fv.value),
            )
            for facet, values in counts.items()
        }
        return SearchResult(
            hits=[_hit(doc) for doc in main.get("hits", [])],
            total=int(main.get("totalHits", main.get("estimatedTotalHits", 0)) or 0),
            page=query.page,
            per_page=query.per_page,
            facets=facets,
            backend=self.name,
        )

    def suggest(self, text: str, limit: int = 8) -> list[dict[str, Any]]:
        """Products (from Meilisearch) and sentras (from the database) for what was typed, like the sql backend."""
        from catalog.search.sql import SqlBackend

        sentras = SqlBackend()._sentras(text, limit=min(3, limit)) if text.strip() else []
        answer = self._call(
            self.index.search, text,
            {"limit": max(limit - len(sentras), 0), "attributesToRetrieve": HIT_FIELDS, "sort": [IN_STOCK_FIRST]},
        )
        out: list[dict[str, Any]] = [
            {"type": "product", "id": int(doc["id"]), "title": doc.get("title", ""), "slug": doc.get("slug", ""),
             "sentra": doc.get("sentra", ""), "sentra_name": doc.get("sentra_name", ""),
             "thumb_key": doc.get("thumb_key")}
            for doc in answer.get("hits", [])
        ]
        out.extend({"type": "sentra", "slug": slug, "name": name} for slug, name in sentras)
        return out[:limit]


def search_health(config: Mapping[str, Any]) -> str:
    """``"ok"`` unless Meilisearch is the backend and does not answer ``available`` within 1 s."""
    if config.get("SEARCH_BACKEND") != "meilisearch":
        return "ok"
    try:
        backend = MeiliBackend(config, timeout=HEALTH_TIMEOUT)
    except SearchUnavailableError:
        return "degraded"
    return "ok" if backend.healthy() else "degraded"


def meili_enabled(config: Mapping[str, Any] | None = None) -> bool:
    config = current_app.config if config is None else config
    return config.get("SEARCH_BACKEND") == "meilisearch"


# Outbox: handlers and the hook that enqueues them ---------------------------


_QUEUED = "search_sync_queued"


def _register_outbox() -> None:
    from catalog.search import indexing
    from shop.outbox.services import enqueue_in_flush, register

    @register("search.sync")
    def sync_documents(payload: dict[str, Any]) -> None:
        """Send the current documents of these products; delete those no longer public (idempotent)."""
        if not meili_enabled():
            return
        from catalog.search.documents import build_documents

        ids = {int(i) for i in payload.get("product_ids", [])}
        documents = build_documents(ids)
        backend = MeiliBackend(current_app.config)
        backend.upsert(documents)
        backend.delete(ids - {doc["id"] for doc in documents})

    @register("search.settings")
    def sync_settings(payload: dict[str, Any]) -> None:
        """Apply the index settings again (after the synonyms changed)."""
        if meili_enabled():
            MeiliBackend(current_app.config).apply_settings()

    def enqueue_sync(product_ids: Iterable[int]) -> None:
        if not meili_enabled():
            return
        # One job per product per transaction: the job reads the documents when it runs,
        # after the commit, so a later flush of the same transaction needs no second job.
        transaction = db.session().get_transaction()
        owner, queued = db.session.info.get(_QUEUED, (None, set()))
        if owner is not transaction:
            queued = set()
            db.session.info[_QUEUED] = (transaction, queued)
        ids = sorted({int(i) for i in product_ids} - queued)
        if ids:
            queued.update(ids)
            enqueue_in_flush("search.sync", {"product_ids": ids})  # called from inside a flush

    if enqueue_sync.__name__ not in {getattr(cb, "__name__", "") for cb in indexing.on_documents_changed}:
        indexing.on_documents_changed.append(enqueue_sync)


def enqueue_settings_sync() -> None:
    """Queue a settings update for Meilisearch (no-op with the sql backend); flushes, not commits."""
    from shop.outbox.services import enqueue

    if meili_enabled():
        enqueue("search.settings", {})


_register_outbox()
