"""The mentoring API: GET /api/v1/mentoring/slots and POST /api/v1/kelola/<slug>/mentoring, as the issue writes them."""
from __future__ import annotations

from sqlalchemy import func, select

from orders.mentoring.models import MentoringSession
from shop.extensions import db
from tests.factories import add_member, make_sentra, make_user
from tests.orders.cart_helpers import bearer_for
from tests.orders.mentoring.helpers import at, make_mentor, make_slot


def test_the_slot_list_is_an_envelope_filtered_by_topic_subsector_and_day(client):
    baker = make_mentor(topics=("pricing",), subsectors=("kuliner",))
    photographer = make_mentor(name="Mas Fajar", topics=("photography",), subsectors=("fotografi",))
    first, second = make_slot(baker, days=2), make_slot(photographer, days=6, place="Balai Warga Jatiasih")
    body = client.get("/api/v1/mentoring/slots").get_json()
    assert (body["total"], body["page"], body["per_page"]) == (2, 1, 20)
    assert [item["id"] for item in body["items"]] == [first.id, second.id]
    item = body["items"][1]
    assert item["mentor"]["name"] == "Mas Fajar" and item["mentor"]["topics"] == ["photography"]
    assert (item["mode"], item["place"]) == ("place", "Balai Warga Jatiasih") and "link" not in item
    assert [i["id"] for i in client.get("/api/v1/mentoring/slots?topic=pricing").get_json()["items"]] == [first.id]
    assert [i["id"] for i in client.get("/api/v1/mentoring/slots?subsector=fotografi").get_json()["items"]] == \
        [second.id]
    day = at(4, 0).date().isoformat()
    assert [i["id"] for i in client.get(f"/api/v1/mentoring/slots?from={day}").get_json()["items"]] == [second.id]


def test_a_bad_filter_is_a_400(client):
    response = client.get("/api/v1/mentoring/slots?topic=astrologi&from=kemarin")
    assert response.status_code == 400
    assert set(response.get_json()["error"]["fields"]) == {"topic", "from"}


def test_a_manager_books_a_slot_201_and_a_second_booking_is_409_slot_taken(client):
    slot = make_slot(make_mentor())
    sentra, other = make_sentra(), make_sentra("32.75.01.1001")
    mine = bearer_for(sentra.memberships[0].user)
    theirs = bearer_for(other.memberships[0].user)
    db.session.commit()
    body = {"slot_id": slot.id, "topic": "pricing", "question": "Berapa harga jual kue lapis?"}
    response = client.post(f"/api/v1/kelola/{sentra.slug}/mentoring", json=body, headers=mine)
    assert response.status_code == 201
    session = response.get_json()["session"]
    assert (session["slot_id"], session["sentra"], session["topic"]) == (slot.id, sentra.slug, "pricing")
    assert session["link"] == "https://meet.example/abc" and session["action_items"] == []
    taken = client.post(f"/api/v1/kelola/{other.slug}/mentoring", json=body, headers=theirs)
    assert taken.status_code == 409 and taken.get_json()["error"]["code"] == "slot_taken"
    assert db.session.scalar(select(func.count(MentoringSession.id))) == 1
    assert client.get("/api/v1/mentoring/slots").get_json()["total"] == 0


def test_bad_bookings_are_documented_4xx_and_change_nothing(client):
    slot = make_slot(make_mentor())
    sentra = make_sentra()
    member = make_user()
    add_member(sentra, member, "member")
    headers = bearer_for(sentra.memberships[0].user)
    member_headers = bearer_for(member)
    db.session.commit()
    url = f"/api/v1/kelola/{sentra.slug}/mentoring"
    good = {"slot_id": slot.id, "topic": "pricing", "question": "Harga?"}
    unprocessable = client.post(url, json={**good, "topic": "astrologi", "question": ""}, headers=headers)
    assert unprocessable.status_code == 422
    assert set(unprocessable.get_json()["error"]["fields"]) == {"topic", "question"}
    assert client.post(url, json={**good, "slot_id": "satu"}, headers=headers).status_code == 400
    assert client.post(url, json={**good, "slot_id": 99999}, headers=headers).status_code == 404
    assert client.post(url, json=good, headers=member_headers).status_code == 403
    assert client.post(url, json=good).status_code == 401
    assert db.session.scalar(select(func.count(MentoringSession.id))) == 0


def test_another_sentras_manager_cannot_book_for_it(client):
    slot = make_slot(make_mentor())
    sentra, other = make_sentra(), make_sentra("32.75.01.1001")
    headers = bearer_for(other.memberships[0].user)
    db.session.commit()
    response = client.post(f"/api/v1/kelola/{sentra.slug}/mentoring",
                           json={"slot_id": slot.id, "topic": "pricing", "question": "Harga?"}, headers=headers)
    assert response.status_code == 404
    assert db.session.scalar(select(func.count(MentoringSession.id))) == 0
