"""The home page as a shop (issue 17): its page-cache keys and scopes, and its query budget."""
from __future__ import annotations

from datetime import timedelta

from orders.core.models import OrderStatus, PaymentStatus
from shop.db import utcnow
from shop.extensions import db
from tests.catalog.test_page_cache import fresh, stored
from tests.factories import make_checkout, make_product, make_sentra, make_user
from tests.queries import count_queries


def world():
    pondok = make_sentra("32.75.08.1001", name="Sentra Kreatif Jatiwaringin")
    barat = make_sentra("32.75.01.1001", name="Sentra Bekasi Jaya")
    tas = make_product(pondok, title="Tas Anyaman Eceng", variants=[{"price_idr": 40_000, "stock": 9}])
    db.session.commit()
    return pondok, barat, tas


def test_each_kecamatan_choice_is_its_own_cached_page(client):
    world()
    pondokgede = stored(client, "/?kecamatan=32.75.08").text
    assert "Sentra Kreatif Jatiwaringin" in pondokgede and "Sentra Bekasi Jaya" not in pondokgede
    bekasi_timur = fresh(client, "/?kecamatan=32.75.01").text  # not the Pondokgede page from the cache
    assert "Sentra Bekasi Jaya" in bekasi_timur and "Sentra Kreatif Jatiwaringin" not in bekasi_timur.split(
        'id="sentra-terdekat"')[1]
    assert 'value="32.75.01" selected' in bekasi_timur


def test_an_unknown_kecamatan_is_ignored(client):
    world()
    response = client.get("/?kecamatan=99.99.99")
    assert response.status_code == 200
    assert "Sentra Bekasi Jaya" in response.text and "Sentra Kreatif Jatiwaringin" in response.text


def test_a_checkout_taking_stock_shows_on_the_cached_home_page(client):
    _, _, tas = world()
    assert "Stok 9" in stored(client, "/").text
    make_checkout(make_user(), [(tas.variants[0], 2)])
    assert "Stok 7" in fresh(client, "/").text


def test_a_price_change_shows_on_the_cached_home_page(client):
    _, _, tas = world()
    assert "Rp40.000" in stored(client, "/").text
    tas.variants[0].price_idr = 45_000
    db.session.commit()
    assert "Rp45.000" in fresh(client, "/").text


def test_a_new_product_shows_on_the_cached_home_page(client):
    pondok, _, _ = world()
    stored(client, "/")
    make_product(pondok, title="Lampion Bambu")
    db.session.commit()
    assert "Lampion Bambu" in fresh(client, "/").text


def test_the_home_page_costs_the_same_queries_with_one_sale_or_many(client):
    pondok, barat, tas = world()
    buyer = make_user()
    db.session.commit()

    def statements() -> int:
        client.get("/?kecamatan=32.75.08")
        with count_queries() as sent:
            assert client.get("/?kecamatan=32.75.08").status_code == 200
        return len(sent)

    make_checkout(buyer, [(tas.variants[0], 1)])
    one = statements()
    for i in range(8):
        product = make_product(barat if i % 2 else pondok, title=f"Kue Kering {i}",
                               variants=[{"price_idr": 20_000, "stock": 9}])
        order = make_checkout(buyer, [(product.variants[0], 1 + i)]).orders[0]
        order.status, order.payment_status = OrderStatus.COMPLETED, PaymentStatus.PAID
        order.created_at = utcnow() - timedelta(days=i)
    db.session.commit()
    assert statements() == one <= 5
