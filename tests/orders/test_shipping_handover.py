"""Handing an order over: the pickup code, the delivery PIN, wrong codes, locks and payment at pickup."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from orders.core.models import OrderEvent
from orders.core.payments import PaymentState
from orders.services import accept_order
from orders.shipping import errors as shipping_errors
from orders.shipping import services
from orders.shipping.models import TrackingEvent
from shop.extensions import db
from tests.factories import add_member, make_checkout, make_user, png_bytes
from tests.orders.orders_helpers import a_sentra
from tests.orders.shipping_helpers import accepted_order, advance, wrong_code


def _delivered_events(order) -> int:
    return len(db.session.scalars(select(TrackingEvent).where(
        TrackingEvent.shipment_id == order.shipment.id, TrackingEvent.status == "delivered")).all())


def _ready_pickup():
    order, owner, _, _ = accepted_order("pickup")
    advance(order, owner, ["ready_for_pickup"])
    return order, owner


def _try(order, code, actor, paid_with="cash"):
    """One handover attempt as a view makes it: the failure count is committed."""
    try:
        services.handover(order, code, actor, paid_with)
    except (shipping_errors.WrongCodeError, shipping_errors.HandoverLockedError):
        db.session.commit()
        raise


def test_right_pickup_code_delivers_the_order():
    order, owner = _ready_pickup()
    event = services.handover(order, f" {order.pickup_code} ", owner, paid_with="qris")
    db.session.commit()
    assert event.status == "delivered" and order.status == "delivered"
    assert order.shipment.delivered_at is not None and order.shipment.code_failures == 0


def test_wrong_pickup_code_never_delivers_and_is_counted():
    order, owner = _ready_pickup()
    with pytest.raises(shipping_errors.WrongCodeError) as refused:
        _try(order, wrong_code(order.pickup_code), owner)
    assert refused.value.status == 422 and refused.value.attempts_left == 4
    db.session.expire_all()
    assert order.status == "ready_for_pickup" and order.payment_status == "unpaid"
    assert order.shipment.code_failures == 1 and _delivered_events(order) == 0


def test_an_empty_code_never_delivers():
    order, owner = _ready_pickup()
    with pytest.raises(shipping_errors.WrongCodeError):
        _try(order, "", owner)
    assert order.status == "ready_for_pickup"


def test_five_wrong_codes_lock_the_handover_even_for_the_right_code():
    order, owner = _ready_pickup()
    for _ in range(4):
        with pytest.raises(shipping_errors.WrongCodeError):
            _try(order, wrong_code(order.pickup_code), owner)
    with pytest.raises(shipping_errors.WrongCodeError) as fifth:
        _try(order, wrong_code(order.pickup_code), owner)
    assert fifth.value.attempts_left == 0
    db.session.expire_all()
    assert order.shipment.locked_at is not None
    with pytest.raises(shipping_errors.HandoverLockedError) as locked:
        _try(order, order.pickup_code, owner)
    assert locked.value.status == 423
    db.session.expire_all()
    assert order.status == "ready_for_pickup" and _delivered_events(order) == 0


def test_manager_reset_unlocks_the_handover():
    order, owner = _ready_pickup()
    for _ in range(5):
        with pytest.raises(shipping_errors.WrongCodeError):
            _try(order, wrong_code(order.pickup_code), owner)
    services.reset_code_lock(order, owner)
    db.session.commit()
    assert order.shipment.locked_at is None and order.shipment.code_failures == 0
    services.handover(order, order.pickup_code, owner, "cash")
    assert order.status == "delivered"


def test_a_plain_member_cannot_reset_the_lock():
    order, owner = _ready_pickup()
    member = make_user()
    add_member(order.sentra, member)
    db.session.commit()
    with pytest.raises(shipping_errors.NotManagerError):
        services.reset_code_lock(order, member)


def test_handover_before_ready_for_pickup_is_refused_and_not_counted():
    order, owner, _, _ = accepted_order("pickup")
    with pytest.raises(shipping_errors.TimelineError):
        services.handover(order, order.pickup_code, owner, "cash")
    assert order.status == "processing" and order.shipment.code_failures == 0


def test_pay_on_pickup_handover_needs_how_it_was_paid():
    order, owner = _ready_pickup()
    for paid_with in (None, "card"):
        with pytest.raises(shipping_errors.PaidWithRequiredError):
            services.handover(order, order.pickup_code, owner, paid_with)
    assert order.status == "ready_for_pickup" and order.shipment.code_failures == 0


def test_pay_on_pickup_handover_records_the_payment_with_paid_with():
    order, owner = _ready_pickup()
    services.handover(order, order.pickup_code, owner, "qris")
    db.session.commit()
    assert order.payment_status == "paid" and order.paid_at is not None
    payment_events = db.session.scalars(select(OrderEvent).where(OrderEvent.order_id == order.id,
                                                                 OrderEvent.kind == "payment")).all()
    assert [e.note for e in payment_events] == ["paid at pickup: qris"]
    assert order.checkout.payment.state == PaymentState.SUCCEEDED


def test_checkout_payment_succeeds_only_when_all_its_pickup_orders_are_paid():
    sentra_a, owner_a, variant_a = a_sentra("32.75.08.1001")
    sentra_b, owner_b, variant_b = a_sentra("32.75.01.1001")
    checkout = make_checkout(make_user(), [(variant_a, 1), (variant_b, 1)])
    first, second = checkout.orders
    owners = {sentra_a.id: owner_a, sentra_b.id: owner_b}
    for order in (first, second):
        accept_order(order, owners[order.sentra_id])
        services.record_tracking_event(order, "ready_for_pickup", owners[order.sentra_id])
    db.session.commit()
    services.handover(first, first.pickup_code, owners[first.sentra_id], "cash")
    db.session.commit()
    assert checkout.payment.state == PaymentState.PENDING
    services.handover(second, second.pickup_code, owners[second.sentra_id], "cash")
    db.session.commit()
    assert checkout.payment.state == PaymentState.SUCCEEDED


def test_right_delivery_pin_delivers_a_sentra_courier_order():
    order, owner, courier, _ = accepted_order("sentra_courier")
    advance(order, courier, ["handed_to_courier", "out_for_delivery"])
    event = services.handover(order, order.shipment.delivery_pin, courier)
    assert event.note == "handed over with the buyer's delivery PIN"
    assert order.status == "delivered" and order.payment_status == "paid"


def test_wrong_delivery_pin_never_delivers_and_is_counted():
    order, owner, courier, _ = accepted_order("sentra_courier")
    advance(order, courier, ["handed_to_courier"])
    with pytest.raises(shipping_errors.WrongCodeError):
        _try(order, wrong_code(order.shipment.delivery_pin), courier)
    db.session.expire_all()
    assert order.status == "shipped" and order.shipment.code_failures == 1 and _delivered_events(order) == 0


def test_pickup_code_does_not_open_a_sentra_courier_delivery():
    order, owner, courier, _ = accepted_order("sentra_courier")
    advance(order, courier, ["handed_to_courier"])
    assert order.pickup_code is None
    with pytest.raises(shipping_errors.WrongCodeError):
        _try(order, "", courier)


def test_external_courier_orders_are_not_handed_over_with_a_code():
    order, owner, _, _ = accepted_order("courier")
    advance(order, owner, ["handed_to_courier"])
    with pytest.raises(shipping_errors.TimelineError):
        services.handover(order, "123456", owner)


def test_deliver_without_pin_keeps_the_photo_and_the_recipient():
    order, owner, courier, _ = accepted_order("sentra_courier")
    advance(order, courier, ["handed_to_courier", "out_for_delivery"])
    event = services.deliver_without_pin(order, courier, "  Budi   Santoso ", png_bytes())
    db.session.commit()
    assert event.note == "delivered without PIN to Budi Santoso"
    assert event.photo_key and event.photo_key == order.shipment.proof_key
    assert order.shipment.recipient_name == "Budi Santoso" and order.status == "delivered"


@pytest.mark.parametrize(("name", "photo", "error"), [
    ("", png_bytes(), shipping_errors.InvalidRecipientError),
    ("Budi", b"", shipping_errors.InvalidPhotoError),
    ("Budi", b"not an image at all", shipping_errors.InvalidPhotoError),
])
def test_deliver_without_pin_needs_a_name_and_a_real_photo(name, photo, error):
    order, owner, courier, _ = accepted_order("sentra_courier")
    advance(order, courier, ["handed_to_courier"])
    with pytest.raises(error) as refused:
        services.deliver_without_pin(order, courier, name, photo)
    assert refused.value.status == 422 and order.status == "shipped"


def test_deliver_without_pin_is_only_for_the_sentra_courier():
    order, owner, _, _ = accepted_order("courier")
    advance(order, owner, ["handed_to_courier"])
    with pytest.raises(shipping_errors.TimelineError):
        services.deliver_without_pin(order, owner, "Budi", png_bytes())


def test_manager_assigns_a_member_as_courier():
    order, owner, courier, _ = accepted_order("sentra_courier")
    other = make_user()
    add_member(order.sentra, other)
    db.session.commit()
    services.assign_courier(order, other, owner)
    assert order.shipment.courier_user_id == other.id


def test_a_plain_member_cannot_assign_a_courier():
    order, owner, courier, _ = accepted_order("sentra_courier")
    with pytest.raises(shipping_errors.NotManagerError):
        services.assign_courier(order, courier, courier)


def test_a_courier_must_be_a_member_of_the_sentra():
    order, owner, _, _ = accepted_order("sentra_courier")
    with pytest.raises(shipping_errors.InvalidCourierError):
        services.assign_courier(order, make_user(), owner)


def test_only_sentra_courier_orders_get_a_courier():
    order, owner, _, _ = accepted_order("pickup")
    with pytest.raises(shipping_errors.TimelineError):
        services.assign_courier(order, owner, owner)
