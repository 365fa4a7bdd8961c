"""``prebuilt_rows``: the rows of a prebuilt read, as named tuples where their column names allow."""
from __future__ import annotations

from sqlalchemy import column, literal, select
from sqlalchemy.engine import Row

from shop.database import _row_type, prebuilt_rows

_TWO_COLUMNS = select(literal(7).label("id"), literal("Batik Tulis").label("title"))
_REPEATED = select(literal(1).label("id"), literal(2).label("id"))
_SQL_NAMES = select(literal(3).label("count(*)"))


def test_a_prebuilt_row_reads_as_the_row_did(app):
    with app.test_request_context("/"):
        row, = prebuilt_rows(_TWO_COLUMNS)
    assert not isinstance(row, Row)  # a plain named tuple: no __getattr__ behind each field read
    assert (row.id, row.title) == (7, "Batik Tulis")
    assert (row[0], row[1]) == (7, "Batik Tulis")
    identifier, title = row
    assert (identifier, title) == (7, "Batik Tulis")
    assert row == (7, "Batik Tulis")
    assert row._fields == ("id", "title")


def test_rows_are_read_fresh_on_every_run_not_kept(app):
    statement = select(column("value")).select_from(
        select(literal(1).label("value")).union_all(select(literal(2).label("value"))).subquery())
    with app.test_request_context("/"):
        first = prebuilt_rows(statement)
        second = prebuilt_rows(statement)
    assert [r.value for r in first] == [1, 2]
    assert first == second and first is not second


def test_names_a_named_tuple_cannot_carry_keep_the_row(app):
    with app.test_request_context("/"):
        repeated, = prebuilt_rows(_REPEATED)
        sql_named, = prebuilt_rows(_SQL_NAMES)
    assert isinstance(repeated, Row) and tuple(repeated) == (1, 2)
    assert isinstance(sql_named, Row) and sql_named[0] == 3


def test_which_names_make_a_named_tuple():
    assert _row_type(["id", "title", "price_min"]) is not None
    assert _row_type(["id", "id"]) is None  # repeated: a Row says it is ambiguous when read, a tuple would rename it
    assert _row_type(["count(*)"]) is None
    assert _row_type(["class"]) is None  # a keyword
    assert _row_type(["_private"]) is None  # namedtuple refuses a leading underscore
