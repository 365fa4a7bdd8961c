"""The sentra's fulfilment panel on the order page and the courier's "Pengantaran saya"."""
from __future__ import annotations

import io
from datetime import timedelta

import pytest
from flask import current_app

from orders.payments.services import mark_paid
from orders.services import accept_order
from orders.shipping import services
from shop.extensions import db
from tests.factories import add_member, make_checkout, make_user, png_bytes
from tests.orders.shipping_helpers import accepted_order, advance, wrong_code


@pytest.fixture(autouse=True)
def _english_pages(client):
    """These tests read the English texts (the default language is Indonesian)."""
    client.post("/bahasa", data={"lang": "en"})


def _detail(order) -> str:
    return f"/kelola/{order.sentra.slug}/pesanan/{order.number}"


def _deliveries(order) -> str:
    return f"/kelola/{order.sentra.slug}/pengantaran"


def test_order_page_shows_the_fulfilment_panel_with_the_next_steps(client, auth):
    order, owner, _, _ = accepted_order("pickup")
    auth.login(owner.email)
    body = client.get(_detail(order)).get_data(as_text=True)
    assert "Fulfilment" in body and "Packed" in body and "Ready for pickup" in body
    assert f"{_detail(order)}/lacak" in body
    assert order.pickup_code not in body


def test_order_page_offers_the_handover_when_ready_but_never_shows_the_code(client, auth):
    order, owner, _, _ = accepted_order("pickup")
    advance(order, owner, ["ready_for_pickup"])
    auth.login(owner.email)
    body = client.get(_detail(order)).get_data(as_text=True)
    assert f"{_detail(order)}/serah-terima" in body and 'name="paid_with"' in body
    assert order.pickup_code not in body


def test_recording_a_step_from_the_page(client, auth):
    order, owner, _, _ = accepted_order("courier")
    auth.login(owner.email)
    response = client.post(f"{_detail(order)}/lacak", data={"status": "handed_to_courier", "carrier": "jne",
                                                            "waybill": "jne 123 456 789"})
    assert response.status_code == 302 and response.headers["Location"].endswith(_detail(order))
    db.session.expire_all()
    assert order.status == "shipped" and order.shipment.waybill == "JNE123456789"
    body = client.get(_detail(order)).get_data(as_text=True)
    assert "https://www.jne.co.id/tracking-package?resi=JNE123456789" in body


def test_a_refused_step_from_the_page_changes_nothing(client, auth):
    order, owner, _, _ = accepted_order("pickup")
    auth.login(owner.email)
    client.post(f"{_detail(order)}/lacak", data={"status": "delivered"})
    db.session.expire_all()
    assert order.shipment.status is None and order.status == "processing"


def test_returned_needs_the_confirmation(client, auth):
    order, owner, _, _ = accepted_order("courier")
    advance(order, owner, ["handed_to_courier"])
    auth.login(owner.email)
    client.post(f"{_detail(order)}/lacak", data={"status": "returned"})
    db.session.expire_all()
    assert order.status == "shipped"
    client.post(f"{_detail(order)}/lacak", data={"status": "returned", "confirm": "y"})
    db.session.expire_all()
    assert order.status == "cancelled"


def test_wrong_code_on_the_page_is_counted_and_does_not_deliver(client, auth):
    order, owner, _, _ = accepted_order("pickup")
    advance(order, owner, ["ready_for_pickup"])
    auth.login(owner.email)
    response = client.post(f"{_detail(order)}/serah-terima",
                           data={"code": wrong_code(order.pickup_code), "paid_with": "cash"}, follow_redirects=True)
    assert "Wrong code" in response.get_data(as_text=True)
    db.session.expire_all()
    assert order.status == "ready_for_pickup" and order.shipment.code_failures == 1


def test_handover_on_the_page_records_the_payment(client, auth):
    order, owner, _, _ = accepted_order("pickup")
    advance(order, owner, ["ready_for_pickup"])
    auth.login(owner.email)
    client.post(f"{_detail(order)}/serah-terima", data={"code": order.pickup_code, "paid_with": "cash"})
    db.session.expire_all()
    assert order.status == "delivered" and order.payment_status == "paid"


def test_manager_sees_and_uses_the_reset_button_of_a_locked_handover(client, auth):
    order, owner, _, _ = accepted_order("pickup")
    advance(order, owner, ["ready_for_pickup"])
    order.shipment.code_failures, order.shipment.locked_at = 5, order.created_at
    db.session.commit()
    auth.login(owner.email)
    assert f"{_detail(order)}/buka-kunci" in client.get(_detail(order)).get_data(as_text=True)
    client.post(f"{_detail(order)}/buka-kunci")
    db.session.expire_all()
    assert order.shipment.locked_at is None and order.shipment.code_failures == 0


def test_plain_members_cannot_assign_couriers_or_reset_locks(client, auth):
    order, owner, courier, _ = accepted_order("sentra_courier")
    auth.login(courier.email)
    assert client.post(f"{_detail(order)}/kurir", data={"courier": courier.id}).status_code == 403
    assert client.post(f"{_detail(order)}/buka-kunci").status_code == 403


def test_manager_assigns_a_courier_from_the_page(client, auth):
    order, owner, courier, _ = accepted_order("sentra_courier")
    other = make_user()
    add_member(order.sentra, other)
    db.session.commit()
    auth.login(owner.email)
    assert 'name="courier"' in client.get(_detail(order)).get_data(as_text=True)
    client.post(f"{_detail(order)}/kurir", data={"courier": other.id})
    db.session.expire_all()
    assert order.shipment.courier_user_id == other.id


def test_courier_sees_an_assigned_delivery_with_address_whatsapp_and_map(client, auth):
    order, owner, courier, _ = accepted_order("sentra_courier")
    auth.login(courier.email)
    body = client.get(_deliveries(order)).get_data(as_text=True)
    checkout = order.checkout
    assert checkout.recipient in body and checkout.street in body and checkout.kelurahan.name in body
    assert "https://wa.me/6281234567890" in body
    kelurahan = checkout.kelurahan
    assert f"https://www.google.com/maps/search/?api=1&amp;query={kelurahan.lat},{kelurahan.lon}" in body
    assert "Picked up from the sentra" in body


def test_courier_sees_the_address_only_while_assigned_and_until_delivered(client, auth):
    order, owner, courier, _ = accepted_order("sentra_courier")
    street = order.checkout.street
    other = make_user()
    add_member(order.sentra, other)
    db.session.commit()
    auth.login(other.email)
    assert street not in client.get(_deliveries(order)).get_data(as_text=True)  # not assigned
    services.assign_courier(order, other, owner)
    db.session.commit()
    assert street in client.get(_deliveries(order)).get_data(as_text=True)  # assigned
    advance(order, other, ["handed_to_courier", "delivered"])
    assert street not in client.get(_deliveries(order)).get_data(as_text=True)  # delivered
    auth.logout()
    auth.login(courier.email)
    assert street not in client.get(_deliveries(order)).get_data(as_text=True)  # reassigned away


def test_courier_lists_deliveries_by_their_promise(client, auth):
    first, owner, courier, variant = accepted_order("sentra_courier")
    checkout = make_checkout(make_user(), [(variant, 1)], method="bank_transfer", delivery="sentra_courier")
    mark_paid(checkout.payment, None, "transfer confirmed", current_app.config)
    second = checkout.orders[0]
    accept_order(second, owner)
    services.assign_courier(second, courier, owner)
    second.promised_at = first.promised_at - timedelta(days=1)
    db.session.commit()
    auth.login(courier.email)
    body = client.get(_deliveries(first)).get_data(as_text=True)
    assert body.index(second.number) < body.index(first.number)


def test_courier_delivers_with_the_pin_from_the_list(client, auth):
    order, owner, courier, _ = accepted_order("sentra_courier")
    advance(order, courier, ["handed_to_courier", "out_for_delivery"])
    auth.login(courier.email)
    response = client.post(f"{_detail(order)}/serah-terima",
                           data={"code": order.shipment.delivery_pin, "back": "deliveries"})
    assert response.headers["Location"].endswith(_deliveries(order))
    db.session.expire_all()
    assert order.status == "delivered"


def test_courier_delivers_without_the_pin_with_a_photo(client, auth):
    order, owner, courier, _ = accepted_order("sentra_courier")
    advance(order, courier, ["handed_to_courier"])
    auth.login(courier.email)
    client.post(f"{_detail(order)}/tanpa-pin", data={"recipient_name": "Ibu Sari", "back": "deliveries",
                                                     "photo": (io.BytesIO(png_bytes()), "bukti.png")})
    db.session.expire_all()
    assert order.status == "delivered" and order.shipment.recipient_name == "Ibu Sari"
    response = client.get(f"{_detail(order)}/bukti-antar")
    assert response.status_code == 200 and response.mimetype == "image/webp"
    assert response.headers["Cache-Control"] == "private, no-store"


def test_manage_nav_links_my_deliveries(client, auth):
    order, owner, _, _ = accepted_order("pickup")
    auth.login(owner.email)
    assert f'href="{_deliveries(order)}"' in client.get(_detail(order)).get_data(as_text=True)


@pytest.mark.parametrize(("method", "steps", "expected"), [
    ("courier", [], ['name="waybill"', 'value="jne"', "Hand to courier"]),
    ("courier", ["handed_to_courier", "out_for_delivery"], ["Delivery failed", "Parcel returned", 'value="delivered"']),
    ("sentra_courier", ["handed_to_courier", "out_for_delivery"],
     ["Delivery failed", "Delivery PIN from the buyer", "/tanpa-pin", 'enctype="multipart/form-data"']),
    ("pickup", ["ready_for_pickup", "delivered"], ["Delivered", "Handed over with the buyer"]),
])
def test_fulfilment_panel_offers_what_the_timeline_takes_next(client, auth, method, steps, expected):
    order, owner, courier, _ = accepted_order(method)
    advance(order, courier or owner, steps)
    auth.login(owner.email)
    response = client.get(_detail(order))
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    for text in expected:
        assert text in body
    for code in (order.shipment.delivery_pin, order.pickup_code):
        assert code is None or code not in body


def test_courier_page_lists_the_steps_of_a_picked_up_parcel(client, auth):
    order, owner, courier, _ = accepted_order("sentra_courier")
    advance(order, courier, ["handed_to_courier"])
    auth.login(courier.email)
    body = client.get(_deliveries(order)).get_data(as_text=True)
    assert "Out for delivery" in body and "/serah-terima" in body and "/tanpa-pin" in body
    assert order.shipment.delivery_pin not in body
