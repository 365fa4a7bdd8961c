"""Mentoring services: the roster, slots, booking once, notes and action items, reminders, privacy."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from orders.mentoring import services
from orders.mentoring.errors import (
    MentorExistsError,
    MentoringNotFoundError,
    MentoringValidationError,
    SlotTakenError,
)
from orders.mentoring.models import MentoringSession, MentoringSlot, SlotStatus
from orders.mentoring.services import NotesInput, SlotInput
from orders.notify import WHATSAPP_TEMPLATES
from shop.accounts.privacy import delete_account, export_user_data
from shop.db import utcnow
from shop.extensions import db
from tests.factories import PASSWORD, make_sentra, make_user
from tests.orders.mentoring.helpers import at, make_mentor, make_slot, past_session
from tests.orders.orders_helpers import drain_all
from tests.shop.whatsapp_helpers import (
    accept_all,
    sent_bodies,
    template_of,
    whatsapp_api_fixture,  # noqa: F401  (the whatsapp_api fixture)
)


def test_an_invited_mentor_becomes_one_by_accepting_with_the_verified_address(mail_outbox):
    office = make_user(admin=True)
    services.invite_mentor(office, services.MentorInput(name="Pak Adi", email="Adi@Example.test",
                                                        topics=("photography",), subsectors=("fotografi",)))
    [invitation] = [m for m in mail_outbox if m["To"] == "adi@example.test"]
    assert "/register" in invitation.get_content()  # no account yet
    user = make_user("adi@example.test")
    assert services.mentor_for(user) is None and services.pending_invitation(user) is not None
    mentor = services.accept_invitation(user)
    assert services.mentor_for(user) == mentor and [s.code for s in mentor.subsectors] == ["fotografi"]


def test_an_unverified_account_cannot_accept_and_an_address_is_on_the_roster_once():
    office = make_user(admin=True)
    data = services.MentorInput(name="Pak Adi", email="adi@example.test", topics=("pricing",))
    services.invite_mentor(office, data)
    with pytest.raises(MentoringNotFoundError):
        services.accept_invitation(make_user("adi@example.test", verified=False))
    with pytest.raises(MentorExistsError):
        services.invite_mentor(office, data)


def test_the_roster_needs_a_topic_and_known_subsectors():
    with pytest.raises(MentoringValidationError) as error:
        services.invite_mentor(make_user(admin=True), services.MentorInput(
            name="", email="bukan-email", topics=("astrologi",), subsectors=("bukan",)))
    assert set(error.value.fields) == {"name", "email", "topics", "subsectors"}


def test_a_slot_in_the_past_or_without_a_link_is_refused():
    mentor = make_mentor()
    past = at(-1, 10)
    with pytest.raises(MentoringValidationError) as error:
        services.publish_slot(mentor, SlotInput(past, past + timedelta(hours=1), "online", "https://meet.example/a"))
    assert "starts_at" in error.value.fields
    with pytest.raises(MentoringValidationError) as error:
        services.publish_slot(mentor, SlotInput(at(2, 10), at(2, 11), "online", "meet.example"))
    assert "link" in error.value.fields
    with pytest.raises(MentoringValidationError) as error:
        services.publish_slot(mentor, SlotInput(at(2, 10), at(2, 15), "place", "", "Balai"))
    assert "ends_at" in error.value.fields
    assert db.session.scalar(select(func.count(MentoringSlot.id))) == 0


def test_a_slot_is_booked_once_and_the_second_sentra_gets_slot_taken():
    slot = make_slot(make_mentor())
    first, second = make_sentra(), make_sentra("32.75.01.1001")
    session = services.book_slot(first, first.memberships[0].user, slot.id, "pricing", "Harga jual kue?")
    db.session.commit()
    with pytest.raises(SlotTakenError):
        services.book_slot(second, second.memberships[0].user, slot.id, "pricing", "Kami juga")
    db.session.rollback()
    assert db.session.get(MentoringSlot, slot.id).status == SlotStatus.BOOKED
    assert db.session.scalars(select(MentoringSession.sentra_id)).all() == [session.sentra_id]


def test_booking_needs_a_listed_topic_a_question_and_a_slot_still_to_come():
    slot = make_slot(make_mentor())
    sentra = make_sentra()
    with pytest.raises(MentoringValidationError) as error:
        services.book_slot(sentra, sentra.memberships[0].user, slot.id, "astrologi", "  ")
    assert set(error.value.fields) == {"topic", "question"}
    with pytest.raises(MentoringValidationError) as error:
        services.book_slot(sentra, sentra.memberships[0].user, slot.id, "pricing", "Harga?",
                           now=slot.starts_at + timedelta(minutes=1))
    assert set(error.value.fields) == {"slot_id"}
    with pytest.raises(MentoringNotFoundError):
        services.book_slot(sentra, sentra.memberships[0].user, 987654, "pricing", "Harga?")
    assert db.session.get(MentoringSlot, slot.id).status == SlotStatus.OPEN


def test_a_withdrawn_slot_cannot_be_booked_and_is_not_listed():
    mentor = make_mentor()
    slot, kept = make_slot(mentor), make_slot(mentor, days=4)
    services.withdraw_slot(mentor, slot.id)
    db.session.commit()
    sentra = make_sentra()
    with pytest.raises(SlotTakenError):
        services.book_slot(sentra, sentra.memberships[0].user, slot.id, "pricing", "Harga?")
    items, total = services.open_slots(services.SlotFilters())
    assert [s.id for s in items] == [kept.id] and total == 1


def test_open_slots_filter_by_topic_subsector_and_day():
    baker = make_mentor(topics=("pricing", "halal_certification"), subsectors=("kuliner",))
    photographer = make_mentor(name="Mas Fajar", topics=("photography",), subsectors=("fotografi", "kriya"))
    a, b, c = make_slot(baker, days=2), make_slot(photographer, days=3), make_slot(photographer, days=9)

    def ids(**kwargs):
        return [s.id for s in services.open_slots(services.SlotFilters(**kwargs))[0]]

    assert ids() == [a.id, b.id, c.id]
    assert ids(topic="halal_certification") == [a.id]
    assert ids(topic="photography", subsector="kriya") == [b.id, c.id]
    assert ids(day_from=at(5, 0).date()) == [c.id]


def test_notes_come_after_the_session_and_rewriting_keeps_the_ticks():
    mentor = make_mentor()
    sentra = make_sentra()
    upcoming = services.book_slot(sentra, sentra.memberships[0].user, make_slot(mentor).id, "pricing", "HPP?")
    with pytest.raises(MentoringValidationError):
        services.write_notes(mentor, upcoming.id, NotesInput("Catatan", ("Hitung HPP",)))
    held = past_session(mentor, sentra, sentra.memberships[0].user, days_ago=2)
    services.write_notes(mentor, held.id, NotesInput("HPP dibahas.", ("Hitung HPP", "Foto ulang produk")))
    first = held.actions[0]
    services.tick_action(sentra, sentra.memberships[0].user, held.id, first.id, True)
    services.write_notes(mentor, held.id, NotesInput("HPP dibahas lagi.", ("Hitung HPP", "Daftar halal")))
    assert [(a.text, a.done_at is not None) for a in held.actions] == [("Hitung HPP", True), ("Daftar halal", False)]


def test_another_sentra_cannot_tick_an_action_item_and_another_mentor_cannot_write_notes():
    mentor = make_mentor()
    sentra, other = make_sentra(), make_sentra("32.75.01.1001")
    held = past_session(mentor, sentra, sentra.memberships[0].user, days_ago=1)
    services.write_notes(mentor, held.id, NotesInput("Catatan", ("Satu",)))
    with pytest.raises(MentoringNotFoundError):
        services.tick_action(other, other.memberships[0].user, held.id, held.actions[0].id, True)
    with pytest.raises(MentoringNotFoundError):
        services.write_notes(make_mentor(name="Mentor Lain"), held.id, NotesInput("Bukan", ()))
    assert held.actions[0].done_at is None and held.notes == "Catatan"


def test_the_mentor_is_told_of_a_booking_and_both_are_reminded_once_a_day_before(mail_outbox):
    mentor = make_mentor("ratna@example.test")
    sentra = make_sentra()
    manager = sentra.memberships[0].user
    slot = make_slot(mentor, days=3)
    mail_outbox.clear()  # the invitation
    services.book_slot(sentra, manager, slot.id, "bookkeeping", "Cara mencatat kas?")
    db.session.commit()
    drain_all()
    [told] = [m for m in mail_outbox if m["To"] == "ratna@example.test"]
    assert sentra.name in told["Subject"] and "Cara mencatat kas?" in told.get_content()
    mail_outbox.clear()
    assert services.send_reminders(now=slot.starts_at - timedelta(days=2)) == 0
    assert services.send_reminders(now=slot.starts_at - timedelta(hours=20)) == 1
    assert services.send_reminders(now=slot.starts_at - timedelta(hours=19)) == 0
    db.session.commit()
    drain_all()
    assert sorted(m["To"] for m in mail_outbox) == sorted(["ratna@example.test", manager.email])


def test_the_account_export_holds_the_notes_and_deleting_a_mentor_erases_them():
    mentor = make_mentor("ratna@example.test")
    sentra = make_sentra()
    manager = sentra.memberships[0].user
    held = past_session(mentor, sentra, manager, days_ago=3)
    make_slot(mentor, days=5)
    services.write_notes(mentor, held.id, NotesInput("Naikkan harga 10%.", ("Ubah label harga",)))
    db.session.commit()
    [as_mentor] = export_user_data(mentor.user)["mentoring"]
    assert as_mentor["role"] == "mentor" and as_mentor["sessions"][0]["notes"] == "Naikkan harga 10%."
    [as_booker] = export_user_data(manager)["mentoring"]
    assert as_booker["role"] == "booked_by" and as_booker["question"] == "Bagaimana menghitung HPP?"
    user = mentor.user
    delete_account(user, PASSWORD)
    db.session.commit()
    db.session.expire_all()
    held = db.session.get(MentoringSession, held.id)
    assert held.notes == "" and held.mentor.user_id is None and held.mentor.email.endswith("@invalid")
    assert services.open_slots(services.SlotFilters())[1] == 0
    assert [a.text for a in held.actions] == ["Ubah label harga"]  # the sentra's to-do stays


def test_deleting_a_booker_erases_their_question_but_keeps_the_session_for_the_figures():
    mentor = make_mentor()
    sentra = make_sentra()
    manager = make_user()
    held = past_session(mentor, sentra, manager, days_ago=3)
    delete_account(manager, PASSWORD)
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(MentoringSession, held.id).question == ""


def test_the_office_sees_quiet_sentras_of_the_last_ninety_days():
    from orders.mentoring import office
    mentor = make_mentor()
    recent, old, never = make_sentra(), make_sentra("32.75.01.1001"), make_sentra("32.75.02.1001")
    past_session(mentor, recent, recent.memberships[0].user, days_ago=10)
    past_session(mentor, old, old.memberships[0].user, days_ago=120)
    quiet = {s.id for s in office.quiet_sentras(utcnow())}
    assert recent.id not in quiet and {old.id, never.id} <= quiet
    per_sentra = {t.id: t.sessions for t in office.sessions_per_sentra()}
    assert per_sentra == {recent.id: 1, old.id: 1}
    assert [(t.name, t.sessions) for t in office.sessions_per_mentor()] == [(mentor.name, 2)]


def test_a_mentor_who_chose_whatsapp_gets_the_booking_and_both_get_the_reminder_there(whatsapp_api, mail_outbox):
    accept_all(whatsapp_api)
    mentor = make_mentor("ratna@example.test", name="Ratna")
    mentor.user.phone, mentor.user.notify_channel = "0812-1111-2222", "whatsapp"
    sentra = make_sentra()
    manager = sentra.memberships[0].user
    manager.phone, manager.notify_channel = "+62 813 3333 4444", "both"
    slot = make_slot(mentor, days=3)
    mail_outbox.clear()
    services.book_slot(sentra, manager, slot.id, "pricing", "Harga?")
    db.session.commit()
    drain_all()
    [(number, name, params)] = [template_of(body) for body in sent_bodies(whatsapp_api)]
    assert (number, name) == ("6281211112222", "pendampingan_dipesan")
    assert params[:2] == ["Ratna", sentra.name] and params[3] == "Harga jual"
    assert len(params) == len(WHATSAPP_TEMPLATES[name]) and not mail_outbox  # WhatsApp only, as chosen
    whatsapp_api.clear_log()
    services.send_reminders(now=slot.starts_at - timedelta(hours=20))
    db.session.commit()
    drain_all()
    sent = sorted((number, name) for number, name, _params in (template_of(b) for b in sent_bodies(whatsapp_api)))
    assert sent == [("6281211112222", "pendampingan_pengingat"), ("6281333334444", "pendampingan_pengingat")]
    assert [m["To"] for m in mail_outbox] == [manager.email]  # "both": the manager also gets the email
