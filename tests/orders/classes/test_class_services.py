"""Publishing, editing and finding classes (issue 19): the rules a manager's input must keep."""
from __future__ import annotations

from datetime import timedelta

import pytest

from orders.classes.errors import ClassValidationError
from orders.classes.models import ClassStatus
from orders.classes.services import (
    ClassFilters,
    ClassInput,
    SessionInput,
    edit_class,
    find_classes,
    publish_class,
)
from shop.db import WIB, utcnow
from shop.extensions import db
from tests.factories import make_sentra, make_user
from tests.orders.classes.helpers import book, make_class, sessions_from_now


def _input(**overrides):
    values = dict(title="Kelas Sablon", description="", subsector_code="kriya", sessions=sessions_from_now(2),
                  capacity=12, price_idr=0, audience="public")
    values.update(overrides)
    return ClassInput(**values)


def test_a_published_class_takes_the_sentras_address_when_no_place_is_given():
    sentra = make_sentra()
    klass = publish_class(sentra, sentra.memberships[0].user, _input())
    assert klass.location == sentra.address
    assert klass.status == ClassStatus.PUBLISHED and klass.seats_left == 12


def test_sessions_order_the_class_start_and_end():
    sentra = make_sentra()
    klass = publish_class(sentra, sentra.memberships[0].user, _input(sessions=sessions_from_now(5, 2)))
    assert [s.starts_at for s in klass.sessions] == sorted(s.starts_at for s in klass.sessions)
    assert klass.starts_at == klass.sessions[0].starts_at and klass.ends_at == klass.sessions[-1].ends_at


@pytest.mark.parametrize("sessions, field", [
    ([], "sessions"),
    ([SessionInput(utcnow() + timedelta(days=1, hours=2), utcnow() + timedelta(days=1))], "sessions.0"),
    ([SessionInput(utcnow() - timedelta(days=1), utcnow() - timedelta(days=1, hours=-2))], "sessions.0"),
    ([SessionInput(utcnow() + timedelta(days=1), utcnow() + timedelta(days=1, hours=3)),
      SessionInput(utcnow() + timedelta(days=1, hours=2), utcnow() + timedelta(days=1, hours=4))], "sessions"),
    ([SessionInput(utcnow() + timedelta(days=1), utcnow() + timedelta(days=2, hours=1))], "sessions.0"),
])
def test_sessions_that_end_first_lie_in_the_past_overlap_or_are_missing_are_refused(sessions, field):
    sentra = make_sentra()
    with pytest.raises(ClassValidationError) as caught:
        publish_class(sentra, sentra.memberships[0].user, _input(sessions=sessions))
    assert field in caught.value.fields


@pytest.mark.parametrize("overrides, field", [
    ({"capacity": 0}, "capacity"), ({"capacity": 1001}, "capacity"), ({"capacity": "10"}, "capacity"),
    ({"price_idr": -1}, "price_idr"), ({"title": "  "}, "title"), ({"subsector_code": "nope"}, "subsector_code"),
    ({"audience": "vip"}, "audience"), ({"audience": "youth", "price_idr": 5000}, "price_idr"),
    ({"trainer": "orang@luar.test"}, "trainer"),
])
def test_bad_fields_are_named(overrides, field):
    sentra = make_sentra()
    with pytest.raises(ClassValidationError) as caught:
        publish_class(sentra, sentra.memberships[0].user, _input(**overrides))
    assert field in caught.value.fields


def test_a_member_trainer_is_found_by_email_and_a_guest_by_name():
    sentra = make_sentra()
    owner = sentra.memberships[0].user
    assert publish_class(sentra, owner, _input(trainer=owner.email)).trainer_user_id == owner.id
    guest = publish_class(sentra, owner, _input(trainer="Bu Ratna"))
    assert guest.trainer_user_id is None and guest.trainer_label == "Bu Ratna"


def test_capacity_cannot_go_below_the_seats_booked():
    sentra = make_sentra()
    klass = make_class(sentra, capacity=5)
    book(make_user(), klass, 3)
    with pytest.raises(ClassValidationError) as caught:
        edit_class(sentra, klass.id, ClassInput(capacity=2))
    assert "capacity" in caught.value.fields
    db.session.rollback()
    assert edit_class(sentra, klass.id, ClassInput(capacity=3)).capacity == 3


def test_filters_find_classes_by_kecamatan_subsector_price_audience_and_day():
    bekasi_timur = make_sentra("32.75.08.1001")
    other = make_sentra("32.75.04.1001")
    batik = make_class(bekasi_timur, title="Batik", days=(3,))
    paid = make_class(bekasi_timur, title="Kue", subsector="kuliner", price_idr=50_000, days=(10,))
    youth = make_class(other, title="Desain", audience="youth", days=(5,))

    def titles(**filters):
        return {k.title for k in find_classes(ClassFilters(**filters), 1, 20)[0]}

    assert titles() == {"Batik", "Kue", "Desain"}
    assert titles(kecamatan="32.75.04") == {"Desain"}
    assert titles(subsector="kuliner") == {"Kue"}
    assert titles(free=False) == {"Kue"} and titles(free=True) == {"Batik", "Desain"}
    assert titles(audience="youth") == {"Desain"}
    day = paid.starts_at.astimezone(WIB).date()
    assert titles(date_from=day, date_to=day) == {"Kue"}
    assert batik.id and youth.id
