"""Errors raised by catalog.search."""
from __future__ import annotations


class SearchError(Exception):
    """Base class of search errors."""


class SearchUnavailableError(SearchError):
    """The configured engine cannot answer now (down, timing out); the sql backend answers instead."""


class InvalidSearchError(SearchError, ValueError):
    """A search parameter that cannot be understood (views answer 400)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message
