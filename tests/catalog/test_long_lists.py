"""Long public lists count their products only so far past the page, then say "more than"."""
from __future__ import annotations

import pytest

from catalog.storefront import queries
from shop.extensions import db
from tests.factories import make_product, make_sentra


@pytest.fixture
def short_count(monkeypatch):
    """Lists count no further than 5 products past the page's first one."""
    monkeypatch.setattr(queries, "COUNT_AHEAD", 5)


def stock(sentra, n: int, subsector: str = "kriya") -> list[int]:
    ids = [make_product(sentra, title=f"Produk {i}", subsector=subsector).id for i in range(n)]
    db.session.commit()
    return ids


def test_a_category_within_the_count_says_exactly_how_many_products(client, short_count):
    stock(make_sentra(), 4)
    html = client.get("/kategori/kriya").get_data(as_text=True)
    assert "4 produk" in html
    assert "Lebih dari" not in html


def test_a_category_past_the_count_says_more_than_and_links_the_next_page(client, short_count):
    stock(make_sentra(), 30)  # a page of 24 is counted at least, and one more to know of a next page
    html = client.get("/kategori/kriya").get_data(as_text=True)
    assert "Lebih dari 24 produk" in html
    assert "Halaman 1 dari sedikitnya 2" in html
    assert 'rel="next" href="/kategori/kriya?page=2"' in html


def test_a_later_page_counts_from_its_own_start(app, short_count):
    ids = stock(make_sentra(), 12)
    second = queries.category_products("kriya", page=2, per_page=3)
    assert [card.id for card in second.items] == ids[::-1][3:6]
    assert (second.total, second.total_is_lower_bound) == (8, True)
    last = queries.category_products("kriya", page=4, per_page=3)
    assert [card.id for card in last.items] == ids[::-1][9:]
    assert (last.total, last.total_is_lower_bound, last.has_next) == (12, False, False)


def test_past_the_last_page_the_count_is_still_given(app, short_count):
    stock(make_sentra(), 3)
    beyond = queries.category_products("kriya", page=9, per_page=3)
    assert (beyond.items, beyond.total, beyond.total_is_lower_bound) == ([], 3, False)


def test_a_storefront_past_the_count_says_more_than(client, short_count):
    sentra = make_sentra()
    stock(sentra, 26)
    html = client.get(f"/sentra/{sentra.slug}").get_data(as_text=True)
    assert "(lebih dari 24)" in html


def test_the_count_leaves_out_products_of_other_subsectors_and_kecamatan(app, short_count):
    here = make_sentra("32.75.08.1001")  # kecamatan Pondokgede
    stock(here, 2)
    stock(here, 9, subsector="kuliner")
    stock(make_sentra("32.75.01.1001"), 9)  # Bekasi Barat
    page = queries.category_products("kriya", queries.reference().kelurahan_codes_of("32.75.08"))
    assert (len(page.items), page.total, page.total_is_lower_bound) == (2, 2, False)
