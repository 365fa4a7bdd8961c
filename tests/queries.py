"""Counting the SQL statements a block of test code sends: the one helper the query-budget tests share."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import current_app
from sqlalchemy import event

from shop.extensions import db


@contextmanager
def count_queries() -> Iterator[list[str]]:
    """Yield a list that collects each statement sent on the app's engine inside the ``with`` block.

    The page cache is off inside the block: a budget is what building a page costs (a page the
    cache answers sends no statement on the app's engine).
    """
    statements: list[str] = []
    page_cache = current_app.config["PAGE_CACHE"]
    current_app.config["PAGE_CACHE"] = False

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
        current_app.config["PAGE_CACHE"] = page_cache
