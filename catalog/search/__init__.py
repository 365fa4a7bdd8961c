"""Search: one interface, two backends (``sql``, the default, and ``meilisearch``).

``search(query)`` and ``suggest(text)`` answer from the backend chosen by
``SEARCH_BACKEND``. When Meilisearch cannot answer (SearchUnavailableError), the
``sql`` backend answers instead and the result says ``backend="sql-fallback"``.
"""
from __future__ import annotations

import dataclasses
import logging
from typing import Any

from flask import current_app

from catalog.search import indexing  # noqa: F401  (registers the session events that keep the index)
from catalog.search.errors import InvalidSearchError, SearchUnavailableError
from catalog.search.sql import SqlBackend
from catalog.search.types import SearchQuery, SearchResult

logger = logging.getLogger(__name__)  # not "log": catalog.search.log is the search log module
BACKENDS = ("sql", "meilisearch")
SUGGEST_LIMIT = 9  # "under 10"


def backend_name() -> str:
    name = current_app.config.get("SEARCH_BACKEND") or "sql"
    return name if name in BACKENDS else "sql"


def _meili() -> Any:
    from catalog.search.meili import MeiliBackend  # only when configured: the client is optional
    return MeiliBackend(current_app.config)


def search(query: SearchQuery) -> SearchResult:
    """Answer a search from the configured backend, falling back to ``sql`` when Meilisearch is down.

    Never raises for bad text: any words are searched as plain words.
    """
    if backend_name() == "meilisearch":
        try:
            return _meili().search(query)
        except SearchUnavailableError as error:
            logger.warning("meilisearch unavailable, answering from sql: %s", error)
            return dataclasses.replace(SqlBackend().search(query), backend="sql-fallback")
    return SqlBackend().search(query)


def suggest(text: str, limit: int = 8) -> list[dict[str, Any]]:
    """Products and sentras for what was typed so far (fewer than 10), from the configured backend."""
    limit = max(1, min(int(limit), SUGGEST_LIMIT))
    if backend_name() == "meilisearch":
        try:
            return _meili().suggest(text, limit)
        except SearchUnavailableError as error:
            logger.warning("meilisearch unavailable, suggesting from sql: %s", error)
    return SqlBackend().suggest(text, limit)


__all__ = ["InvalidSearchError", "SearchQuery", "SearchResult", "SearchUnavailableError", "search", "suggest"]
