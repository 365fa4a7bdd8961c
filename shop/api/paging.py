"""Helpers for API views: pagination parameters and the list envelope."""
from __future__ import annotations

from typing import Any

from flask import jsonify, request
from werkzeug.exceptions import BadRequest

MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 20


def page_params() -> tuple[int, int]:
    """``page`` (from 1) and ``per_page`` (default 20, at most 100) from the query string.

    :raise 400: when either is not a positive integer or ``per_page`` exceeds 100.
    """
    try:
        page = int(request.args.get("page", 1))
        per_page = int(request.args.get("per_page", DEFAULT_PER_PAGE))
    except ValueError:
        raise BadRequest("page and per_page must be integers") from None
    if page < 1 or per_page < 1 or per_page > MAX_PER_PAGE:
        raise BadRequest(f"page must be >= 1 and per_page between 1 and {MAX_PER_PAGE}")
    return page, per_page


def list_envelope(items: list[dict[str, Any]], total: int, page: int, per_page: int):
    return jsonify({"items": items, "total": total, "page": page, "per_page": per_page})
