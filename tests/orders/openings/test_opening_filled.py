"""An opening closes itself when its accepted applicants fill its places (issue 20's gap): new applications then
get ``opening_closed``, those already made still wait for an answer, and the manager is shown why."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from orders.openings import applications
from orders.openings.errors import OpeningClosedError
from orders.openings.models import JobApplication, Opening
from orders.openings.services import close_opening
from shop.extensions import db
from tests.factories import make_sentra, make_user
from tests.orders.cart_helpers import bearer_for
from tests.orders.openings.helpers import apply, make_opening


def _decide(sentra, application, decision: str) -> None:
    applications.decide(sentra, application.id, decision, "")
    db.session.commit()


def test_accepting_the_last_place_closes_the_opening_and_new_applications_get_opening_closed():
    sentra = make_sentra()
    opening = make_opening(sentra, positions=2)
    first, second, waiting = (apply(make_user(), opening) for _ in range(3))
    _decide(sentra, first, "accepted")
    assert db.session.get(Opening, opening.id).status == "open"
    _decide(sentra, second, "accepted")
    closed = db.session.get(Opening, opening.id)
    assert closed.status == "closed" and closed.closed_at is not None
    with pytest.raises(OpeningClosedError):
        applications.apply_to_opening(make_user(), opening.id, applications.ApplicationInput(
            motivation="Saya ingin ikut.", skills=[], birth_year=2004, kelurahan_code="32.75.08.1001",
            phone="0812-3456-7890"))
    db.session.rollback()
    # The applications already made stay to be answered: the sentra may still reject (or accept) them.
    _decide(sentra, waiting, "rejected")
    assert db.session.get(JobApplication, waiting.id).status == "rejected"


def test_shortlisting_trials_and_rejections_do_not_fill_places():
    sentra = make_sentra()
    opening = make_opening(sentra, positions=1)
    one, two = apply(make_user(), opening), apply(make_user(), opening)
    _decide(sentra, one, "shortlisted")
    _decide(sentra, two, "rejected")
    assert db.session.get(Opening, opening.id).status == "open"


def test_accepting_after_a_manual_close_changes_nothing_more():
    sentra = make_sentra()
    opening = make_opening(sentra, positions=1)
    application = apply(make_user(), opening)
    close_opening(sentra, opening.id)
    db.session.commit()
    closed_at = db.session.get(Opening, opening.id).closed_at
    _decide(sentra, application, "accepted")
    assert db.session.get(Opening, opening.id).closed_at == closed_at


def test_the_manager_is_told_and_the_list_shows_the_places_filled(client, auth):
    owner = make_user("pemilik@example.test")
    sentra = make_sentra(owner=owner)
    opening = make_opening(sentra, positions=1, title="Fotografer Produk")
    application = apply(make_user(), opening)
    auth.login("pemilik@example.test")
    index = client.get(f"/kelola/{sentra.slug}/lowongan/").get_data(as_text=True)
    assert "Diterima: 0 dari 1" in index and "Tutup lowongan" in index
    answer = client.post(f"/kelola/{sentra.slug}/lowongan/lamaran/{application.id}",
                         data={"decision": "accepted", "note": "Selamat!"}, follow_redirects=True)
    page = answer.get_data(as_text=True)
    assert "Semua posisi lowongan ini sudah terisi" in page
    index = client.get(f"/kelola/{sentra.slug}/lowongan/").get_data(as_text=True)
    assert "Diterima: 1 dari 1" in index and "Ditutup: semua posisi sudah terisi" in index
    assert "Tutup lowongan" not in index
    assert f'href="/lowongan/{opening.id}"' not in client.get("/lowongan").get_data(as_text=True)


def test_the_api_answers_opening_closed_once_the_places_are_filled(client):
    owner = make_user("pemilik@example.test")
    sentra = make_sentra(owner=owner)
    opening = make_opening(sentra, positions=1)
    application = apply(make_user(), opening)
    manager = bearer_for(owner)
    answer = client.post(f"/api/v1/kelola/{sentra.slug}/applications/{application.id}/decision",
                         json={"decision": "accepted", "note": ""}, headers=manager)
    assert answer.status_code == 200
    applicant = bearer_for(make_user())
    late = client.post(f"/api/v1/openings/{opening.id}/applications", headers=applicant, json={
        "motivation": "Saya ingin ikut.", "skills": ["membatik"], "birth_year": 2005,
        "kelurahan_code": "32.75.08.1001", "phone": "0812-3456-7890"})
    assert late.status_code == 409 and late.get_json()["error"]["code"] == "opening_closed"
    assert db.session.scalar(select(func.count()).select_from(JobApplication)) == 1
