"""Certificates once a class has ended, checked publicly; reminders a day before."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from orders.classes.bookings import check_in_by_code
from orders.classes.certificates import issue_certificates, send_reminders
from orders.classes.models import ClassCertificate
from shop.db import utcnow
from shop.extensions import db
from shop.outbox.models import OutboxJob
from tests.factories import make_sentra, make_user
from tests.orders.classes.helpers import book, make_class
from tests.orders.orders_helpers import drain_all


def _attended_class(title="Kelas Batik Tulis"):
    sentra = make_sentra()
    klass = make_class(sentra, title=title, days=(2,))
    attendee = book(make_user(name="Nadia Putri"), klass, 1).booking
    absent = book(make_user(name="Tidak Datang"), klass, 1).booking
    check_in_by_code(sentra, klass.id, attendee.code, sentra.memberships[0].user)
    db.session.commit()
    return klass, attendee, absent


def test_only_attendees_get_a_certificate_and_only_once_the_class_has_ended():
    klass, attendee, absent = _attended_class()
    assert issue_certificates(utcnow()) == 0  # not ended yet
    after = klass.ends_at + timedelta(minutes=1)
    assert issue_certificates(after) == 1
    assert issue_certificates(after) == 0
    certificate = db.session.scalar(select(ClassCertificate))
    assert certificate.booking_id == attendee.id and certificate.name == "Nadia Putri"
    assert len(certificate.code) == 10 and certificate.hours == 2


def test_the_public_check_shows_the_certificate_and_an_unknown_code_is_404(client):
    klass, attendee, _absent = _attended_class()
    issue_certificates(klass.ends_at + timedelta(minutes=1))
    db.session.commit()
    code = db.session.scalar(select(ClassCertificate.code))
    page = client.get(f"/sertifikat/{code.lower()}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Nadia Putri" in text and "Kelas Batik Tulis" in text and code in text
    assert client.get("/sertifikat/ZZZZZZZZZZ").status_code == 404
    assert client.get("/sertifikat/x").status_code == 404


def test_the_attendee_is_emailed_the_certificate(mail_outbox):
    klass, attendee, _absent = _attended_class()
    issue_certificates(klass.ends_at + timedelta(minutes=1))
    db.session.commit()
    drain_all()
    code = db.session.scalar(select(ClassCertificate.code))
    assert any(code in m.get_content() for m in mail_outbox if m["To"] == attendee.buyer.email)


def test_a_reminder_goes_once_to_each_confirmed_booking_a_day_before(mail_outbox):
    klass = make_class(make_sentra(), title="Kelas Kopi", days=(2,))
    booking = book(make_user(), klass, 1).booking
    assert send_reminders(utcnow()) == 0  # two days ahead
    day_before = klass.starts_at - timedelta(hours=23)
    assert send_reminders(day_before) == 1
    assert send_reminders(day_before) == 0
    db.session.commit()
    jobs = db.session.scalars(select(OutboxJob).where(OutboxJob.kind == "class.reminder")).all()
    assert [job.payload["booking_id"] for job in jobs] == [booking.id]


def test_a_class_of_two_sessions_certifies_only_who_came_to_both(monkeypatch):
    sentra = make_sentra()
    klass = make_class(sentra, days=(2, 3))
    both = book(make_user(name="Datang Dua Kali"), klass, 1).booking
    once = book(make_user(name="Datang Sekali"), klass, 1).booking
    member = sentra.memberships[0].user
    first, second = klass.sessions
    monkeypatch.setattr("orders.classes.bookings.utcnow", lambda: first.starts_at)
    assert check_in_by_code(sentra, klass.id, both.code, member).changed
    assert check_in_by_code(sentra, klass.id, once.code, member).changed
    assert not check_in_by_code(sentra, klass.id, both.code, member).changed  # the same session again
    monkeypatch.setattr("orders.classes.bookings.utcnow", lambda: second.starts_at)
    assert check_in_by_code(sentra, klass.id, both.code, member).changed
    db.session.commit()
    assert issue_certificates(klass.ends_at + timedelta(minutes=1)) == 1
    assert db.session.scalar(select(ClassCertificate.name)) == "Datang Dua Kali"
