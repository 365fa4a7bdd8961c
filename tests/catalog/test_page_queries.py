"""The public pages make a bounded number of SQL statements, however many products they show."""
from __future__ import annotations

import pytest

from catalog.products.models import ProductImage
from shop.extensions import db
from tests.factories import make_partner, make_product, make_sentra, make_user
from tests.queries import count_queries


def stock_sentra(kelurahan_code: str, products: int) -> str:
    """A sentra with ``products`` public products (3 variants with tiers, 2 photos each); one product's URL."""
    sentra = make_sentra(kelurahan_code)
    first = None
    for i in range(products):
        product = make_product(sentra, title=f"Produk {i}", variants=[
            {"options": f"Ukuran={size}", "price_idr": 10_000 * (n + 1), "stock": n, "tiers": "10:9000"}
            for n, size in enumerate("SML")
        ])
        for position in range(2):
            db.session.add(ProductImage(product_id=product.id, position=position, key=f"p/{i}-{position}.webp",
                                        thumb_320_key="p/a.webp", thumb_960_key="p/b.webp", width=800, height=600))
        first = first or product
    db.session.commit()
    return f"/p/{first.id}-{first.slug}"


@pytest.fixture
def shops():
    """Jatiwaringin (kecamatan Pondokgede) with 3 products, Bekasijaya (Bekasi Barat) with 30."""
    few = stock_sentra("32.75.08.1001", 3)
    many = stock_sentra("32.75.01.1001", 30)
    return {
        3: {"home": "/", "product": few, "storefront": "/sentra/jatiwaringin",
            "category": "/kategori/kriya?kecamatan=32.75.08", "directory": "/sentra",
            "search": "/search?q=produk&kecamatan=32.75.08&per_page=2",
            "search with facets": "/search?q=produk&kecamatan=32.75.08&subsector=kriya&in_stock=1&per_page=2"},
        30: {"home": "/", "product": many, "storefront": "/sentra/bekasijaya",
             "category": "/kategori/kriya?kecamatan=32.75.01", "directory": "/sentra",
             "search": "/search?q=produk&kecamatan=32.75.01&per_page=2",
             "search with facets": "/search?q=produk&kecamatan=32.75.01&subsector=kriya&in_stock=1&per_page=2"},
    }


def statements_per_page(client, urls: dict[str, str]) -> dict[str, int]:
    out = {}
    for name, url in urls.items():
        client.get(url)  # warm the per-process caches (reference data)
        with count_queries() as statements:
            assert client.get(url).status_code == 200
        out[name] = len(statements)
    return out


def test_public_pages_make_at_most_five_queries(client, shops):
    """The storefront reads one more: its sentra (with its kelurahan's survey), subsectors, products, and
    the sentra's classes, facilities (issue 19) and openings (issue 20), one statement for each list."""
    for urls in shops.values():
        result = statements_per_page(client, {k: v for k, v in urls.items() if not k.startswith("search")})
        limits = {"storefront": 6}
        assert all(n <= limits.get(name, 5) for name, n in result.items()), result


def test_a_search_makes_at_most_nine_queries(client, shops):
    """Vocabulary and synonyms are checked for changes, then facets, labels, the page's ids and rows;
    the first page of a text search also reads the sentras whose name or place matches (one more) and
    the upcoming classes whose title matches (one more, issue 19). The search log (issue 22) sends
    nothing while the page is built: its row is written after the response, outside this count.

    On PostgreSQL each active facet filter counts its own facet in one more statement (two
    here). A page the first relevance tier does not fill reads the next tier too: at most one
    more statement per tier, however many products there are (the pages here fill in the first).
    """
    for urls in shops.values():
        result = statements_per_page(client, {k: v for k, v in urls.items() if k.startswith("search")})
        limit = 10 if db.engine.dialect.name == "postgresql" else 9
        assert all(n <= limit for n in result.values()), result


def test_query_count_does_not_grow_with_the_number_of_products(client, shops):
    assert statements_per_page(client, shops[30]) == statements_per_page(client, shops[3])


def test_unfiltered_category_with_33_products_makes_as_many_queries_as_with_3(client, shops):
    assert statements_per_page(client, {"all": "/kategori/kriya"}) == statements_per_page(
        client, {"all": shops[3]["category"]}
    )


def test_a_partner_sees_tiers_with_a_bounded_number_of_queries(client, auth, shops):
    make_partner(make_user("mitra@example.test"))
    db.session.commit()
    auth.login("mitra@example.test")
    few, many = (statements_per_page(client, {"product": shops[n]["product"]}) for n in (3, 30))
    assert few == many
    assert many["product"] <= 9  # 8, plus the header's cart count for a signed-in buyer


@pytest.mark.sqlite_only
def test_a_cards_first_photo_is_read_in_order_not_sorted(client, shops):
    """Each card's first photo comes off ix_product_image_in_order: no sort of the product's photos per card."""
    from sqlalchemy import event

    sent: list[tuple[str, object]] = []

    def record(conn, cursor, statement, params, *args):
        sent.append((statement, params))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        page = client.get("/sentra/bekasijaya")
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert page.status_code == 200 and b"p/a.webp" in page.data  # the cards show their photos
    statement, params = next((s, p) for s, p in sent if "FROM product_image" in s and "min(variant.price_idr)" in s)
    plan = db.session.connection().exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", tuple(params)).all()
    subquery = next(row[0] for row in plan if row[3].startswith("CORRELATED SCALAR SUBQUERY"))
    inside = [row[3] for row in plan if row[1] == subquery]
    assert any("ix_product_image_in_order" in step for step in inside), inside
    assert not any("TEMP B-TREE" in step for step in inside), inside
