"""Equipment and workspace by the hour: members free, others pay, never more bookings than units."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from orders.core.models import Order
from orders.facilities.errors import FacilityValidationError, SlotTakenError
from orders.facilities.services import (
    FacilityInput,
    SlotInput,
    block_time,
    create_facility,
    parse_hours,
)
from shop.extensions import db
from tests.factories import add_member, make_sentra, make_user
from tests.orders.cart_helpers import bearer_for
from tests.orders.facilities.helpers import at, book_slot, make_facility


def test_hours_are_read_as_sentras_write_them():
    assert parse_hours("08:00-20:00") == (480, 1200)
    assert parse_hours("Senin–Sabtu 09.00–17.00") == (540, 1020)
    assert parse_hours("buka setiap hari") is None
    assert parse_hours("20:00-08:00") is None


def test_without_hours_the_sentras_own_apply_or_eight_to_eight():
    sentra = make_sentra()
    assert create_facility(sentra, FacilityInput(name="Meja Sablon")).opening_hours == "08:00-20:00"
    sentra.opening_hours = "Setiap hari 09.00-17.00"
    assert create_facility(sentra, FacilityInput(name="Studio Foto")).opening_hours == "09:00-17:00"


@pytest.mark.parametrize("data, field", [
    (FacilityInput(name=""), "name"), (FacilityInput(name="X", units=0), "units"),
    (FacilityInput(name="X", hourly_price_idr=-5), "hourly_price_idr"),
    (FacilityInput(name="X", opening_hours="pagi"), "opening_hours"),
])
def test_bad_facility_fields_are_named(data, field):
    with pytest.raises(FacilityValidationError) as caught:
        create_facility(make_sentra(), data)
    assert field in caught.value.fields


def test_a_member_books_free_and_a_resident_pays_per_hour_through_an_order():
    sentra = make_sentra()
    facility = make_facility(sentra, price=15_000, units=2)
    member = make_user()
    add_member(sentra, member)
    free = book_slot(member, facility, at(2, 9), at(2, 11)).booking
    assert free.total_idr == 0 and free.by_member and free.status == "confirmed" and free.order_id is None
    paid = book_slot(make_user(), facility, at(2, 9), at(2, 11), method="pay_on_pickup").booking
    assert paid.total_idr == 30_000 and not paid.by_member
    order = db.session.get(Order, paid.order_id)
    assert order.sentra_id == sentra.id and order.total_idr == 30_000 and order.lines[0].title == "Mesin Jahit"


def test_overlapping_bookings_beyond_the_units_are_slot_taken_and_back_to_back_is_fine():
    facility = make_facility(make_sentra(), price=0, units=2)
    book_slot(make_user(), facility, at(3, 9), at(3, 12))
    book_slot(make_user(), facility, at(3, 10), at(3, 11))
    with pytest.raises(SlotTakenError):
        book_slot(make_user(), facility, at(3, 10, 30), at(3, 13))
    book_slot(make_user(), facility, at(3, 12), at(3, 14))  # back to back with 9-12: no overlap
    book_slot(make_user(), facility, at(3, 11), at(3, 12))  # 9-12 and 11-12: two units, fits


@pytest.mark.parametrize("starts, ends", [
    (at(2, 10), at(2, 9)), (at(2, 7), at(2, 9)), (at(2, 19), at(2, 21)), (at(2, 9), at(4, 9)), (at(-1, 9), at(-1, 10)),
])
def test_a_time_outside_the_hours_reversed_too_long_or_past_is_refused(starts, ends):
    facility = make_facility(make_sentra())
    with pytest.raises(FacilityValidationError):
        book_slot(make_user(), facility, starts, ends)


def test_a_maintenance_block_takes_every_unit():
    sentra = make_sentra()
    facility = make_facility(sentra, units=3, price=0)
    block_time(sentra, sentra.memberships[0].user, facility.id, SlotInput("b1", at(5, 8), at(5, 12), note="Servis"))
    db.session.commit()
    with pytest.raises(SlotTakenError):
        book_slot(make_user(), facility, at(5, 11), at(5, 13))


def test_the_api_adds_a_facility_lists_it_and_books_it(client):
    owner = make_user()
    sentra = make_sentra(owner=owner)
    created = client.post(f"/api/v1/kelola/{sentra.slug}/facilities", headers=bearer_for(owner),
                          json={"name": "Ruang Kerja Bersama", "description": "Meja dan wifi", "hourly_price_idr": 0,
                                "units": 1})
    assert created.status_code == 201
    facility = created.get_json()["facility"]
    assert facility["opening_hours"] == "08:00-20:00"
    listed = client.get(f"/api/v1/facilities?sentra={sentra.slug}").get_json()
    assert listed["total"] == 1 and listed["items"][0]["id"] == facility["id"]
    url = f"/api/v1/facilities/{facility['id']}/bookings"
    body = {"starts_at": at(2, 9).isoformat(), "ends_at": at(2, 10).isoformat()}
    buyer = make_user()
    first = client.post(url, json=body, headers={**bearer_for(buyer), "Idempotency-Key": "a"})
    assert first.status_code == 201 and first.get_json()["booking"]["status"] == "confirmed"
    again = client.post(url, json=body, headers={**bearer_for(buyer), "Idempotency-Key": "a"})
    assert again.status_code == 200
    taken = client.post(url, json=body, headers={**bearer_for(make_user()), "Idempotency-Key": "b"})
    assert taken.status_code == 409 and taken.get_json()["error"]["code"] == "slot_taken"
    long = client.post(url, json={"starts_at": at(2, 9).isoformat(), "ends_at": at(4, 9).isoformat()},
                       headers={**bearer_for(make_user()), "Idempotency-Key": "c"})
    assert long.status_code == 422
    naive = client.post(url, json={"starts_at": "2030-01-01T09:00:00", "ends_at": "2030-01-01T10:00:00"},
                        headers={**bearer_for(make_user()), "Idempotency-Key": "d"})
    assert naive.status_code == 400
    assert db.session.scalar(select(db.func.count()).select_from(Order)) == 0
