"""Input no API handler can take, refused before any handler runs.

PostgreSQL refuses a NUL character in text, neither database can store text that is not
valid Unicode (a lone surrogate such as ``"\\ud800"`` in JSON), and every integer column is
32-bit. A handler that passed such a value on would fail inside the database with a 500
(on SQLite a NUL is even stored, and the two databases would disagree). Checking once here,
for every route of the API blueprint, means no handler can forget it:

- in a path segment (a slug, an order number): 404, no row can have that key;
- a JSON body nested too deeply to read (or deeper than any endpoint takes): 400;
- text in the query string or anywhere in a JSON body: 400 ``bad_request`` whose
  ``fields`` name each value (``lines.0.description``, ``q``);
- a whole number in a JSON body beyond the 32-bit range: 422 ``out_of_range``, fields
  named the same way (a handler's own, narrower range check answers for smaller numbers).
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from flask import request
from flask_babel import gettext as _

from shop.api import bp
from shop.errors import api_error

INT_MIN, INT_MAX = -(2**31), 2**31 - 1  # the range of an INTEGER column on SQLite and PostgreSQL
MAX_DEPTH = 32  # deeper JSON than any endpoint takes is refused rather than walked


def text_problem(value: str) -> str | None:
    """Why a text cannot be stored (a NUL character, not valid Unicode), or None."""
    if "\x00" in value:
        return _("must not contain a NUL character")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return _("must be valid Unicode text")
    return None


def integer_problem(value: int) -> str | None:
    """Why a whole number cannot be stored (outside the 32-bit range of every column), or None."""
    if INT_MIN <= value <= INT_MAX:
        return None
    return _("must be a whole number from %(low)d to %(high)d", low=INT_MIN, high=INT_MAX)


def json_problems(value: Any, check: Callable[[Any], str | None], path: str = "",
                  depth: int = 0) -> Iterator[tuple[str, str]]:
    """(field, problem) for every value (and key) of a JSON document that ``check`` refuses."""
    name = path or "body"
    if depth > MAX_DEPTH:
        yield name, _("is nested too deeply")
    elif isinstance(value, dict):
        for key, item in value.items():
            if check(key) is not None:
                yield name, _("has a key that cannot be accepted")
            else:
                yield from json_problems(item, check, f"{path}.{key}" if path else key, depth + 1)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from json_problems(item, check, f"{path}.{index}" if path else str(index), depth + 1)
    elif (problem := check(value)) is not None:
        yield name, problem


def _unstorable_text(value: Any) -> str | None:
    return text_problem(value) if isinstance(value, str) else None


def _unstorable_integer(value: Any) -> str | None:
    return integer_problem(value) if isinstance(value, int) and not isinstance(value, bool) else None


def _query_problems() -> dict[str, str]:
    return {name: problem for name, value in request.args.items(multi=True)
            if (problem := text_problem(value)) is not None}


@bp.before_request
def refuse_unstorable_input():
    """Answer 404 or 400 (in the API's error shape) before a handler sees unstorable input."""
    for value in (request.view_args or {}).values():
        if isinstance(value, str) and text_problem(value) is not None:
            return api_error(404, "not_found", _("Not found."))
    try:
        body = request.get_json(silent=True) if request.is_json else None
    except RecursionError:  # json.loads gives up on nesting this deep: not a ValueError, so not silenced
        return api_error(400, "bad_request", _("The body is nested too deeply to read."),
                         {"body": _("is nested too deeply")})
    texts = {**_query_problems(), **dict(json_problems(body, _unstorable_text))}
    if texts:
        return api_error(400, "bad_request", _("Some texts cannot be accepted."), texts)
    numbers = dict(json_problems(body, _unstorable_integer))
    if numbers:
        return api_error(422, "out_of_range", _("Some numbers are out of range."), numbers)
    return None
