"""A reminder a day before each session of a class, once per session and booking."""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from flask import current_app
from sqlalchemy import select

from orders.classes.bookings import cancel_booking
from orders.classes.certificates import send_reminders
from orders.classes.models import ClassReminder
from shop.extensions import db
from shop.outbox.models import OutboxJob
from tests.factories import make_sentra, make_user
from tests.orders.classes.helpers import book, make_class
from tests.orders.orders_helpers import drain_all


def _reminders() -> list[tuple[int, int]]:
    jobs = db.session.scalars(select(OutboxJob).where(OutboxJob.kind == "class.reminder").order_by(OutboxJob.id))
    return [(job.payload["booking_id"], job.payload["session_id"]) for job in jobs]


def test_each_session_gets_its_own_reminder_a_day_before_and_only_once():
    klass = make_class(make_sentra(), days=(2, 5))
    booking = book(make_user(), klass, 1).booking
    first, second = klass.sessions
    assert send_reminders(first.starts_at - timedelta(hours=23)) == 1
    assert send_reminders(first.starts_at - timedelta(hours=22)) == 0
    assert send_reminders(first.ends_at) == 0  # the second session is still days away
    assert send_reminders(second.starts_at - timedelta(hours=23)) == 1
    assert send_reminders(second.starts_at - timedelta(hours=1)) == 0
    db.session.commit()
    assert _reminders() == [(booking.id, first.id), (booking.id, second.id)]
    assert db.session.scalar(select(ClassReminder.sent_at).where(ClassReminder.session_id == second.id)) is not None


def test_sessions_on_following_days_are_reminded_one_at_a_time():
    klass = make_class(make_sentra(), days=(2, 3))
    booking = book(make_user(), klass, 1).booking
    first, second = klass.sessions
    assert send_reminders(first.starts_at - timedelta(hours=1)) == 1  # the second starts 25 hours later
    assert send_reminders(second.starts_at - timedelta(hours=23)) == 1
    db.session.commit()
    assert _reminders() == [(booking.id, first.id), (booking.id, second.id)]


def test_a_worker_that_was_down_reminds_of_the_session_to_come_not_the_one_past():
    klass = make_class(make_sentra(), days=(2, 3))
    booking = book(make_user(), klass, 1).booking
    first, second = klass.sessions
    assert send_reminders(first.ends_at) == 1
    db.session.commit()
    assert _reminders() == [(booking.id, second.id)]


def test_a_cancelled_booking_is_not_reminded():
    klass = make_class(make_sentra(), days=(3, 5))
    buyer = make_user()
    booking = book(buyer, klass, 1).booking
    cancel_booking(buyer, booking.id, current_app.config)
    db.session.commit()
    assert send_reminders(klass.sessions[0].starts_at - timedelta(hours=23)) == 0


def test_the_reminder_of_the_second_session_names_it(mail_outbox):
    klass = make_class(make_sentra(), title="Kelas Tenun", days=(2, 5))
    booking = book(make_user(), klass, 1).booking
    send_reminders(klass.sessions[1].starts_at - timedelta(hours=23))
    db.session.commit()
    drain_all()
    [mail] = [m for m in mail_outbox if m["To"] == booking.buyer.email and "Kelas Tenun" in m["Subject"]
              and "Pengingat" in m["Subject"]]
    content = mail.get_content()
    assert "Sesi 2 dari 2" in content and booking.code in content


def _remind_in_thread(app, barrier: threading.Barrier, when) -> int:
    with app.app_context():
        try:
            db.session.execute(select(OutboxJob.id).limit(1)).all()  # the connection is open before the race
            barrier.wait(timeout=60)
            sent = send_reminders(when)
            db.session.commit()
            return sent
        finally:
            db.session.remove()


@pytest.mark.postgres_only
def test_parallel_workers_send_each_sessions_reminder_once(app):
    klass = make_class(make_sentra(), capacity=10, days=(2, 5))
    bookings = [book(make_user(), klass, 1).booking.id for _ in range(5)]
    when = klass.sessions[0].starts_at - timedelta(hours=23)
    parallel = 4
    barrier = threading.Barrier(parallel)
    with ThreadPoolExecutor(max_workers=parallel) as pool:
        sent = list(pool.map(lambda _: _remind_in_thread(app, barrier, when), range(parallel)))
    assert sum(sent) == len(bookings)
    db.session.expire_all()
    assert sorted(_reminders()) == [(booking_id, klass.sessions[0].id) for booking_id in bookings]
