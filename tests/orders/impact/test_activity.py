"""Member activity: each kind of work makes a member active for its sentra, in its period only."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from catalog import images, stock
from catalog.listings import services as listings
from catalog.products import services as products
from catalog.products.models import ProductEvent, ProductStatus, StockMovement
from orders.b2b.models import Quote, Rfq, RfqComment
from orders.core.models import Order, OrderEvent
from orders.impact.activity import active_pairs, active_pairs_by_month
from orders.impact.period import Month, Period, default_period
from orders.services import accept_order
from orders.shipping import services as shipping
from orders.shipping.models import Shipment, TrackingEvent
from shop.extensions import db
from tests.factories import (
    add_member,
    make_checkout,
    make_partner,
    make_product,
    make_sentra,
    make_user,
    png_bytes,
)
from tests.orders.b2b.b2b_helpers import partner_team, send_quote, send_rfq

MARCH = Period(date(2025, 3, 1), date(2025, 3, 31))
APRIL = Period(date(2025, 4, 1), date(2025, 4, 30))
LAST_MINUTE_OF_MARCH = datetime(2025, 3, 31, 16, 59, tzinfo=UTC)  # 23:59 WIB


@pytest.fixture
def shop(app):
    """A sentra with a worker (a plain member), a product, an order from a buyer, and a request for quote."""
    sentra = make_sentra()
    worker = make_user()
    add_member(sentra, worker)
    product = make_product(sentra)
    buyer = make_user()
    order = make_checkout(buyer, [(product.variants[0], 1)]).orders[0]
    partner = make_partner()
    rfq = Rfq(partner_id=partner.id, sentra_id=sentra.id, needed_by=date(2025, 4, 1), recipient="Mitra",
              phone="0812", street="Jl. Mitra 2", kelurahan_code="32.75.08.1001")
    db.session.add(rfq)
    db.session.commit()
    return {"sentra": sentra, "worker": worker, "product": product, "order": order, "buyer": buyer, "rfq": rfq}


def work_row(kind: str, shop: dict, actor_id: int, when: datetime):
    sentra, product, order = shop["sentra"], shop["product"], shop["order"]
    if kind == "listing":
        return ProductEvent(product_id=product.id, sentra_id=sentra.id, actor_id=actor_id, kind="photo",
                            created_at=when)
    if kind == "stock":
        return StockMovement(variant_id=product.variants[0].id, sentra_id=sentra.id, delta=3, stock_after=12,
                             reason="restock", actor_id=actor_id, created_at=when)
    if kind == "fulfilment":
        return OrderEvent(order_id=order.id, from_status="placed", to_status="processing", actor_id=actor_id,
                          created_at=when)
    if kind == "delivery":
        shipment = order.shipment or Shipment(order_id=order.id, sentra_id=sentra.id, method="pickup")
        db.session.add(shipment)
        db.session.flush()
        return TrackingEvent(shipment_id=shipment.id, status="packed", actor_id=actor_id, created_at=when)
    if kind == "quote":
        return Quote(rfq_id=shop["rfq"].id, sentra_id=sentra.id, valid_until=date(2025, 4, 1),
                     delivery_method="pickup", subtotal_idr=1, total_idr=1, created_by_id=actor_id, created_at=when)
    assert kind == "rfq_comment"
    return RfqComment(rfq_id=shop["rfq"].id, author_id=actor_id, side="sentra", body="Bisa", created_at=when)


KINDS = ["listing", "stock", "fulfilment", "delivery", "quote", "rfq_comment"]


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_of_work_makes_the_member_active_in_its_period(shop, kind):
    db.session.add(work_row(kind, shop, shop["worker"].id, LAST_MINUTE_OF_MARCH))
    db.session.commit()
    assert (shop["sentra"].id, shop["worker"].id) in active_pairs(MARCH)


@pytest.mark.parametrize("kind", KINDS)
def test_work_outside_the_period_does_not_count(shop, kind):
    db.session.add(work_row(kind, shop, shop["worker"].id, LAST_MINUTE_OF_MARCH))
    db.session.commit()
    assert (shop["sentra"].id, shop["worker"].id) not in active_pairs(APRIL)
    assert (shop["sentra"].id, shop["worker"].id) not in active_pairs(Period(date(2025, 2, 1), date(2025, 3, 30)))


@pytest.mark.parametrize("kind", KINDS)
def test_work_by_someone_who_is_not_a_member_makes_nobody_active(shop, kind):
    outsider = make_user()
    db.session.add(work_row(kind, shop, outsider.id, LAST_MINUTE_OF_MARCH))
    db.session.commit()
    assert active_pairs(MARCH) == set()


def test_work_counts_only_for_the_sentra_it_was_done_for(shop):
    other = make_sentra("32.75.01.1001")
    add_member(other, shop["worker"])
    db.session.add(work_row("stock", shop, shop["worker"].id, LAST_MINUTE_OF_MARCH))
    db.session.commit()
    assert active_pairs(MARCH) == {(shop["sentra"].id, shop["worker"].id)}


def test_a_stock_reservation_for_an_order_is_not_stock_work(shop):
    db.session.add(StockMovement(variant_id=shop["product"].variants[0].id, sentra_id=shop["sentra"].id, delta=-1,
                                 stock_after=9, reason="order", actor_id=shop["worker"].id,
                                 created_at=LAST_MINUTE_OF_MARCH))
    db.session.commit()
    assert active_pairs(MARCH) == set()


def test_a_member_cancelling_their_own_purchase_is_not_fulfilment(shop):
    member_buyer = shop["buyer"]
    add_member(shop["sentra"], member_buyer)
    db.session.add(OrderEvent(order_id=shop["order"].id, from_status="placed", to_status="cancelled",
                              actor_id=member_buyer.id, created_at=LAST_MINUTE_OF_MARCH))
    db.session.commit()
    assert active_pairs(MARCH) == set()


def test_a_partner_comment_is_not_the_sentras_quote_work(shop):
    add_member(shop["sentra"], shop["buyer"])
    db.session.add(RfqComment(rfq_id=shop["rfq"].id, author_id=shop["buyer"].id, side="partner", body="Halo",
                              created_at=LAST_MINUTE_OF_MARCH))
    db.session.commit()
    assert active_pairs(MARCH) == set()


def test_months_are_separate_windows_of_one_query(shop):
    worker = shop["worker"]
    db.session.add(work_row("listing", shop, worker.id, LAST_MINUTE_OF_MARCH))
    db.session.add(work_row("stock", shop, worker.id, LAST_MINUTE_OF_MARCH + timedelta(minutes=1)))  # 1 April WIB
    db.session.commit()
    months = Period(date(2025, 2, 1), date(2025, 4, 30)).months()
    by_month = active_pairs_by_month(months)
    pair = (shop["sentra"].id, worker.id)
    assert by_month == {"2025-03": {pair}, "2025-04": {pair}}
    assert active_pairs_by_month([Month("x", LAST_MINUTE_OF_MARCH, LAST_MINUTE_OF_MARCH)]) == {}


# --- the work the services record --------------------------------------------------------------------------


def test_listing_work_through_the_services_leaves_product_events_with_the_actor(shop):
    sentra, worker = shop["sentra"], shop["worker"]
    product = make_product(sentra, actor=worker)
    image = images.add_photo(product, png_bytes(), "Tas", actor_id=worker.id)
    images.set_alt_text(product, image.id, "Tas anyaman", actor_id=worker.id)
    images.remove_photo(product, image.id, actor_id=worker.id)
    products.set_status(product, worker.id, ProductStatus.ARCHIVED)
    db.session.commit()
    kinds = db.session.scalars(db.select(ProductEvent.kind).where(ProductEvent.actor_id == worker.id)
                               .order_by(ProductEvent.id)).all()
    assert kinds == ["created", "photo", "photo", "photo", "status"]
    assert (sentra.id, worker.id) in active_pairs(default_period())


def test_an_edit_through_the_service_leaves_an_updated_event(shop):
    worker, product = shop["worker"], shop["product"]
    draft = products.ProductDraft(
        title="Tas baru", subsector_code=product.subsector_code, status="active",
        variants=(products.VariantDraft(sku=product.variants[0].sku, price_idr=60_000, id=product.variants[0].id),))
    listings.update_product(product, worker.id, draft)
    db.session.commit()
    assert db.session.scalar(db.select(ProductEvent.kind).where(ProductEvent.actor_id == worker.id)) == "updated"


def test_stock_fulfilment_delivery_and_quotes_through_the_services_make_members_active(shop, app):
    sentra, worker = shop["sentra"], shop["worker"]
    restocker, packer, deliverer, quoter = (make_user() for _ in range(4))
    for member in (restocker, packer, deliverer, quoter):
        add_member(sentra, member)
    stock.restock(shop["product"].variants[0].id, 4, actor_id=restocker.id)
    order: Order = shop["order"]
    accept_order(order, packer)
    shipping.record_tracking_event(order, "packed", deliverer)
    partner, owner, _staff = partner_team()
    rfq = send_rfq(partner, owner, sentra)
    send_quote(sentra, quoter, rfq)
    db.session.commit()
    active = active_pairs(default_period())
    assert {(sentra.id, m.id) for m in (restocker, packer, deliverer, quoter)} <= active
    assert (sentra.id, worker.id) not in active
