"""catalog.stock: every change of a variant's stock goes through a movement."""
from __future__ import annotations

import contextlib
import logging

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from catalog import stock
from catalog.products.models import StockMovement, StockReason, Variant
from catalog.stock import InsufficientStockError, InvalidQuantityError, Line
from shop.extensions import db
from tests.factories import make_product, make_sentra, make_user


def _variant(stock_count: int = 10, sku: str | None = None) -> Variant:
    sentra = make_sentra()
    spec = {"stock": stock_count}
    if sku:
        spec["sku"] = sku
    return make_product(sentra, variants=[spec]).variants[0]


def _movements(variant_id: int) -> list[StockMovement]:
    return list(
        db.session.scalars(
            select(StockMovement).where(StockMovement.variant_id == variant_id).order_by(StockMovement.id)
        )
    )


def _stock(variant_id: int) -> int:
    return db.session.scalar(select(Variant.stock).where(Variant.id == variant_id))


def _ledger_sum(variant_id: int) -> int:
    return db.session.scalar(
        select(func.coalesce(func.sum(StockMovement.delta), 0)).where(StockMovement.variant_id == variant_id)
    )


def test_reserve_decrements_stock_and_writes_an_order_movement_with_the_order_id():
    variant = _variant(10)
    actor = make_user()

    movement = stock.reserve(variant.id, 3, order_id=77, actor_id=actor.id)

    assert variant.stock == 7
    assert (movement.delta, movement.reason, movement.order_id, movement.actor_id) == (
        -3, StockReason.ORDER, 77, actor.id
    )
    assert movement.stock_after == 7
    assert movement.sentra_id == variant.sentra_id


def test_reserving_more_than_available_raises_and_changes_nothing():
    variant = _variant(2)
    before = len(_movements(variant.id))

    with pytest.raises(InsufficientStockError) as excinfo:
        stock.reserve(variant.id, 3, order_id=1)

    assert (excinfo.value.requested, excinfo.value.available) == (3, 2)
    assert _stock(variant.id) == 2
    assert len(_movements(variant.id)) == before


def test_reserving_exactly_the_last_units_leaves_zero():
    variant = _variant(4)

    stock.reserve(variant.id, 4)

    assert variant.stock == 0


def test_release_for_a_cancel_adds_the_units_back():
    variant = _variant(5)
    stock.reserve(variant.id, 2, order_id=9)

    movement = stock.release(variant.id, 2, order_id=9)

    assert variant.stock == 5
    assert (movement.delta, movement.reason, movement.order_id, movement.stock_after) == (
        2, StockReason.CANCEL, 9, 5
    )


def test_release_for_a_return_records_the_return_reason():
    variant = _variant(5)

    movement = stock.release(variant.id, 1, reason=StockReason.RETURN, order_id=4)

    assert movement.reason == StockReason.RETURN
    assert variant.stock == 6


def test_release_refuses_a_reason_other_than_cancel_or_return():
    variant = _variant(5)

    with pytest.raises(stock.StockError):
        stock.release(variant.id, 1, reason=StockReason.RESTOCK)

    assert _stock(variant.id) == 5


def test_restock_adds_units_with_a_restock_movement_and_note():
    variant = _variant(0)

    movement = stock.restock(variant.id, 12, note="batch Juni")

    assert variant.stock == 12
    assert (movement.delta, movement.reason, movement.note, movement.stock_after) == (
        12, StockReason.RESTOCK, "batch Juni", 12
    )


def test_adjust_with_a_negative_delta_within_stock_is_applied():
    variant = _variant(5)

    movement = stock.adjust(variant.id, -2, StockReason.CORRECTION, note="rusak")

    assert variant.stock == 3
    assert (movement.delta, movement.reason) == (-2, StockReason.CORRECTION)


def test_adjust_below_zero_is_refused_and_changes_nothing():
    variant = _variant(3)
    before = len(_movements(variant.id))

    with pytest.raises(InsufficientStockError):
        stock.adjust(variant.id, -4, StockReason.CORRECTION)

    assert _stock(variant.id) == 3
    assert len(_movements(variant.id)) == before


def test_adjust_refuses_an_unknown_reason():
    variant = _variant(3)

    with pytest.raises(ValueError):
        stock.adjust(variant.id, 1, "gift")

    assert _stock(variant.id) == 3


def test_set_stock_writes_one_correction_movement_with_the_difference():
    variant = _variant(10)
    before = len(_movements(variant.id))

    movement = stock.set_stock(variant.id, 4, note="stock-take")

    assert variant.stock == 4
    assert len(_movements(variant.id)) == before + 1
    assert (movement.delta, movement.reason, movement.stock_after) == (-6, StockReason.CORRECTION, 4)


def test_set_stock_upwards_writes_a_positive_correction():
    variant = _variant(2)

    movement = stock.set_stock(variant.id, 9)

    assert (movement.delta, movement.stock_after) == (7, 9)


def test_set_stock_to_the_current_count_writes_no_movement():
    variant = _variant(6)
    before = len(_movements(variant.id))

    assert stock.set_stock(variant.id, 6) is None

    assert len(_movements(variant.id)) == before
    assert _stock(variant.id) == 6


def test_set_stock_below_zero_is_refused():
    variant = _variant(6)

    with pytest.raises(InvalidQuantityError):
        stock.set_stock(variant.id, -1)

    assert _stock(variant.id) == 6


def test_reserve_many_takes_variants_in_ascending_id_order():
    sentra = make_sentra()
    product = make_product(
        sentra,
        variants=[
            {"sku": "A", "options": "Ukuran=S", "stock": 5},
            {"sku": "B", "options": "Ukuran=M", "stock": 5},
            {"sku": "C", "options": "Ukuran=L", "stock": 5},
        ],
    )
    a, b, c = sorted(v.id for v in product.variants)

    movements = stock.reserve_many([Line(c, 1), Line(a, 1), Line(b, 1)], order_id=5)

    assert [m.variant_id for m in movements] == [a, b, c]
    stored = list(
        db.session.scalars(
            select(StockMovement).where(StockMovement.order_id == 5).order_by(StockMovement.id)
        )
    )
    assert [m.variant_id for m in stored] == [a, b, c]


def test_reserve_many_merges_duplicate_lines_into_one_movement():
    variant = _variant(10)

    movements = stock.reserve_many([Line(variant.id, 2), Line(variant.id, 3)], order_id=8)

    assert len(movements) == 1
    assert movements[0].delta == -5
    assert variant.stock == 5


def test_reserve_many_raises_when_one_line_is_short():
    sentra = make_sentra()
    product = make_product(
        sentra,
        variants=[{"sku": "A", "options": "Ukuran=S", "stock": 5}, {"sku": "B", "options": "Ukuran=M", "stock": 1}],
    )
    a, b = (v.id for v in product.variants)

    with pytest.raises(InsufficientStockError) as excinfo:
        stock.reserve_many([Line(a, 1), Line(b, 2)])

    assert excinfo.value.variant_id == b


INVALID_QUANTITIES = [0, -1, 1.5, True, "2", None]


def test_reserve_refuses_a_quantity_that_is_not_a_positive_whole_number():
    variant = _variant(10)

    for quantity in INVALID_QUANTITIES:
        with pytest.raises(InvalidQuantityError):
            stock.reserve(variant.id, quantity)

    assert _stock(variant.id) == 10
    assert len(_movements(variant.id)) == 1  # the initial restock only


def test_restock_and_release_refuse_invalid_quantities():
    variant = _variant(10)

    for quantity in INVALID_QUANTITIES:
        with pytest.raises(InvalidQuantityError):
            stock.restock(variant.id, quantity)
        with pytest.raises(InvalidQuantityError):
            stock.release(variant.id, quantity)

    assert _stock(variant.id) == 10


def test_adjust_refuses_a_zero_or_non_integer_delta():
    variant = _variant(10)

    for delta in (0, 1.5, True, "2", None):
        with pytest.raises(InvalidQuantityError):
            stock.adjust(variant.id, delta, StockReason.CORRECTION)

    assert _stock(variant.id) == 10


def test_reserve_many_refuses_invalid_quantities_before_taking_anything():
    sentra = make_sentra()
    product = make_product(
        sentra,
        variants=[{"sku": "A", "options": "Ukuran=S", "stock": 5}, {"sku": "B", "options": "Ukuran=M", "stock": 5}],
    )
    a, b = sorted(v.id for v in product.variants)

    for quantity in INVALID_QUANTITIES:
        with pytest.raises(InvalidQuantityError):
            stock.reserve_many([Line(a, 1), Line(b, quantity)])

    assert (_stock(a), _stock(b)) == (5, 5)


def test_an_unknown_variant_is_a_stock_error():
    with pytest.raises(stock.StockError):
        stock.reserve(999_999, 1)
    with pytest.raises(stock.StockError):
        stock.set_stock(999_999, 1)


def test_stock_after_follows_the_running_total():
    variant = _variant(3)

    stock.reserve(variant.id, 2)
    stock.restock(variant.id, 5)
    stock.release(variant.id, 1)
    stock.adjust(variant.id, -4, StockReason.CORRECTION)
    stock.set_stock(variant.id, 10)

    movements = _movements(variant.id)
    assert [m.stock_after for m in movements] == [3, 1, 6, 7, 3, 10]
    assert variant.stock == 10 == _ledger_sum(variant.id)


def test_a_loaded_variant_shows_the_new_stock_after_a_change():
    variant = _variant(8)
    assert variant.stock == 8

    stock.reserve(variant.id, 3)

    assert variant.stock == 5


# --- property: stock always equals the sum of its movements ---------------------------------

_OPERATIONS = st.lists(
    st.one_of(
        st.tuples(st.just("reserve"), st.integers(1, 6)),
        st.tuples(st.just("release"), st.integers(1, 6)),
        st.tuples(st.just("restock"), st.integers(1, 6)),
        st.tuples(st.just("adjust"), st.integers(-8, 8).filter(bool)),
        st.tuples(st.just("set_stock"), st.integers(0, 12)),
    ),
    max_size=25,
)


def _run(operation: str, variant_id: int, amount: int) -> None:
    if operation == "reserve":
        stock.reserve(variant_id, amount, order_id=1)
    elif operation == "release":
        stock.release(variant_id, amount, order_id=1)
    elif operation == "restock":
        stock.restock(variant_id, amount)
    elif operation == "adjust":
        stock.adjust(variant_id, amount, StockReason.CORRECTION)
    else:
        stock.set_stock(variant_id, amount)


@settings(max_examples=60, deadline=None, database=None)  # no .hypothesis/ folder
@given(initial=st.integers(0, 10), operations=_OPERATIONS)
def test_stock_always_equals_the_sum_of_its_movements(initial, operations):
    variant = _variant(initial)  # a fresh sentra and variant per example
    try:
        for operation, amount in operations:
            with contextlib.suppress(InsufficientStockError):  # refusals are allowed
                _run(operation, variant.id, amount)
            current = _stock(variant.id)
            assert current >= 0
            assert current == _ledger_sum(variant.id)
        running = 0
        for movement in _movements(variant.id):
            running += movement.delta
            assert movement.stock_after == running
        assert running == _stock(variant.id)
    finally:
        db.session.rollback()


# --- reserve_lines (a checkout's reservation) -------------------------------------------------


def _variants(*stocks: int) -> list[int]:
    sentra = make_sentra()
    product = make_product(sentra, variants=[{"sku": f"R{i}", "options": f"Ukuran={i}", "stock": s}
                                             for i, s in enumerate(stocks)])
    db.session.commit()
    return [v.id for v in product.variants]


def test_reserve_lines_takes_every_line_with_a_movement_naming_its_order(app):
    a, b = _variants(5, 7)
    stock.reserve_lines([(b, 2, 11), (a, 1, 10), (a, 3, 12)])
    db.session.commit()
    assert (db.session.get(Variant, a).stock, db.session.get(Variant, b).stock) == (1, 5)
    moves = db.session.execute(select(StockMovement.variant_id, StockMovement.delta, StockMovement.order_id,
                                      StockMovement.stock_after).order_by(StockMovement.id.desc()).limit(3)).all()
    assert sorted(moves) == [(a, -3, 12, 1), (a, -1, 10, 4), (b, -2, 11, 5)]


def test_reserve_lines_short_of_stock_raises_naming_the_variant(app):
    a, b = _variants(5, 1)
    with pytest.raises(InsufficientStockError) as error:
        stock.reserve_lines([(a, 1, 1), (b, 2, 1)])
    assert (error.value.variant_id, error.value.requested, error.value.available) == (b, 2, 1)
    db.session.rollback()
    assert db.session.get(Variant, a).stock == 5


def test_reserve_lines_announces_only_the_products_it_emptied(app):
    sentra = make_sentra()
    [emptied], [kept] = (make_product(sentra, variants=[{"sku": sku, "stock": count}]).variants
                         for sku, count in (("E", 2), ("K", 5)))
    db.session.commit()
    announced: list[set[int]] = []

    def listen(_sender, *, product_ids):
        announced.append(set(product_ids))

    with stock.products_emptied.connected_to(listen):
        stock.reserve_lines([(emptied.id, 2, 1), (kept.id, 1, 1)])

    assert announced == [{emptied.product_id}]


def test_reserve_lines_that_empties_nothing_announces_nothing(app):
    [variant] = _variants(5)
    announced: list[object] = []

    with stock.products_emptied.connected_to(lambda _sender, **kwargs: announced.append(kwargs)):
        stock.reserve_lines([(variant, 1, 1)])

    assert announced == []


def test_reserve_lines_that_empties_a_variant_takes_it_out_of_in_stock_search(app):
    from catalog.search.models import SearchDocument

    [a] = _variants(2)
    product_id = db.session.get(Variant, a).product_id
    stock.reserve_lines([(a, 2, 1)])
    db.session.commit()
    assert db.session.scalar(select(SearchDocument.in_stock).where(SearchDocument.product_id == product_id)) is False


# --- reserve_lines with commit (a retail checkout: the reservation ends its transaction) ---------


def test_reserve_lines_with_commit_commits_the_reservation_with_the_callers_changes(app):
    a, b = _variants(5, 7)
    product = db.session.get(Variant, a).product
    product.title = "Batik tulis, dipesan"
    emptied = stock.reserve_lines([(b, 2, 11), (a, 1, 10)], actor_id=None, commit=True)
    db.session.rollback()  # nothing left to roll back: it committed
    assert emptied == []
    assert (db.session.get(Variant, a).stock, db.session.get(Variant, b).stock) == (4, 5)
    assert db.session.get(Variant, a).product.title == "Batik tulis, dipesan"
    moves = db.session.execute(select(StockMovement.variant_id, StockMovement.delta, StockMovement.order_id,
                                      StockMovement.stock_after, StockMovement.reason)
                               .where(StockMovement.reason == "order")).all()
    assert sorted(moves) == [(a, -1, 10, 4, "order"), (b, -2, 11, 5, "order")]


def test_reserve_lines_with_commit_takes_nothing_and_keeps_nothing_when_a_middle_line_is_short(app):
    a, b, c = _variants(5, 1, 5)
    db.session.get(Variant, a).product.title = "not to be kept"
    with pytest.raises(InsufficientStockError) as error:
        stock.reserve_lines([(c, 1, 1), (b, 2, 1), (a, 1, 1)], commit=True)
    assert (error.value.variant_id, error.value.requested, error.value.available) == (b, 2, 1)
    db.session.rollback()
    assert [db.session.get(Variant, v).stock for v in (a, b, c)] == [5, 1, 5]
    assert db.session.get(Variant, a).product.title != "not to be kept"
    assert db.session.scalar(select(func.count()).select_from(StockMovement)
                             .where(StockMovement.reason == "order")) == 0


def test_a_reservation_refused_for_stock_logs_no_warning(app, caplog):
    a, b = _variants(5, 1)
    with caplog.at_level(logging.WARNING), pytest.raises(InsufficientStockError):
        stock.reserve_lines([(a, 1, 1), (b, 2, 1)], commit=True)
    db.session.rollback()
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []


def test_reserve_lines_with_commit_returns_the_emptied_variants_and_announces_only_when_asked(app):
    from catalog.search.models import SearchDocument

    sentra = make_sentra()
    a, b = (make_product(sentra, variants=[{"sku": sku, "stock": count}]).variants[0].id
            for sku, count in (("E", 2), ("K", 5)))
    db.session.commit()
    product_id = db.session.get(Variant, a).product_id
    announced: list[set[int]] = []

    def listen(_sender, *, product_ids):
        announced.append(set(product_ids))

    with stock.products_emptied.connected_to(listen):
        emptied = stock.reserve_lines([(a, 2, 1), (b, 1, 1)], commit=True)
        assert announced == []  # nothing is announced while the rows are locked
        stock.announce_emptied(emptied)
        db.session.commit()
    assert emptied == [a]
    assert announced == [{product_id}]
    assert db.session.scalar(select(SearchDocument.in_stock).where(SearchDocument.product_id == product_id)) is False


def test_reserve_lines_with_commit_takes_nothing_when_a_variant_is_gone(app):
    [a] = _variants(5)
    gone = a + 1000
    with pytest.raises(stock.StockError, match=f"no variant {gone}"):
        stock.reserve_lines([(a, 1, 1), (gone, 1, 1)], commit=True)
    db.session.rollback()
    assert db.session.get(Variant, a).stock == 5
    assert db.session.scalar(select(func.count()).select_from(StockMovement)
                             .where(StockMovement.reason == "order")) == 0
