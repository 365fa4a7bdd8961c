"""Popular products (issue 17): the most sold in the last 30 days, then the best rated, available first.

Orders are placed through the real checkout, then moved to the status, payment state and date
each case needs: the ranking reads what the orders say, however they got there.
"""
from __future__ import annotations

from datetime import timedelta

from catalog.storefront.popularity import popular_product_ids, popular_products
from orders.core.models import OrderStatus, PaymentStatus
from shop.db import utcnow
from shop.extensions import db
from tests.factories import make_checkout, make_product, make_sentra, make_user


def product(sentra, title: str, stock: int = 20, rating: float = 0.0, ratings: int = 0, **fields):
    made = make_product(sentra, title=title, variants=[{"price_idr": 10_000, "stock": stock}], **fields)
    made.rating_avg, made.rating_count = rating, ratings
    db.session.commit()
    return made


def sold(buyer, made, quantity: int = 1, *, status: str = OrderStatus.PROCESSING,
         payment: str = PaymentStatus.PAID, days_ago: int = 1):
    """An order of ``quantity`` of ``made``, moved to ``status`` / ``payment``, placed ``days_ago``."""
    order = make_checkout(buyer, [(made.variants[0], quantity)]).orders[0]
    order.status, order.payment_status = status, payment
    order.created_at = utcnow() - timedelta(days=days_ago)
    db.session.commit()
    return order


def titles(ids: list[int]) -> list[str]:
    from catalog.products.models import Product
    by_id = {p.id: p.title for p in db.session.query(Product).filter(Product.id.in_(ids))}
    return [by_id[i] for i in ids]


def setup_shop():
    sentra = make_sentra("32.75.08.1001")
    buyer = make_user("pembeli@example.test")
    db.session.commit()
    return sentra, buyer


def test_a_product_with_sales_outranks_a_newer_better_rated_one_without():
    sentra, buyer = setup_shop()
    old = product(sentra, "Tas Lama")
    product(sentra, "Batik Baru Bintang Lima", rating=5.0, ratings=12)
    sold(buyer, old)
    assert titles(popular_product_ids()) == ["Tas Lama", "Batik Baru Bintang Lima"]


def test_more_units_sold_rank_higher():
    sentra, buyer = setup_shop()
    one, three = product(sentra, "Satu Terjual"), product(sentra, "Tiga Terjual")
    sold(buyer, one, 1)
    sold(buyer, three, 2)
    sold(buyer, three, 1, status=OrderStatus.COMPLETED)
    assert titles(popular_product_ids()) == ["Tiga Terjual", "Satu Terjual"]


def test_sales_older_than_30_days_do_not_count():
    sentra, buyer = setup_shop()
    long_ago, recent = product(sentra, "Laris Dulu"), product(sentra, "Laris Sekarang")
    sold(buyer, long_ago, 5, days_ago=31)
    sold(buyer, recent, 1, days_ago=29)
    assert titles(popular_product_ids()) == ["Laris Sekarang", "Laris Dulu"]


def test_cancelled_expired_unpaid_and_refunded_orders_are_not_sales():
    sentra, buyer = setup_shop()
    rated = product(sentra, "Dinilai Baik", rating=4.5, ratings=3)
    cases = [
        ("Dibatalkan", OrderStatus.CANCELLED, PaymentStatus.UNPAID),
        ("Kedaluwarsa", OrderStatus.EXPIRED, PaymentStatus.UNPAID),
        ("Menunggu Bayar", OrderStatus.PENDING_PAYMENT, PaymentStatus.UNPAID),
        ("Bayar Di Tempat Belum Diambil", OrderStatus.PLACED, PaymentStatus.UNPAID),
        ("Dikembalikan Dananya", OrderStatus.COMPLETED, PaymentStatus.REFUNDED),
    ]
    for title, status, payment in cases:
        sold(buyer, product(sentra, title), 9, status=status, payment=payment)
    # None of those sold, so the better rated product leads them all.
    assert titles(popular_product_ids(10))[0] == rated.title


def test_a_fulfilled_pay_at_pickup_order_counts_before_it_is_paid():
    sentra, buyer = setup_shop()
    product(sentra, "Belum Laku", rating=5.0, ratings=1)
    picked = product(sentra, "Siap Diambil")
    sold(buyer, picked, status=OrderStatus.READY_FOR_PICKUP, payment=PaymentStatus.UNPAID)
    assert titles(popular_product_ids())[0] == "Siap Diambil"


def test_in_stock_first_among_sold_but_sold_out_still_before_unsold():
    sentra, buyer = setup_shop()
    best_seller = product(sentra, "Laris Habis", stock=5)
    few = product(sentra, "Laris Ada")
    product(sentra, "Belum Laku Ada", rating=5.0, ratings=9)
    sold(buyer, best_seller, 5)  # takes the last five
    sold(buyer, few, 1)
    assert titles(popular_product_ids()) == ["Laris Ada", "Laris Habis", "Belum Laku Ada"]


def test_without_sales_the_better_rated_and_available_come_first():
    sentra, _ = setup_shop()
    product(sentra, "Habis Bintang Lima", stock=0, rating=5.0, ratings=4)
    product(sentra, "Biasa", rating=3.0, ratings=2)
    product(sentra, "Bagus", rating=4.5, ratings=2)
    product(sentra, "Dibuat Sesuai Pesanan", stock=0, made_to_order=True, lead_time_days=3, rating=4.0, ratings=1)
    assert titles(popular_product_ids()) == ["Bagus", "Dibuat Sesuai Pesanan", "Biasa", "Habis Bintang Lima"]


def test_available_only_leaves_sold_out_products_out():
    sentra, _ = setup_shop()
    product(sentra, "Habis", stock=0, rating=5.0, ratings=4)
    product(sentra, "Ada")
    assert titles(popular_product_ids(available_only=True)) == ["Ada"]


def test_drafts_and_products_of_suspended_sentras_are_not_popular():
    from shop.sentras.models import SentraStatus
    sentra, buyer = setup_shop()
    other = make_sentra("32.75.01.1001")
    db.session.commit()
    product(sentra, "Draf", status="draft")
    hidden = product(other, "Sentra Ditangguhkan")
    sold(buyer, hidden, 3)
    other.status = SentraStatus.SUSPENDED
    product(sentra, "Tampil")
    assert titles(popular_product_ids()) == ["Tampil"]


def test_cards_keep_the_ranking_and_name_the_sentra():
    sentra, buyer = setup_shop()
    product(sentra, "Kedua", rating=4.0, ratings=1)
    first = product(sentra, "Pertama")
    sold(buyer, first)
    cards = popular_products()
    assert [c.title for c in cards] == ["Pertama", "Kedua"]
    assert cards[0].sentra_name == sentra.name and cards[0].kelurahan.code == "32.75.08.1001"
