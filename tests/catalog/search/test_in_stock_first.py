"""The default search order puts what can be bought first (issue 17: sold-out items ranked first).

Each case makes the sold-out product the one the old order put first (newer, or a better title
match), so only the in-stock rule can put the in-stock product ahead of it.
"""
from __future__ import annotations

import pytest

import catalog.search as search_api
from catalog.search.types import SearchQuery, Sort
from shop.extensions import db
from tests.factories import make_product, make_sentra


def titles(text: str = "", **options) -> list[str]:
    return [h.title for h in search_api.search(SearchQuery(text=text, **options)).hits]


@pytest.fixture
def sentra():
    made = make_sentra()
    db.session.commit()
    return made


def stocked(sentra, title: str, stock: int, **fields):
    return make_product(sentra, title=title, variants=[{"price_idr": 20_000, "stock": stock}], **fields)


def test_a_text_search_lists_in_stock_before_a_newer_sold_out_match(sentra):
    stocked(sentra, "Tas Anyaman Pandan", 3)
    stocked(sentra, "Tas Anyaman Bambu", 0)  # newer: first by the old order
    db.session.commit()
    assert titles("tas anyaman") == ["Tas Anyaman Pandan", "Tas Anyaman Bambu"]


def test_in_stock_comes_before_a_better_title_match_that_is_sold_out(sentra):
    stocked(sentra, "Dompet Kulit", 2, description="Dompet dengan hiasan anyaman pandan")
    stocked(sentra, "Anyaman Pandan Besar", 0)
    db.session.commit()
    assert titles("anyaman") == ["Dompet Kulit", "Anyaman Pandan Besar"]


def test_made_to_order_counts_as_in_stock(sentra):
    stocked(sentra, "Batik Tulis Pesanan", 0, made_to_order=True, lead_time_days=7)
    stocked(sentra, "Batik Cap Habis", 0)
    db.session.commit()
    assert titles("batik") == ["Batik Tulis Pesanan", "Batik Cap Habis"]


def test_the_next_page_continues_with_the_sold_out_ones(sentra):
    stocked(sentra, "Keripik Pisang", 5)
    stocked(sentra, "Keripik Tempe", 0)
    stocked(sentra, "Keripik Singkong", 4)
    db.session.commit()
    pages = [titles("keripik", per_page=1, page=n) for n in (1, 2, 3)]
    assert pages == [["Keripik Singkong"], ["Keripik Pisang"], ["Keripik Tempe"]]


def test_a_browse_without_words_lists_in_stock_first(sentra):
    stocked(sentra, "Kaos Sablon", 1)
    stocked(sentra, "Kaos Polos", 0)
    db.session.commit()
    assert titles() == ["Kaos Sablon", "Kaos Polos"]


def test_a_search_with_a_price_range_lists_in_stock_first(sentra):
    stocked(sentra, "Lilin Aromaterapi", 1)
    stocked(sentra, "Lilin Hias", 0)
    db.session.commit()
    assert titles("lilin", min_price=10_000) == ["Lilin Aromaterapi", "Lilin Hias"]


def test_a_chosen_sort_keeps_its_own_order(sentra):
    stocked(sentra, "Gantungan Kunci Kayu", 1)
    stocked(sentra, "Gantungan Kunci Akrilik", 0)
    db.session.commit()
    assert titles("gantungan", sort=Sort.NEWEST) == ["Gantungan Kunci Akrilik", "Gantungan Kunci Kayu"]


def test_suggestions_offer_in_stock_products_first(sentra):
    stocked(sentra, "Sambal Bawang", 2)
    stocked(sentra, "Sambal Roa", 0)
    db.session.commit()
    products = [s["title"] for s in search_api.suggest("sambal") if s["type"] == "product"]
    assert products == ["Sambal Bawang", "Sambal Roa"]
