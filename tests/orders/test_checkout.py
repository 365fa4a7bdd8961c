"""Checkout: a cart becomes one checkout and one order per sentra, in one transaction."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from catalog.products.models import StockMovement
from orders.cart.models import CartLine
from orders.checkout.errors import (
    DeliveryUnavailableError,
    EmptyCartError,
    InsufficientStockCheckoutError,
    PaymentMethodUnavailableError,
    PriceChangedError,
    UnavailableItemsError,
)
from orders.checkout.services import AddressInput, CheckoutRequest, place_checkout
from orders.core.models import Checkout, Order
from shop.extensions import db
from tests.factories import (
    BEKASI_ADDRESS,
    fill_cart,
    make_checkout,
    make_product,
    make_sentra,
    make_user,
)
from tests.queries import count_queries


def _two_sentras():
    a = make_sentra(kelurahan_code="32.75.08.1001")
    b = make_sentra(kelurahan_code="32.75.01.1001")
    pa = make_product(a, variants=[{"price_idr": 25_000, "stock": 5, "weight_grams": 300}])
    pb = make_product(b, variants=[{"price_idr": 40_000, "stock": 3, "weight_grams": 800}])
    db.session.commit()
    return pa.variants[0], pb.variants[0]


CHECKOUT_COLUMNS = tuple(column.key for column in Checkout.__table__.columns)


def _request(slugs, method="pay_on_pickup", delivery="pickup", key="k1", **extra):
    return CheckoutRequest(idempotency_key=key, payment_method=method, address=AddressInput(**BEKASI_ADDRESS),
                           deliveries={slug: delivery for slug in slugs}, **extra)


def test_cart_of_two_sentras_becomes_one_checkout_with_an_order_each(app):
    buyer = make_user()
    va, vb = _two_sentras()
    checkout = make_checkout(buyer, [(va, 2), (vb, 1)])
    assert checkout.total_idr == 2 * 25_000 + 40_000
    assert sorted(o.sentra.slug for o in checkout.orders) == sorted([va.product.sentra.slug, vb.product.sentra.slug])
    for order in checkout.orders:
        assert order.status == "placed" and order.payment_status == "unpaid"
        assert order.pickup_code and len(order.pickup_code) == 6
        assert order.number.startswith("PS-") and len(order.number) == 13
    db.session.refresh(va)
    db.session.refresh(vb)
    assert (va.stock, vb.stock) == (3, 2)
    assert db.session.scalar(select(func.count()).select_from(CartLine)) == 0


def test_placed_checkout_comes_back_as_committed_without_being_read_again(app):
    buyer = make_user()
    va, _vb = _two_sentras()
    fill_cart(buyer, [(va, 2)])
    db.session.commit()
    with count_queries() as statements:
        result = place_checkout(buyer, _request([va.product.sentra.slug]), app.config)
        shown = {name: getattr(result.checkout, name) for name in CHECKOUT_COLUMNS}
    assert not [s for s in statements if "FROM checkout" in s]
    db.session.expire_all()
    stored = db.session.get(Checkout, shown["id"])
    assert shown == {name: getattr(stored, name) for name in CHECKOUT_COLUMNS}
    assert shown["total_idr"] == 2 * 25_000 and shown["payment_method"] == "pay_on_pickup"


def test_second_submit_of_same_checkout_returns_first_checkout(app):
    buyer = make_user()
    va, vb = _two_sentras()
    first = make_checkout(buyer, [(va, 1)], key="same")
    fill_cart(buyer, [(va, 1)])
    db.session.commit()
    again = place_checkout(buyer, _request([va.product.sentra.slug], key="same"), app.config)
    assert again.created is False and again.checkout.id == first.id
    assert db.session.scalar(select(func.count()).select_from(Order)) == 1
    db.session.refresh(va)
    assert va.stock == 4


def test_checkout_naming_every_short_variant_reserves_nothing(app):
    buyer = make_user()
    va, vb = _two_sentras()
    fill_cart(buyer, [(va, 9), (vb, 7)])
    db.session.commit()
    with pytest.raises(InsufficientStockCheckoutError) as error:
        place_checkout(buyer, _request([va.product.sentra.slug, vb.product.sentra.slug]), app.config)
    assert {s.variant_id for s in error.value.shortages} == {va.id, vb.id}
    assert db.session.scalar(select(func.count()).select_from(StockMovement).where(StockMovement.reason == "order")) == 0
    assert db.session.scalar(select(func.count()).select_from(Order)) == 0


def test_stock_taken_by_a_parallel_buyer_after_the_cart_check_leaves_no_trace_of_the_checkout(app, monkeypatch):
    from orders.checkout import services
    from orders.core.models import Checkout
    from orders.core.payments import Payment

    buyer = make_user()
    va, vb = _two_sentras()  # 5 and 3 in stock
    fill_cart(buyer, [(va, 2), (vb, 4)])
    db.session.commit()
    # The cart check read enough stock; a parallel buyer took it before this checkout's reservation.
    monkeypatch.setattr(services, "_check_lines", lambda lines: None)
    with pytest.raises(InsufficientStockCheckoutError) as error:
        place_checkout(buyer, _request([va.product.sentra.slug, vb.product.sentra.slug]), app.config)
    assert [(s.variant_id, s.requested, s.available) for s in error.value.shortages] == [(vb.id, 4, 3)]
    db.session.expire_all()
    assert (va.stock, vb.stock) == (5, 3)
    for model in (Checkout, Order, Payment):
        assert db.session.scalar(select(func.count()).select_from(model)) == 0
    assert db.session.scalar(select(func.count()).select_from(StockMovement).where(StockMovement.reason == "order")) == 0
    assert db.session.scalar(select(func.count()).select_from(CartLine)) == 2


def test_checkout_that_takes_the_last_unit_takes_the_product_out_of_in_stock_search(app):
    from catalog.search.models import SearchDocument

    buyer = make_user()
    va, vb = _two_sentras()
    make_checkout(buyer, [(vb, 3), (va, 1)])
    in_stock = dict(db.session.execute(select(SearchDocument.product_id, SearchDocument.in_stock)).all())
    assert in_stock == {va.product_id: True, vb.product_id: False}


def test_empty_cart_cannot_check_out(app):
    with pytest.raises(EmptyCartError):
        place_checkout(make_user(), _request([]), app.config)


def test_archived_variant_is_refused_at_checkout(app):
    buyer = make_user()
    va, _ = _two_sentras()
    fill_cart(buyer, [(va, 1)])
    va.archived = True
    db.session.commit()
    with pytest.raises(UnavailableItemsError):
        place_checkout(buyer, _request([va.product.sentra.slug]), app.config)


def test_suspended_sentra_is_refused_at_checkout(app):
    buyer = make_user()
    va, _ = _two_sentras()
    fill_cart(buyer, [(va, 1)])
    va.product.sentra.status = "suspended"
    db.session.commit()
    with pytest.raises(UnavailableItemsError):
        place_checkout(buyer, _request([va.product.sentra.slug]), app.config)


def test_sentra_courier_is_not_offered_outside_kota_bekasi(app):
    buyer = make_user()
    va, _ = _two_sentras()
    fill_cart(buyer, [(va, 1)])
    db.session.commit()
    outside = AddressInput(recipient="Budi", phone="081234567891", street="Jl. Kenari 1", city="Bandung",
                           postal_code="40111")
    request = CheckoutRequest("k", "pay_on_pickup", outside, {va.product.sentra.slug: "sentra_courier"})
    with pytest.raises(DeliveryUnavailableError) as error:
        place_checkout(buyer, request, app.config)
    assert error.value.fields == {f"deliveries.{va.product.sentra.slug}": "unavailable"}


def test_pay_on_pickup_needs_every_order_picked_up(app):
    buyer = make_user()
    va, _ = _two_sentras()
    fill_cart(buyer, [(va, 1)])
    db.session.commit()
    with pytest.raises(PaymentMethodUnavailableError):
        place_checkout(buyer, _request([va.product.sentra.slug], delivery="courier"), app.config)


def test_changed_total_is_refused_with_the_new_total(app):
    buyer = make_user()
    va, _ = _two_sentras()
    fill_cart(buyer, [(va, 1)])
    db.session.commit()
    with pytest.raises(PriceChangedError) as error:
        place_checkout(buyer, _request([va.product.sentra.slug], expected_total_idr=20_000), app.config)
    assert error.value.fields == {"total_idr": "25000"}
