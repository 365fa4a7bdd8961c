"""The binding classes API of issue 19: list, publish/patch/cancel, bookings and attendance."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from orders.classes.models import ClassBooking, TrainingClass
from shop.db import WIB, utcnow
from shop.extensions import db
from tests.factories import add_member, make_sentra, make_user
from tests.orders.cart_helpers import bearer_for
from tests.orders.classes.helpers import book, make_class


def _iso(days: int, hour: int) -> str:
    day = (utcnow() + timedelta(days=days)).astimezone(WIB).date()
    return f"{day.isoformat()}T{hour:02d}:00:00+07:00"


def _class_body(**overrides):
    body = {"title": "Kelas Sablon Kaos", "description": "Dasar sablon manual.", "subsector": "kriya",
            "sessions": [{"starts_at": _iso(3, 9), "ends_at": _iso(3, 12)}], "capacity": 8, "price_idr": 0,
            "audience": "public"}
    body.update(overrides)
    return body


def test_a_manager_publishes_a_class_and_anyone_finds_it_in_the_list(client):
    owner = make_user()
    sentra = make_sentra(owner=owner)
    created = client.post(f"/api/v1/kelola/{sentra.slug}/classes", json=_class_body(), headers=bearer_for(owner))
    assert created.status_code == 201
    klass = created.get_json()["class"]
    assert klass["seats_left"] == 8 and klass["location"] == sentra.address
    listed = client.get("/api/v1/classes").get_json()
    assert listed["total"] == 1 and listed["per_page"] == 20
    item = listed["items"][0]
    assert set(item) >= {"id", "sentra", "title", "sessions", "capacity", "seats_left", "price_idr", "audience"}
    assert item["sentra"]["slug"] == sentra.slug and item["sessions"][0]["starts_at"].endswith("+00:00")


def test_a_plain_member_may_not_publish_and_another_sentras_manager_gets_404(client):
    sentra = make_sentra()
    member = make_user()
    add_member(sentra, member, "member")
    stranger = make_user()
    make_sentra("32.75.04.1001", owner=stranger)
    assert client.post(f"/api/v1/kelola/{sentra.slug}/classes", json=_class_body(),
                       headers=bearer_for(member)).status_code == 403
    assert client.post(f"/api/v1/kelola/{sentra.slug}/classes", json=_class_body(),
                       headers=bearer_for(stranger)).status_code == 404


def test_bad_class_bodies_are_400_or_field_errors_and_nothing_is_saved(client):
    owner = make_user()
    sentra = make_sentra(owner=owner)
    url = f"/api/v1/kelola/{sentra.slug}/classes"
    headers = bearer_for(owner)
    no_offset = _class_body(sessions=[{"starts_at": "2030-01-01T09:00:00", "ends_at": "2030-01-01T10:00:00"}])
    assert client.post(url, json=no_offset, headers=headers).status_code == 400
    assert client.post(url, json=_class_body(capacity="8"), headers=headers).status_code == 400
    backwards = _class_body(sessions=[{"starts_at": _iso(3, 12), "ends_at": _iso(3, 9)}])
    answer = client.post(url, json=backwards, headers=headers)
    assert answer.status_code == 422 and "sessions.0" in answer.get_json()["error"]["fields"]
    past = _class_body(sessions=[{"starts_at": _iso(-2, 9), "ends_at": _iso(-2, 10)}])
    assert client.post(url, json=past, headers=headers).status_code == 422
    assert db.session.scalar(select(db.func.count(TrainingClass.id))) == 0


def test_patch_changes_only_what_is_sent_and_refuses_a_capacity_below_the_seats_booked(client):
    owner = make_user()
    sentra = make_sentra(owner=owner)
    klass = make_class(sentra, capacity=6)
    book(make_user(), klass, 4)
    url = f"/api/v1/kelola/{sentra.slug}/classes/{klass.id}"
    changed = client.patch(url, json={"title": "Membatik Lanjutan"}, headers=bearer_for(owner))
    assert changed.status_code == 200 and changed.get_json()["class"]["capacity"] == 6
    low = client.patch(url, json={"capacity": 3}, headers=bearer_for(owner))
    assert low.status_code == 422 and "capacity" in low.get_json()["error"]["fields"]


def test_booking_returns_the_code_and_a_repeat_with_the_key_the_same_booking(client):
    klass = make_class(make_sentra(), capacity=3)
    buyer = make_user()
    headers = {**bearer_for(buyer), "Idempotency-Key": "k-1"}
    first = client.post(f"/api/v1/classes/{klass.id}/bookings", json={"seats": 2}, headers=headers)
    assert first.status_code == 201
    booking = first.get_json()["booking"]
    assert booking["status"] == "confirmed" and len(booking["code"]) == 6 and booking["total_idr"] == 0
    again = client.post(f"/api/v1/classes/{klass.id}/bookings", json={"seats": 2}, headers=headers)
    assert again.status_code == 200 and again.get_json()["booking"]["id"] == booking["id"]


def test_a_full_class_is_409_class_full_and_too_many_seats_422(client):
    klass = make_class(make_sentra(), capacity=2)
    book(make_user(), klass, 2)
    url = f"/api/v1/classes/{klass.id}/bookings"
    full = client.post(url, json={"seats": 1}, headers={**bearer_for(make_user()), "Idempotency-Key": "a"})
    assert full.status_code == 409 and full.get_json()["error"]["code"] == "class_full"
    other = make_class(make_sentra("32.75.04.1001"), capacity=1000)
    for seats in (0, 1000):
        answer = client.post(f"/api/v1/classes/{other.id}/bookings", json={"seats": seats},
                             headers={**bearer_for(make_user()), "Idempotency-Key": f"s{seats}"})
        assert answer.status_code == 422 and "seats" in answer.get_json()["error"]["fields"]


def test_a_paid_booking_answers_with_its_checkout(client):
    klass = make_class(make_sentra(), price_idr=60_000)
    answer = client.post(f"/api/v1/classes/{klass.id}/bookings", json={"seats": 1, "payment_method": "bank_transfer"},
                         headers={**bearer_for(make_user()), "Idempotency-Key": "paid"})
    assert answer.status_code == 201
    booking = answer.get_json()["booking"]
    assert booking["status"] == "pending_payment" and booking["total_idr"] == 60_000
    assert booking["checkout"]["payment"]["method"] == "bank_transfer"
    assert booking["checkout"]["orders"][0]["total_idr"] == 60_000


def test_attendance_by_code_then_again_then_a_wrong_code(client):
    owner = make_user()
    sentra = make_sentra(owner=owner)
    klass = make_class(sentra)
    booking = book(make_user(name="Rina Kartika"), klass, 1).booking
    url = f"/api/v1/kelola/{sentra.slug}/classes/{klass.id}/attendance"
    first = client.post(url, json={"code": booking.code}, headers=bearer_for(owner))
    assert first.status_code == 200 and first.get_json()["booking"]["attended"] is True
    assert client.post(url, json={"code": booking.code}, headers=bearer_for(owner)).status_code == 200
    wrong = client.post(url, json={"code": "000000" if booking.code != "000000" else "111111"},
                        headers=bearer_for(owner))
    assert wrong.status_code == 422 and wrong.get_json()["error"]["code"] == "wrong_code"
    assert "Rina" not in wrong.get_data(as_text=True)


def test_delete_cancels_the_class_and_its_bookings(client):
    owner = make_user()
    sentra = make_sentra(owner=owner)
    klass = make_class(sentra)
    booking = book(make_user(), klass, 2).booking
    answer = client.delete(f"/api/v1/kelola/{sentra.slug}/classes/{klass.id}", json={"reason": "Banjir"},
                           headers=bearer_for(owner))
    assert answer.status_code == 200 and answer.get_json()["class"]["status"] == "cancelled"
    db.session.expire_all()
    assert db.session.get(ClassBooking, booking.id).status == "cancelled"
    assert client.get("/api/v1/classes").get_json()["total"] == 0


def test_list_filters_are_checked(client):
    assert client.get("/api/v1/classes?from=kemarin").status_code == 400
    assert client.get("/api/v1/classes?free=mungkin").status_code == 400
    assert client.get("/api/v1/classes?audience=vip").status_code == 400
    assert client.get("/api/v1/classes?free=&audience=").status_code == 200
