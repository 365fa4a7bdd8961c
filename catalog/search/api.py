"""GET /api/v1/search and /api/v1/search/suggest (placeholder: the search-page engineer replaces it)."""
from __future__ import annotations

from shop.api import bp  # noqa: F401
