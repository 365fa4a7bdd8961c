"""Class emails: the confirmation carries the attendance code; a cancelled class tells every booker."""
from __future__ import annotations

from flask import current_app

from orders.classes.bookings import cancel_class
from shop.extensions import db
from tests.factories import make_sentra, make_user
from tests.orders.classes.helpers import book, make_class
from tests.orders.orders_helpers import drain_all


def _to(messages, email):
    return [m for m in messages if m["To"] == email]


def test_the_confirmation_email_carries_the_attendance_code(mail_outbox):
    klass = make_class(make_sentra(), title="Kelas Ecoprint")
    buyer = make_user()
    booking = book(buyer, klass, 2).booking
    drain_all()
    [message] = _to(mail_outbox, buyer.email)
    assert "Kelas Ecoprint" in message["Subject"]
    assert booking.code in message.get_content()


def test_a_cancelled_class_emails_everyone_who_booked(mail_outbox):
    sentra = make_sentra()
    klass = make_class(sentra, title="Kelas Rajut")
    buyers = [make_user(), make_user()]
    for buyer in buyers:
        book(buyer, klass, 1)
    drain_all()
    mail_outbox.clear()
    cancel_class(sentra, sentra.memberships[0].user, klass.id, "Pelatih berhalangan", current_app.config)
    db.session.commit()
    drain_all()
    for buyer in buyers:
        [message] = _to(mail_outbox, buyer.email)
        assert "Kelas Rajut" in message.get_content()
