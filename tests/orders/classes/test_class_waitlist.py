"""The waiting list: freed seats go to the first in line, held for a limited time, then to the next."""
from __future__ import annotations

from datetime import timedelta

import pytest
from flask import current_app
from sqlalchemy import select

from orders.classes.bookings import cancel_booking, cancel_class
from orders.classes.errors import ClassFullError
from orders.classes.models import TrainingClass, WaitlistEntry, WaitStatus
from orders.classes.services import ClassInput, edit_class
from orders.classes.waitlist import SeatsAvailableError, entry_of, expire_offers, join_waitlist
from shop.db import utcnow
from shop.extensions import db
from tests.factories import make_sentra, make_user
from tests.orders.classes.helpers import book, make_class
from tests.orders.orders_helpers import drain_all


def _full_class():
    klass = make_class(make_sentra(), capacity=2)
    holder = make_user()
    booking = book(holder, klass, 2).booking
    return klass, holder, booking


def _taken(klass) -> int:
    db.session.expire_all()
    return db.session.get(TrainingClass, klass.id).seats_taken


def test_joining_is_for_full_classes_only():
    klass = make_class(make_sentra(), capacity=3)
    with pytest.raises(SeatsAvailableError):
        join_waitlist(make_user(), klass.id, 1)


def test_a_freed_seat_is_held_for_the_first_in_line_and_nobody_else_can_book_it():
    klass, holder, booking = _full_class()
    first, second = make_user(), make_user()
    join_waitlist(first, klass.id, 1)
    join_waitlist(second, klass.id, 1)
    db.session.commit()
    cancel_booking(holder, booking.id, current_app.config)
    db.session.commit()
    drain_all()  # class.seats_freed: both freed seats are offered, in order
    first_entry = entry_of(first.id, klass.id)
    assert first_entry.status == WaitStatus.OFFERED and first_entry.offered_until > utcnow()
    assert _taken(klass) == 2  # held for the two waiting
    with pytest.raises(ClassFullError):
        book(make_user(), klass, 1)
    result = book(first, klass, 1)
    assert result.created and _taken(klass) == 2
    db.session.refresh(first_entry)
    assert first_entry.status == WaitStatus.BOOKED


def test_a_lapsed_offer_goes_to_the_next_person():
    klass, holder, booking = _full_class()
    first, second = make_user(), make_user()
    join_waitlist(first, klass.id, 2)
    join_waitlist(second, klass.id, 2)
    db.session.commit()
    cancel_booking(holder, booking.id, current_app.config)
    db.session.commit()
    drain_all()
    later = utcnow() + timedelta(hours=13)
    assert expire_offers(later) == 1
    db.session.commit()
    drain_all()
    entries = {e.user_id: e for e in db.session.scalars(select(WaitlistEntry))}
    assert entries[first.id].status == WaitStatus.EXPIRED
    assert entries[second.id].status == WaitStatus.OFFERED
    assert _taken(klass) == 2


def test_the_offer_is_emailed(mail_outbox):
    klass, holder, booking = _full_class()
    waiting = make_user()
    join_waitlist(waiting, klass.id, 1)
    db.session.commit()
    cancel_booking(holder, booking.id, current_app.config)
    db.session.commit()
    drain_all()
    assert any(m["To"] == waiting.email and klass.title in m["Subject"] for m in mail_outbox)


def test_cancelling_the_class_ends_the_waiting_list_and_tells_those_waiting(mail_outbox):
    klass, holder, booking = _full_class()
    waiting = make_user()
    join_waitlist(waiting, klass.id, 1)
    db.session.commit()
    sentra = db.session.get(TrainingClass, klass.id).sentra
    cancel_class(sentra, sentra.memberships[0].user, klass.id, "", current_app.config)
    db.session.commit()
    drain_all()
    assert entry_of(waiting.id, klass.id).status == WaitStatus.EXPIRED
    assert any(m["To"] == waiting.email and "daftar tunggu" in m.get_content() for m in mail_outbox)


def test_more_seats_from_an_edit_go_to_the_waiting_list():
    klass, holder, booking = _full_class()
    waiting = make_user()
    join_waitlist(waiting, klass.id, 1)
    db.session.commit()
    sentra = db.session.get(TrainingClass, klass.id).sentra
    edit_class(sentra, klass.id, ClassInput(capacity=3))
    db.session.commit()
    drain_all()
    assert entry_of(waiting.id, klass.id).status == WaitStatus.OFFERED
