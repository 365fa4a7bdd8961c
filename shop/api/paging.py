"""Helpers for API views: pagination parameters, the list envelope, and a filtered list in one call."""
from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from flask import jsonify, request
from werkzeug.exceptions import BadRequest

from shop.errors import api_error

MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 20
MAX_PAGE = 10_000  # as the search's: far past any list, and the offset stays a number databases take


def page_params() -> tuple[int, int]:
    """``page`` (from 1) and ``per_page`` (default 20, at most 100) from the query string.

    :raise 400: when either is not a positive integer, ``page`` exceeds 10,000 or ``per_page`` 100.
    """
    try:
        page = int(request.args.get("page", 1))
        per_page = int(request.args.get("per_page", DEFAULT_PER_PAGE))
    except ValueError:
        raise BadRequest("page and per_page must be integers") from None
    if not 1 <= page <= MAX_PAGE or not 1 <= per_page <= MAX_PER_PAGE:
        raise BadRequest(f"page must be between 1 and {MAX_PAGE} and per_page between 1 and {MAX_PER_PAGE}")
    return page, per_page


def list_envelope(items: list[dict[str, Any]], total: int, page: int, per_page: int):
    return jsonify({"items": items, "total": total, "page": page, "per_page": per_page})


def filtered_list(parse: Callable[[Mapping[str, str]], tuple[Any, dict[str, str]]],
                  find: Callable[[Any, int, int], tuple[list[Any], int]], as_json: Callable[[Any], dict[str, Any]]):
    """A public list endpoint's answer: the query string's filters (``parse`` returns them and the problems
    found, by parameter), a 400 ``invalid_filter`` with those problems, else one page of what ``find``
    returns (items and the total), each item through ``as_json``, in the list envelope.

    :raise 400: a malformed ``page`` or ``per_page``.
    """
    page, per_page = page_params()
    filters, problems = parse(request.args)
    if problems:
        return api_error(400, "invalid_filter", "A filter is malformed.", problems)
    items, total = find(filters, page, per_page)
    return list_envelope([as_json(item) for item in items], total, page, per_page)
