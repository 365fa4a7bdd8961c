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


def _titles(sentra_id):
    from sqlalchemy import bindparam

    from catalog.products.models import Product

    statement = select(Product.title).where(Product.sentra_id == bindparam("sentra_id")).order_by(Product.id)
    return [row.title for row in prebuilt_rows(statement, sentra_id=sentra_id)]


def test_a_read_only_request_reads_on_a_connection_it_gives_back(app):
    """Without an ORM transaction the request reads on an engine connection of its own, closed when it ends."""
    from shop.database import request_connection
    from shop.extensions import db
    from tests.factories import make_product, make_sentra

    sentra = make_sentra()
    make_product(sentra, title="Tas Anyaman")
    db.session.commit()
    sentra_id = sentra.id
    db.session.remove()
    with app.test_request_context("/"):
        assert _titles(sentra_id) == ["Tas Anyaman"]
        own = request_connection()
        assert not db.session.registry.has()  # no ORM session was built for the read
        assert request_connection() is own  # kept for the request's other reads
    assert own.closed  # given back when the request ended


def test_reads_move_to_the_session_once_it_has_written(app):
    """A change flushed but not committed in the request is seen by the reads that follow it."""
    from shop.database import request_connection
    from shop.extensions import db
    from tests.factories import make_product, make_sentra

    sentra = make_sentra()
    product = make_product(sentra, title="Tas Anyaman")
    db.session.commit()
    sentra_id, product_id = sentra.id, product.id
    db.session.remove()
    with app.test_request_context("/"):
        assert _titles(sentra_id) == ["Tas Anyaman"]
        own = request_connection()
        from catalog.products.models import Product

        db.session.get(Product, product_id).title = "Tas Anyaman Baru"
        db.session.flush()
        assert _titles(sentra_id) == ["Tas Anyaman Baru"]  # this transaction's change, not yet committed
        assert request_connection() is db.session.connection()
        db.session.rollback()
        assert _titles(sentra_id) == ["Tas Anyaman"]
    assert own.closed


def test_outside_a_request_reads_use_the_session(app):
    from shop.database import request_connection
    from shop.extensions import db

    with app.app_context():
        assert request_connection() is db.session.connection()
