"""The public page cache shows every change on the very next request (issue 16, item 2).

Each test stores a page (the second GET is answered from the cache: ``X-Page-Cache: hit``),
changes what it shows the way the application changes it (a service and a commit, a checkout,
the CLI, another process), and asks again: the change is there, from a fresh page.
"""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest
from flask import current_app

from catalog import stock
from catalog.images import add_photo
from catalog.products.models import ProductStatus, Variant
from catalog.products.services import set_status
from catalog.reviews.services import hide_review
from orders.services import cancel_by_buyer
from shop.extensions import db
from shop.sentras.models import SentraStatus
from tests.catalog.reviews_helpers import delivered_order, review_of
from tests.catalog.test_csv_io import csv_bytes, two_sizes
from tests.factories import (
    add_member,
    make_checkout,
    make_product,
    make_sentra,
    make_user,
    png_bytes,
)

HIT, MISS = "hit", "miss"


def stored(client, url: str):
    """GET ``url`` until it comes from the page cache (the second time); return that response."""
    client.get(url)
    response = client.get(url)
    assert response.headers.get("X-Page-Cache") == HIT, url
    return response


def fresh(client, url: str):
    response = client.get(url)
    assert response.headers.get("X-Page-Cache") == MISS, url
    return response


@pytest.fixture
def shop_world():
    sentra = make_sentra(name="Sentra Kriya Jatiwaringin")
    product = make_product(sentra, title="Tas Anyaman Eceng", subsector="kriya",
                           variants=[{"price_idr": 40_000, "stock": 9, "sku": "TAS-1"}])
    db.session.commit()
    return sentra, product


def product_url(product) -> str:
    return f"/p/{product.id}-{product.slug}"


def pages_of(sentra, product) -> list[str]:
    return [product_url(product), f"/sentra/{sentra.slug}", "/kategori/kriya", "/search?q=anyaman"]


def test_a_product_edit_shows_on_its_page_storefront_category_and_search(client, shop_world):
    sentra, product = shop_world
    for url in pages_of(sentra, product):
        assert "Tas Anyaman Eceng" in stored(client, url).text

    product.title = "Tas Anyaman Pandan"
    db.session.commit()

    for url in pages_of(sentra, product):
        assert "Tas Anyaman Pandan" in fresh(client, url).text


def test_a_checkout_taking_stock_shows_on_the_product_page_and_category(client, shop_world):
    sentra, product = shop_world
    assert "Stok 9" in stored(client, product_url(product)).text
    assert "Stok 9" in stored(client, "/kategori/kriya").text

    make_checkout(make_user(), [(product.variants[0], 2)])

    assert "Stok 7" in fresh(client, product_url(product)).text
    assert "Stok 7" in fresh(client, "/kategori/kriya").text


def test_taking_the_last_unit_shows_out_of_stock_in_search(client, shop_world):
    sentra, product = shop_world
    assert "stock-in" in stored(client, "/search?q=anyaman").text

    make_checkout(make_user(), [(product.variants[0], 9)])

    assert "stock-out" in fresh(client, "/search?q=anyaman").text


def test_a_restock_shows_on_the_product_page(client, shop_world):
    _sentra, product = shop_world
    stored(client, product_url(product))

    stock.restock(product.variants[0].id, 5)
    db.session.commit()

    assert "Stok 14" in fresh(client, product_url(product)).text


def test_a_cancelled_order_returning_its_stock_shows_on_the_product_page(client, shop_world):
    _sentra, product = shop_world
    buyer = make_user()
    order = make_checkout(buyer, [(product.variants[0], 3)]).orders[0]
    assert "Stok 6" in stored(client, product_url(product)).text

    cancel_by_buyer(order, buyer, None, current_app.config)
    db.session.commit()

    assert "Stok 9" in fresh(client, product_url(product)).text


def test_a_csv_import_from_the_cli_shows_new_stock_and_prices(client, runner, tmp_path):
    sentra = make_sentra()
    db.session.commit()
    path = tmp_path / "produk.csv"
    path.write_bytes(csv_bytes(*two_sizes()))
    assert runner.invoke(args=["import-products", sentra.slug, str(path)]).exit_code == 0
    db.session.expire_all()
    product = db.session.scalars(db.select(Variant)).first().product
    assert "Stok 10" in stored(client, product_url(product)).text

    path.write_bytes(csv_bytes(*two_sizes(stock="4", price_idr="77000")))
    assert runner.invoke(args=["import-products", sentra.slug, str(path)]).exit_code == 0

    page = fresh(client, product_url(product)).text
    assert "Stok 4" in page
    assert "Rp77.000" in page


def test_a_price_change_shows_on_the_product_page_and_category(client, shop_world):
    _sentra, product = shop_world
    stored(client, product_url(product))
    stored(client, "/kategori/kriya")

    product.variants[0].price_idr = 45_500
    db.session.commit()

    assert "Rp45.500" in fresh(client, product_url(product)).text
    assert "Rp45.500" in fresh(client, "/kategori/kriya").text


def test_a_new_photo_shows_on_the_product_page_and_storefront(client, shop_world):
    sentra, product = shop_world
    assert "<img" not in stored(client, f"/sentra/{sentra.slug}").text.split("product-grid")[-1]
    stored(client, product_url(product))

    image = add_photo(product, png_bytes(), "Tas dari depan")
    db.session.commit()

    assert image.thumb_320_key in fresh(client, f"/sentra/{sentra.slug}").text
    assert "Tas dari depan" in fresh(client, product_url(product)).text


def test_a_new_variant_shows_on_the_product_page(client, shop_world):
    sentra, product = shop_world
    stored(client, product_url(product))

    db.session.add(Variant(product_id=product.id, sentra_id=sentra.id, sku="TAS-BESAR", options=[["Ukuran", "Besar"]],
                           price_idr=60_000, stock=0, position=2))
    db.session.commit()

    assert "Ukuran: Besar" in fresh(client, product_url(product)).text


def test_unpublishing_a_product_takes_it_off_every_page(client, shop_world):
    sentra, product = shop_world
    for url in pages_of(sentra, product):
        stored(client, url)

    set_status(product, None, ProductStatus.ARCHIVED)
    db.session.commit()

    assert client.get(product_url(product)).status_code == 404
    for url in pages_of(sentra, product)[1:]:
        assert "Tas Anyaman Eceng" not in fresh(client, url).text


def test_a_new_review_and_its_moderation_show_on_the_product_page(client, shop_world):
    _sentra, product = shop_world
    buyer = make_user(name="Rina Pembeli")
    order = delivered_order(buyer, product.variants[0])
    stored(client, product_url(product))

    review = review_of(order, 5, "Anyamannya rapi sekali")
    assert "Anyamannya rapi sekali" in fresh(client, product_url(product)).text
    stored(client, product_url(product))

    hide_review(review, make_user(admin=True), "spam")
    db.session.commit()
    assert "Anyamannya rapi sekali" not in fresh(client, product_url(product)).text


def test_a_reviewers_new_name_shows_on_the_product_page(client, shop_world):
    _sentra, product = shop_world
    buyer = make_user(name="Rina Pembeli")
    review_of(delivered_order(buyer, product.variants[0]), 4, "Bagus")
    assert "Rina" in stored(client, product_url(product)).text

    buyer.name = "Wulan Pembeli"
    db.session.commit()

    assert "Wulan" in fresh(client, product_url(product)).text


def test_a_sentras_new_name_shows_on_every_page_that_names_it(client, shop_world):
    sentra, product = shop_world
    urls = [*pages_of(sentra, product), "/sentra", "/"]
    for url in urls:
        assert "Sentra Kriya Jatiwaringin" in stored(client, url).text

    sentra.name = "Sentra Anyaman Jatiwaringin"
    db.session.commit()

    for url in urls:
        assert "Sentra Anyaman Jatiwaringin" in fresh(client, url).text, url


def test_a_suspended_sentra_leaves_the_marketplace_at_once(client, shop_world):
    sentra, product = shop_world
    for url in [*pages_of(sentra, product), "/sentra"]:
        stored(client, url)

    sentra.status = SentraStatus.SUSPENDED
    db.session.commit()

    assert client.get(product_url(product)).status_code == 404
    assert client.get(f"/sentra/{sentra.slug}").status_code == 404
    assert "Sentra Kriya Jatiwaringin" not in fresh(client, "/sentra").text
    assert "Tas Anyaman Eceng" not in fresh(client, "/kategori/kriya").text


def test_a_new_member_shows_in_the_storefronts_count(client, shop_world):
    sentra, _product = shop_world
    before = stored(client, f"/sentra/{sentra.slug}").text

    add_member(sentra, make_user())
    db.session.commit()

    assert fresh(client, f"/sentra/{sentra.slug}").text != before


def test_a_change_made_by_another_process_shows_on_the_next_request(client, shop_world, app):
    _sentra, product = shop_world
    assert "Stok 9" in stored(client, product_url(product)).text
    script = textwrap.dedent("""
        import sys
        from catalog import stock
        from shop import create_app
        from shop.extensions import db
        app = create_app({"SQLALCHEMY_DATABASE_URI": sys.argv[1], "SECRET_KEY": "x", "TESTING": True,
                          "PAGE_CACHE": False})
        with app.app_context():
            stock.restock(int(sys.argv[2]), 30)
            db.session.commit()
    """)
    done = subprocess.run([sys.executable, "-c", script, app.config["SQLALCHEMY_DATABASE_URI"],
                           str(product.variants[0].id)], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PAGE_CACHE": "0"})
    assert done.returncode == 0, done.stderr

    assert "Stok 39" in fresh(client, product_url(product)).text


def test_a_change_rolled_back_moves_nothing(client, shop_world):
    _sentra, product = shop_world
    stored(client, product_url(product))

    product.title = "Judul yang batal"
    db.session.flush()
    db.session.rollback()

    assert client.get(product_url(product)).headers["X-Page-Cache"] == HIT


def test_a_sentra_that_matches_a_search_appears_above_its_products(client, shop_world):
    other = make_sentra("32.75.01.1001", name="Sentra Kreatif Bintara")  # no product: only its name can match
    db.session.commit()
    assert "Sentra Anyaman Bintara" not in stored(client, "/search?q=anyaman").text

    other.name = "Sentra Anyaman Bintara"
    db.session.commit()

    assert "Sentra Anyaman Bintara" in fresh(client, "/search?q=anyaman").text


def test_a_variant_the_session_has_read_with_its_product_is_resolved_without_a_query(shop_world):
    from catalog.storefront.freshness import _variant_scopes
    from tests.queries import count_queries

    sentra, product = shop_world
    variant = product.variants[0]
    assert variant.product.subsector_code == "kriya"  # read, as a checkout's cart lines are

    with count_queries() as statements:
        scopes = _variant_scopes(db.session, {variant.id})

    assert scopes == {f"sentra:{sentra.id}", "subsector:kriya"}
    assert statements == []


def test_a_variant_the_session_has_not_read_is_resolved_from_the_database(shop_world):
    from catalog.storefront.freshness import _variant_scopes
    from tests.queries import count_queries

    sentra, product = shop_world
    variant_id = product.variants[0].id
    db.session.expire_all()

    with count_queries() as statements:
        scopes = _variant_scopes(db.session, {variant_id})

    assert scopes == {f"sentra:{sentra.id}", "subsector:kriya"}
    assert len(statements) == 1


class _Clock:
    """``time`` as the page cache's middleware sees it, moved to ``at`` (a UTC datetime)."""

    def __init__(self, at):
        self.at = at

    def time(self) -> float:
        return self.at.timestamp()

    @staticmethod
    def monotonic() -> float:
        import time

        return time.monotonic()


def _move_clock(monkeypatch, at) -> None:
    import orders.classes.services
    import shop.caching
    import shop.pagecache.middleware

    monkeypatch.setattr(shop.pagecache.middleware, "time", _Clock(at))
    monkeypatch.setattr(orders.classes.services, "utcnow", lambda: at)
    monkeypatch.setattr(shop.caching, "utcnow", lambda: at)


def test_a_class_that_has_ended_leaves_the_cached_storefront_and_search(client, monkeypatch, shop_world):
    from datetime import timedelta

    from tests.orders.classes.helpers import make_class

    sentra, _product = shop_world
    klass = make_class(sentra, title="Kelas Anyaman Sore", days=(2,))
    later = make_class(sentra, title="Kelas Anyaman Pagi", days=(4,))
    urls = [f"/sentra/{sentra.slug}", "/search?q=anyaman"]
    for url in urls:
        assert "Kelas Anyaman Sore" in stored(client, url).text
    _move_clock(monkeypatch, klass.ends_at - timedelta(minutes=1))
    for url in urls:
        assert "Kelas Anyaman Sore" in client.get(url).text  # still on: it has not ended
    _move_clock(monkeypatch, klass.ends_at + timedelta(seconds=1))
    for url in urls:
        page = fresh(client, url).text
        assert "Kelas Anyaman Sore" not in page and "Kelas Anyaman Pagi" in page
    assert later.ends_at > klass.ends_at


def test_a_storefront_with_a_class_ending_soon_is_kept_by_browsers_only_until_then(client, monkeypatch, shop_world):
    from datetime import timedelta

    from tests.orders.classes.helpers import make_class

    sentra, _product = shop_world
    klass = make_class(sentra, title="Kelas Anyaman Sore", days=(2,))
    _move_clock(monkeypatch, klass.ends_at - timedelta(seconds=30))
    response = client.get(f"/sentra/{sentra.slug}")
    assert response.headers["Cache-Control"] == "public, max-age=30, stale-while-revalidate=0"
