"""Counting the SQL statements a block of test code sends: the one helper the query-budget tests share."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event

from shop.extensions import db


@contextmanager
def count_queries() -> Iterator[list[str]]:
    """Yield a list that collects each statement sent on the app's engine inside the ``with`` block."""
    statements: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
