"""Delivery fees: the documented formulas, and which methods fit a sentra and an address."""
from __future__ import annotations

import pytest

from orders.delivery import fees
from orders.delivery.services import (
    DeliverySettingsError,
    Destination,
    options_for,
    save_settings,
    settings_for_many,
)
from shop.extensions import db
from tests.factories import make_sentra


@pytest.mark.nodb
@pytest.mark.parametrize(("km", "expected"), [(1, 7_000), (5, 15_000), (15, 35_000)])
def test_sentra_courier_fee_is_base_plus_per_km(km, expected):
    assert fees.sentra_courier_fee(km) == expected


@pytest.mark.nodb
def test_sentra_courier_fee_rounds_up_to_500():
    assert fees.sentra_courier_fee(3, base_idr=1_000, per_km_idr=1_234) == 5_000


@pytest.mark.nodb
def test_road_km_is_at_least_one_and_rounds_up():
    assert fees.road_km(-6.25, 106.99, -6.25, 106.99) == 1
    # about 11.1 km north-south, times 1.3 for roads = 14.4 -> 15
    assert fees.road_km(-6.2, 107.0, -6.3, 107.0) == 15


@pytest.mark.nodb
@pytest.mark.parametrize(("grams", "in_city", "expected"), [
    (0, True, 10_000), (900, True, 10_000), (1_000, True, 14_000), (2_700, True, 18_000), (2_800, True, 22_000), (500, False, 18_000),
    (2_000, False, 36_000),
])
def test_courier_fee_by_weight_with_packaging(grams, in_city, expected):
    assert fees.courier_fee(grams, in_city) == expected


def test_outside_the_city_only_pickup_and_courier_are_offered(app):
    sentra = make_sentra()
    methods = [o.method for o in options_for(sentra, Destination(None), 500)]
    assert methods == ["pickup", "courier"]


def test_sentra_courier_beyond_the_sentras_reach_is_not_offered(app):
    sentra = make_sentra("32.75.08.1001")
    save_settings(sentra, offers_pickup=True, offers_sentra_courier=True, offers_courier=False,
                  courier_base_idr=5_000, courier_per_km_idr=2_000, courier_max_km=1)
    far = Destination("32.75.01.1001")
    assert [o.method for o in options_for(sentra, far, 500)] == ["pickup"]


def test_settings_outside_the_limits_are_refused(app):
    sentra = make_sentra()
    with pytest.raises(DeliverySettingsError) as error:
        save_settings(sentra, offers_pickup=False, offers_sentra_courier=False, offers_courier=False,
                      courier_base_idr=99_000, courier_per_km_idr=-1, courier_max_km=31)
    assert set(error.value.fields) == {"courier_base_idr", "courier_per_km_idr", "courier_max_km", "offers_pickup"}
    db.session.rollback()


def test_manager_tunes_the_courier_fee_on_the_delivery_page(client, auth):
    from orders.delivery.services import settings_for
    from tests.factories import add_member, make_user

    sentra = make_sentra()
    manager = make_user(email="manager@example.test")
    add_member(sentra, manager, "manager")
    db.session.commit()
    auth.login(manager.email)
    assert client.get(f"/kelola/{sentra.slug}/pengiriman").status_code == 200
    saved = client.post(f"/kelola/{sentra.slug}/pengiriman", data={
        "offers_pickup": "y", "offers_sentra_courier": "y", "courier_base_idr": "3000",
        "courier_per_km_idr": "1500", "courier_max_km": "10"})
    assert saved.status_code == 302
    db.session.expire_all()
    row = settings_for(sentra)
    assert (row.offers_courier, row.courier_base_idr, row.courier_per_km_idr, row.courier_max_km) == (
        False, 3000, 1500, 10)


def test_delivery_page_refuses_a_fee_above_the_limit(client, auth):
    from tests.factories import add_member, make_user

    sentra = make_sentra()
    manager = make_user(email="manager@example.test")
    add_member(sentra, manager, "manager")
    db.session.commit()
    auth.login(manager.email)
    refused = client.post(f"/kelola/{sentra.slug}/pengiriman", data={
        "offers_pickup": "y", "courier_base_idr": "99000", "courier_per_km_idr": "1500", "courier_max_km": "10"})
    assert refused.status_code == 422


def test_plain_member_may_not_change_delivery(client, auth):
    from tests.factories import add_member, make_user

    sentra = make_sentra()
    member = make_user(email="member@example.test")
    add_member(sentra, member, "member")
    db.session.commit()
    auth.login(member.email)
    assert client.get(f"/kelola/{sentra.slug}/pengiriman").status_code == 403


def test_settings_of_several_sentras_are_the_saved_ones_or_the_defaults(app):
    saved, untouched = make_sentra("32.75.08.1001"), make_sentra("32.75.01.1001")
    save_settings(saved, offers_pickup=True, offers_sentra_courier=False, offers_courier=True,
                  courier_base_idr=5_000, courier_per_km_idr=2_000, courier_max_km=7)
    db.session.commit()
    found = settings_for_many([saved, untouched])
    assert (found[saved.id].offers_sentra_courier, found[saved.id].courier_max_km) == (False, 7)
    assert found[untouched.id].offers_sentra_courier is True and found[untouched.id] not in db.session
