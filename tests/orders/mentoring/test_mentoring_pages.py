"""The mentoring pages: the office invites, the mentor publishes and writes notes, the sentra books and ticks."""
from __future__ import annotations

from sqlalchemy import func, select

from orders.mentoring.models import Mentor, MentoringAction, MentoringSession, MentoringSlot
from orders.mentoring.services import NotesInput, write_notes
from shop.extensions import db
from tests.factories import add_member, make_sentra, make_user
from tests.orders.mentoring.helpers import at, make_mentor, make_slot, past_session


def _text(response) -> str:
    return response.get_data(as_text=True)


def test_the_office_invites_a_mentor_who_accepts_and_publishes_a_slot(client, auth, mail_outbox):
    make_user("kantor@example.test", admin=True)
    make_user("ratna@example.test", name="Ratna")
    db.session.commit()
    auth.login("kantor@example.test")
    bad = client.post("/admin/pendamping", data={"name": "Ratna", "email": "ratna@example.test"})
    assert bad.status_code == 422 and "Pilih minimal satu topik" in _text(bad)
    data = {"name": "Ratna", "email": "ratna@example.test", "topics": ["pricing", "bookkeeping"],
            "subsectors": ["kuliner"], "contact": "WA 0812"}
    assert client.post("/admin/pendamping", data=data).status_code == 302
    assert "Ratna" in _text(client.get("/admin/pendamping"))
    auth.logout()
    auth.login("ratna@example.test")
    assert "Undangan pendampingan" in _text(client.get("/pendamping/"))
    assert client.post("/pendamping/terima", data={"done": "1"}).status_code == 302
    day = at(3, 10).date().isoformat()
    past = client.post("/pendamping/", data={"day": at(-2, 10).date().isoformat(), "starts": "10:00",
                                             "ends": "11:00", "mode": "online", "link": "https://meet.example/a"})
    assert past.status_code == 422 and "Waktu mulai harus di masa depan" in _text(past)
    no_link = client.post("/pendamping/", data={"day": day, "starts": "10:00", "ends": "11:00", "mode": "online"})
    assert no_link.status_code == 422
    ok = client.post("/pendamping/", data={"day": day, "starts": "10:00", "ends": "11:00", "mode": "place",
                                           "place": "Balai Warga Jatiwaringin"})
    assert ok.status_code == 302
    assert db.session.scalar(select(func.count(MentoringSlot.id))) == 1


def test_someone_who_is_not_a_mentor_gets_403(client, auth):
    make_user("warga@example.test")
    db.session.commit()
    auth.login("warga@example.test")
    assert client.get("/pendamping/").status_code == 403


def test_a_manager_books_a_slot_and_reads_the_notes_and_ticks_an_item(client, auth, mail_outbox):
    mentor = make_mentor(name="Bu Ratna")
    slot = make_slot(mentor)
    owner = make_user("pemilik@example.test")
    sentra = make_sentra(owner=owner)
    db.session.commit()
    auth.login("pemilik@example.test")
    page = client.get(f"/kelola/{sentra.slug}/pendampingan/")
    assert page.status_code == 200 and "Bu Ratna" in _text(page)
    empty = client.post(f"/kelola/{sentra.slug}/pendampingan/slot/{slot.id}", data={"topic": "pricing",
                                                                                   "question": ""})
    assert empty.status_code == 422
    booked = client.post(f"/kelola/{sentra.slug}/pendampingan/slot/{slot.id}",
                         data={"topic": "pricing", "question": "Harga kue lapis?"})
    assert booked.status_code == 302
    session = db.session.scalar(select(MentoringSession))
    assert session.question == "Harga kue lapis?"
    assert client.get(f"/kelola/{sentra.slug}/pendampingan/slot/{slot.id}").status_code == 404  # taken
    held = past_session(mentor, sentra, owner, days_ago=1)
    write_notes(mentor, held.id, NotesInput("Naikkan harga.", ("Hitung HPP",)))
    db.session.commit()
    detail = client.get(f"/kelola/{sentra.slug}/pendampingan/{held.id}")
    assert "Naikkan harga." in _text(detail) and "Hitung HPP" in _text(detail)
    action = held.actions[0]
    url = f"/kelola/{sentra.slug}/pendampingan/{held.id}/tindakan/{action.id}"
    assert client.post(url, data={"done": "1"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(MentoringAction, action.id).done_at is not None


def test_the_mentor_writes_notes_after_the_session_only(client, auth):
    mentor = make_mentor("ratna@example.test")
    sentra = make_sentra()
    held = past_session(mentor, sentra, sentra.memberships[0].user, days_ago=1)
    db.session.commit()
    auth.login("ratna@example.test")
    assert "Bagaimana menghitung HPP?" in _text(client.get(f"/pendamping/sesi/{held.id}"))
    empty = client.post(f"/pendamping/sesi/{held.id}", data={"notes": "", "actions": ""})
    assert empty.status_code == 422
    saved = client.post(f"/pendamping/sesi/{held.id}", data={"notes": "HPP dibahas", "actions": "Satu\nDua\n"})
    assert saved.status_code == 302
    db.session.expire_all()
    assert [a.text for a in db.session.get(MentoringSession, held.id).actions] == ["Satu", "Dua"]


def test_notes_are_hidden_from_plain_members_other_sentras_and_other_mentors(client, auth):
    mentor = make_mentor("ratna@example.test")
    other_mentor = make_mentor("lain@example.test", name="Mentor Lain")
    sentra, other = make_sentra(), make_sentra("32.75.01.1001")
    member = make_user("anggota@example.test")
    add_member(sentra, member, "member")
    held = past_session(mentor, sentra, sentra.memberships[0].user, days_ago=1)
    write_notes(mentor, held.id, NotesInput("Rahasia dagang", ("Satu",)))
    db.session.commit()
    action_id = held.actions[0].id
    auth.login("anggota@example.test")
    assert client.get(f"/kelola/{sentra.slug}/pendampingan/{held.id}").status_code == 403
    listing = client.get(f"/kelola/{sentra.slug}/pendampingan/")
    assert listing.status_code == 200 and "Rahasia dagang" not in _text(listing)
    assert f"/pendampingan/{held.id}" not in _text(listing)
    auth.logout()
    auth.login(other.memberships[0].user.email)
    for method, url in (("GET", f"/kelola/{other.slug}/pendampingan/{held.id}"),
                        ("POST", f"/kelola/{other.slug}/pendampingan/{held.id}/tindakan/{action_id}"),
                        ("GET", f"/kelola/{sentra.slug}/pendampingan/{held.id}")):
        assert client.open(url, method=method, data={"done": "1"}).status_code == 404, url
    auth.logout()
    auth.login(other_mentor.user.email)
    assert client.get(f"/pendamping/sesi/{held.id}").status_code == 404
    assert client.post(f"/pendamping/sesi/{held.id}", data={"notes": "Bukan", "actions": ""}).status_code == 404
    db.session.expire_all()
    session = db.session.get(MentoringSession, held.id)
    assert session.notes == "Rahasia dagang" and session.actions[0].done_at is None


def test_another_mentor_cannot_withdraw_a_slot(client, auth):
    slot = make_slot(make_mentor())
    other = make_mentor("lain@example.test", name="Mentor Lain")
    db.session.commit()
    auth.login(other.user.email)
    assert client.post(f"/pendamping/slot/{slot.id}/tarik").status_code == 404
    assert db.session.get(MentoringSlot, slot.id).status == "open"


def test_the_office_overview_counts_sessions_and_lists_quiet_sentras(client, auth):
    mentor = make_mentor(name="Bu Ratna")
    busy = make_sentra(name="Sentra Ramai")
    make_sentra("32.75.01.1001", name="Sentra Sepi")
    past_session(mentor, busy, busy.memberships[0].user, days_ago=5)
    make_user("kantor@example.test", admin=True)
    db.session.commit()
    auth.login("kantor@example.test")
    page = _text(client.get("/admin/pendampingan"))
    assert "Sentra Ramai" in page and "Bu Ratna" in page
    quiet_part = page.split('id="sepi"')[1].split("</section>")[0]
    assert "Sentra Sepi" in quiet_part and "Sentra Ramai" not in quiet_part
    mentor_id = db.session.scalar(select(Mentor.id))
    assert client.post(f"/admin/pendamping/{mentor_id}/status", data={"done": "0"}).status_code == 302
    assert db.session.get(Mentor, mentor_id).active is False
