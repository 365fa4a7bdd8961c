"""The tracking-event state machine: what each delivery method's timeline takes, and what follows."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from catalog.products.models import StockMovement, StockReason, Variant
from orders.core.models import OrderEvent
from orders.core.payments import Refund
from orders.services import cancel_by_sentra
from orders.shipping import errors as shipping_errors
from orders.shipping import services
from orders.shipping import timeline as shipping_timeline
from orders.shipping.models import TrackingEvent
from shop.extensions import db
from shop.outbox.models import OutboxJob
from tests.factories import png_bytes
from tests.orders.orders_helpers import a_sentra, make_user, placed_order
from tests.orders.shipping_helpers import WAYBILL, accepted_order, advance

H = "handed_to_courier"
OUT = "out_for_delivery"

ALLOWED = [
    ("pickup", [], "packed"),
    ("pickup", [], "ready_for_pickup"),
    ("pickup", ["packed"], "ready_for_pickup"),
    ("sentra_courier", [], "packed"),
    ("sentra_courier", [], H),
    ("sentra_courier", ["packed"], H),
    ("sentra_courier", [H], "in_transit"),
    ("sentra_courier", [H], OUT),
    ("sentra_courier", [H, "in_transit"], OUT),
    ("sentra_courier", [H, OUT], "delivery_failed"),
    ("sentra_courier", [H, OUT, "delivery_failed"], OUT),
    ("sentra_courier", [H, OUT], "returned"),
    ("sentra_courier", [H, OUT, "delivery_failed"], "returned"),
    ("courier", [], "packed"),
    ("courier", [], H),
    ("courier", [H], "in_transit"),
    ("courier", [H, "in_transit"], "in_transit"),
    ("courier", [H, "in_transit"], OUT),
    ("courier", [H], "delivered"),
    ("courier", [H, OUT], "delivered"),
    ("courier", [H, OUT], "delivery_failed"),
    ("courier", [H, OUT, "delivery_failed"], "delivered"),
    ("courier", [H, "in_transit"], "returned"),
]

REFUSED = [
    ("pickup", [], H),
    ("pickup", [], "delivered"),
    ("pickup", [], "returned"),
    ("pickup", ["ready_for_pickup"], "packed"),
    ("pickup", ["ready_for_pickup"], "ready_for_pickup"),
    ("pickup", ["ready_for_pickup"], OUT),
    ("pickup", ["ready_for_pickup"], "delivered"),  # only with the pickup code
    ("pickup", ["ready_for_pickup", "delivered"], "ready_for_pickup"),
    ("sentra_courier", [], "ready_for_pickup"),
    ("sentra_courier", [], OUT),
    ("sentra_courier", [], "delivery_failed"),
    ("sentra_courier", [], "delivered"),
    ("sentra_courier", [H], "packed"),
    ("sentra_courier", [H], H),
    ("sentra_courier", [H], "delivered"),  # only with the PIN (or a photo and a name)
    ("sentra_courier", [H, "in_transit"], "in_transit"),
    ("sentra_courier", [H, OUT], "in_transit"),
    ("sentra_courier", [H, OUT, "returned"], OUT),
    ("sentra_courier", [H, "delivered"], "returned"),
    ("courier", [], "in_transit"),
    ("courier", [], "delivered"),
    ("courier", [], "ready_for_pickup"),
    ("courier", [H], H),
    ("courier", [H], "packed"),
    ("courier", [H, OUT], "in_transit"),
    ("courier", [H, "delivered"], "in_transit"),
    ("courier", [H, "delivered"], "returned"),
    ("courier", [H, "returned"], "delivered"),
]


def _ids(case):
    method, path, status = case
    return f"{method}:{'>'.join(path) or 'start'}>{status}"


def _event_count(order) -> int:
    return db.session.scalar(select(func.count(TrackingEvent.id)).where(TrackingEvent.shipment_id == order.shipment.id))


@pytest.mark.parametrize("case", ALLOWED, ids=_ids)
def test_timeline_takes_the_steps_its_method_allows(case):
    method, path, status = case
    order, owner, _, _ = accepted_order(method)
    advance(order, owner, path)
    extra = {"courier": "jne", "waybill": WAYBILL} if (method, status) == ("courier", H) else {}
    event = services.record_tracking_event(order, status, owner, "alasan" if status == "delivery_failed" else None,
                                           **extra)
    db.session.commit()
    assert event.status == status and order.shipment.status == status
    assert _event_count(order) == len(path) + 1


@pytest.mark.parametrize("case", REFUSED, ids=_ids)
def test_timeline_refuses_steps_its_method_does_not_allow_and_changes_nothing(case):
    method, path, status = case
    order, owner, _, _ = accepted_order(method)
    advance(order, owner, path)
    before = (order.shipment.status, order.status, _event_count(order))
    with pytest.raises(shipping_errors.TimelineError) as refused:
        services.record_tracking_event(order, status, owner, "alasan", courier="jne", waybill=WAYBILL)
    assert refused.value.status == 409
    db.session.rollback()
    db.session.expire_all()
    assert (order.shipment.status, order.status, _event_count(order)) == before


def test_first_event_needs_the_order_accepted():
    _, owner, variant = a_sentra()
    order = placed_order(make_user(), variant)
    with pytest.raises(shipping_errors.TimelineError):
        services.record_tracking_event(order, "packed", owner)
    assert order.shipment.status is None


def test_no_event_after_the_sentra_cancelled_the_order():
    order, owner, _, _ = accepted_order("pickup")
    advance(order, owner, ["packed"])
    cancel_by_sentra(order, owner, "bahan rusak", {})
    db.session.commit()
    with pytest.raises(shipping_errors.TimelineError):
        services.record_tracking_event(order, "ready_for_pickup", owner)


def test_unknown_status_is_refused():
    order, owner, _, _ = accepted_order("pickup")
    with pytest.raises(shipping_errors.TimelineError):
        services.record_tracking_event(order, "teleported", owner)


@pytest.mark.parametrize(("method", "steps", "statuses"), [
    ("pickup", ["packed", "ready_for_pickup", "delivered"], ["processing", "ready_for_pickup", "delivered"]),
    ("sentra_courier", ["packed", H, "in_transit", OUT, "delivery_failed", OUT, "delivered"],
     ["processing", "shipped", "shipped", "shipped", "shipped", "shipped", "delivered"]),
    ("courier", [H, "in_transit", "in_transit", OUT, "delivered"],
     ["shipped", "shipped", "shipped", "shipped", "delivered"]),
])
def test_order_status_follows_the_tracking_events(method, steps, statuses):
    order, owner, _, _ = accepted_order(method)
    seen = []
    for step in steps:
        advance(order, owner, [step])
        seen.append(order.status)
    assert seen == statuses
    assert order.shipment.delivered_at is not None


def test_order_status_changes_only_through_order_events_written_by_the_timeline():
    order, owner, _, _ = accepted_order("courier")
    advance(order, owner, [H, "delivered"])
    events = list(db.session.scalars(select(OrderEvent).where(OrderEvent.order_id == order.id,
                                                              OrderEvent.kind == "status").order_by(OrderEvent.id)))
    assert [(e.from_status, e.to_status) for e in events][-2:] == [("processing", "shipped"), ("shipped", "delivered")]
    assert all(e.note.startswith("tracking: ") for e in events[-2:])


def test_ready_for_pickup_starts_the_collection_clock():
    order, owner, _, _ = accepted_order("pickup")
    advance(order, owner, ["ready_for_pickup"])
    assert order.shipment.ready_at is not None


def test_returned_parcel_cancels_the_order_returns_stock_and_refunds():
    order, owner, _, variant = accepted_order("courier", stock=5, quantity=2)
    assert db.session.get(Variant, variant.id).stock == 3
    advance(order, owner, [H, "in_transit"])
    services.record_tracking_event(order, "returned", owner, "alamat tidak ditemukan")
    db.session.commit()
    db.session.expire_all()
    assert order.status == "cancelled" and order.shipment.status == "returned"
    assert "alamat tidak ditemukan" in order.cancel_reason
    assert db.session.get(Variant, variant.id).stock == 5
    assert db.session.scalar(select(StockMovement.reason).where(StockMovement.order_id == order.id,
                                                                StockMovement.delta > 0)) == StockReason.RETURN
    # a bank transfer is refunded by the office: a pending refund of the whole order
    refund = db.session.scalar(select(Refund).where(Refund.order_id == order.id))
    assert refund is not None and refund.amount_idr == order.total_idr
    kinds = set(db.session.scalars(select(OutboxJob.kind).where(OutboxJob.payload["order_id"].as_integer()
                                                                == order.id)))
    assert "order.cancelled" in kinds


def test_failed_delivery_needs_a_reason():
    order, owner, _, _ = accepted_order("sentra_courier")
    advance(order, owner, [H, OUT])
    for note in (None, "  ", "x"):
        with pytest.raises(shipping_errors.InvalidNoteError) as refused:
            services.record_tracking_event(order, "delivery_failed", owner, note)
        assert refused.value.status == 422
    assert order.shipment.status == OUT


def test_sentra_courier_parcel_needs_an_assigned_courier():
    order, owner, courier, _ = accepted_order("sentra_courier")
    order.shipment.courier_user_id = None
    db.session.commit()
    with pytest.raises(shipping_errors.CourierRequiredError):
        services.record_tracking_event(order, H, owner)


def test_external_courier_handover_needs_carrier_and_waybill():
    order, owner, _, _ = accepted_order("courier")
    with pytest.raises(shipping_errors.InvalidWaybillError) as refused:
        services.record_tracking_event(order, H, owner)
    assert refused.value.status == 422
    assert order.shipment.status is None and order.status == "processing"


def test_an_event_can_carry_a_photo():
    order, owner, _, _ = accepted_order("pickup")
    event = services.record_tracking_event(order, "packed", owner, photo=png_bytes())
    assert event.photo_key and event.photo_key.endswith(".webp")


def test_next_events_offer_only_plain_steps_the_timeline_takes():
    order, owner, _, _ = accepted_order("pickup")
    assert shipping_timeline.next_events(order.shipment, order) == ["packed", "ready_for_pickup"]
    advance(order, owner, ["ready_for_pickup"])
    assert shipping_timeline.next_events(order.shipment, order) == []
    assert shipping_timeline.awaits_handover(order.shipment, order)
