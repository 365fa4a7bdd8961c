"""One row by id inside its owner's scope (a sentra's opening or session, an applicant's application, a
mentor's session), for the services; and the views' "that row, or 404".

Someone else's row and no row at all answer the same (the domain's not-found error, a 404), so an id
never tells that it exists elsewhere.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import abort
from sqlalchemy import select

from shop.extensions import db

T = TypeVar("T")


def scoped_row(model: type[T], row_id: int, not_found: Exception, *, lock: bool = False, **owner: Any) -> T:
    """The ``model`` row ``row_id`` whose owner columns hold ``owner``'s values (``sentra_id=...``), locked
    ``FOR UPDATE`` and read afresh with ``lock``.

    :raise not_found: no such row in that scope.
    """
    query = select(model).where(model.id == row_id, *(getattr(model, name) == value for name, value in owner.items()))
    if lock:
        query = query.with_for_update(of=model).execution_options(populate_existing=True)
    row = db.session.scalar(query)
    if row is None:
        raise not_found
    return row


def or_404(load: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``load(*args, **kwargs)``, or a 404 when it raises a not-found error (a ``LookupError``)."""
    try:
        return load(*args, **kwargs)
    except LookupError:
        abort(404)
