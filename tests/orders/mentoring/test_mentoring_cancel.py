"""Cancelling a booked mentoring session (issue 20's gap): by the sentra's managers or by the mentor, before it
starts, after a confirmation page; the slot is open again and the other side is told; another sentra's or
mentor's session is a 404."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from orders.mentoring import services
from orders.mentoring.errors import CancelClosedError
from orders.mentoring.models import MentoringSession, MentoringSlot, SlotStatus
from orders.notify import WHATSAPP_TEMPLATES
from shop.extensions import db
from shop.outbox.models import OutboxJob
from shop.sentras.models import Sentra
from tests.factories import add_member, make_sentra, make_user
from tests.orders.mentoring.helpers import make_mentor, make_slot, past_session
from tests.orders.orders_helpers import drain_all
from tests.shop.whatsapp_helpers import (
    accept_all,
    sent_bodies,
    template_of,
    whatsapp_api_fixture,  # noqa: F401  (the whatsapp_api fixture)
)


def _text(response) -> str:
    return response.get_data(as_text=True)


def _booked(mentor=None, sentra=None, *, days: int = 3):
    mentor = mentor or make_mentor("ratna@example.test", name="Bu Ratna")
    sentra = sentra or make_sentra(owner=make_user("pemilik@example.test", name="Pak Budi"))
    slot = make_slot(mentor, days=days)
    session = services.book_slot(sentra, sentra.memberships[0].user, slot.id, "pricing", "Harga kue lapis?")
    db.session.commit()
    return mentor, sentra, slot, session


def _sessions() -> int:
    return db.session.scalar(select(func.count()).select_from(MentoringSession))


def test_the_sentra_cancels_the_slot_opens_again_and_the_mentor_is_told(mail_outbox):
    mentor, sentra, slot, session = _booked()
    drain_all()
    mail_outbox.clear()
    services.cancel_session(session, "sentra", sentra.memberships[0].user)
    db.session.commit()
    assert _sessions() == 0 and db.session.get(MentoringSlot, slot.id).status == SlotStatus.OPEN
    drain_all()
    [told] = mail_outbox
    assert told["To"] == "ratna@example.test" and sentra.name in told.get_content()
    # Another sentra may book the freed slot.
    other = make_sentra("32.75.01.1001")
    services.book_slot(other, other.memberships[0].user, slot.id, "bookkeeping", "Kas?")
    db.session.commit()
    assert _sessions() == 1


def test_the_mentor_cancels_and_the_manager_who_booked_is_told(mail_outbox):
    mentor, sentra, slot, session = _booked()
    drain_all()
    mail_outbox.clear()
    services.cancel_session(services.load_mentor_session(mentor, session.id), "mentor", mentor.user)
    db.session.commit()
    assert db.session.get(MentoringSlot, slot.id).status == SlotStatus.OPEN
    drain_all()
    [told] = mail_outbox
    assert told["To"] == "pemilik@example.test" and "Bu Ratna" in told.get_content()


def test_a_cancellation_before_the_booking_message_went_sends_only_the_cancellation(mail_outbox):
    mentor, sentra, _slot, session = _booked()
    mail_outbox.clear()
    services.cancel_session(session, "sentra", sentra.memberships[0].user)
    db.session.commit()
    drain_all()  # the booking's job finds no session and sends nothing
    assert [m["To"] for m in mail_outbox] == ["ratna@example.test"]
    assert mail_outbox[0]["Subject"].startswith("Pendampingan dibatalkan")


def test_a_session_that_has_started_cannot_be_cancelled_and_nothing_changes():
    mentor = make_mentor()
    sentra = make_sentra()
    held = past_session(mentor, sentra, sentra.memberships[0].user, days_ago=1)
    with pytest.raises(CancelClosedError):
        services.cancel_session(held, "sentra", sentra.memberships[0].user)
    db.session.rollback()
    assert _sessions() == 1 and db.session.get(MentoringSlot, held.slot_id).status == SlotStatus.BOOKED


def test_a_mentor_who_left_the_roster_does_not_get_the_slot_back_open():
    mentor, sentra, slot, session = _booked()
    services.set_active(mentor.id, False)
    db.session.commit()
    services.cancel_session(session, "sentra", sentra.memberships[0].user)
    db.session.commit()
    assert db.session.get(MentoringSlot, slot.id).status == SlotStatus.WITHDRAWN


def test_the_cancellation_goes_on_whatsapp_with_the_templates_parameters(whatsapp_api, mail_outbox):
    accept_all(whatsapp_api)
    mentor, sentra, _slot, session = _booked()
    mentor.user.phone, mentor.user.notify_channel = "0812-1111-2222", "whatsapp"
    db.session.commit()
    drain_all()
    whatsapp_api.clear_log()
    services.cancel_session(session, "sentra", sentra.memberships[0].user)
    db.session.commit()
    drain_all()
    [(number, name, params)] = [template_of(body) for body in sent_bodies(whatsapp_api)]
    assert (number, name) == ("6281211112222", "pendampingan_dibatalkan")
    assert params[:2] == ["Bu Ratna", sentra.name] and len(params) == len(WHATSAPP_TEMPLATES[name])


# --- the pages ---------------------------------------------------------------------------------------


def test_a_manager_confirms_then_cancels_and_the_slot_is_bookable_again(client, auth):
    _mentor, sentra, slot, session = _booked()
    auth.login("pemilik@example.test")
    detail = client.get(f"/kelola/{sentra.slug}/pendampingan/{session.id}")
    url = f"/kelola/{sentra.slug}/pendampingan/{session.id}/batal"
    assert url in _text(detail)
    confirm = client.get(url)
    assert confirm.status_code == 200 and "Batalkan sesi pendampingan ini?" in _text(confirm)
    assert _sessions() == 1  # asking changes nothing
    done = client.post(url, follow_redirects=True)
    assert done.status_code == 200 and "Sesi dibatalkan" in _text(done)
    assert _sessions() == 0 and db.session.get(MentoringSlot, slot.id).status == SlotStatus.OPEN
    assert client.get(f"/kelola/{sentra.slug}/pendampingan/slot/{slot.id}").status_code == 200
    assert OutboxJob.query.filter_by(kind=services.CANCELLED_JOB).count() == 1


def test_the_mentor_confirms_then_cancels(client, auth):
    _mentor, _sentra, slot, session = _booked()
    auth.login("ratna@example.test")
    url = f"/pendamping/sesi/{session.id}/batal"
    assert url in _text(client.get(f"/pendamping/sesi/{session.id}"))
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 302
    assert _sessions() == 0 and db.session.get(MentoringSlot, slot.id).status == SlotStatus.OPEN


def test_another_sentra_another_mentor_and_plain_members_cannot_cancel(client, auth):
    mentor, sentra, _slot, session = _booked()
    make_sentra("32.75.01.1001", owner=make_user("lain@example.test"))
    add_member(sentra, make_user("anggota@example.test"))
    make_mentor("fajar@example.test", name="Pak Fajar")
    db.session.commit()
    other_slug = db.session.scalar(select(Sentra.slug).where(Sentra.kelurahan_code == "32.75.01.1001"))
    auth.login("lain@example.test")
    assert client.get(f"/kelola/{other_slug}/pendampingan/{session.id}/batal").status_code == 404
    assert client.post(f"/kelola/{other_slug}/pendampingan/{session.id}/batal").status_code == 404
    auth.logout()
    auth.login("anggota@example.test")
    assert client.post(f"/kelola/{sentra.slug}/pendampingan/{session.id}/batal").status_code == 403
    auth.logout()
    auth.login("fajar@example.test")
    assert client.get(f"/pendamping/sesi/{session.id}/batal").status_code == 404
    assert client.post(f"/pendamping/sesi/{session.id}/batal").status_code == 404
    assert _sessions() == 1


def test_a_started_session_shows_no_cancel_and_its_page_refuses(client, auth):
    mentor = make_mentor()
    sentra = make_sentra(owner=make_user("pemilik@example.test"))
    held = past_session(mentor, sentra, sentra.memberships[0].user, days_ago=1)
    auth.login("pemilik@example.test")
    url = f"/kelola/{sentra.slug}/pendampingan/{held.id}/batal"
    assert url not in _text(client.get(f"/kelola/{sentra.slug}/pendampingan/{held.id}"))
    refused = client.post(url, follow_redirects=True)
    assert "tidak bisa dibatalkan lagi" in _text(refused) and _sessions() == 1


def test_a_session_starting_in_a_minute_can_still_be_cancelled_but_not_after():
    _mentor, sentra, _slot, session = _booked()
    assert services.can_cancel(session, now=session.starts_at - timedelta(minutes=1))
    assert not services.can_cancel(session, now=session.starts_at)
