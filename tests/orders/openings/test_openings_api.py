"""The binding openings API of issue 20: list, post, apply (409 already_applied / opening_closed), the sentra's
applications and decisions; accepting counts the applicant in the sentra's public members_count."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from orders.openings.models import JobApplication, Opening
from orders.openings.services import close_opening, today_wib
from shop.extensions import db
from tests.factories import add_member, make_sentra, make_user
from tests.orders.cart_helpers import bearer_for
from tests.orders.openings.helpers import apply, make_opening


def _opening_body(**overrides):
    body = {"title": "Admin Toko Online", "role": "online_shop_admin", "description": "Mengelola toko daring.",
            "skills": ["Shopee", "foto produk"], "positions": 2, "hours": "part_time", "pay": "sales_share",
            "closes_on": (today_wib() + timedelta(days=10)).isoformat()}
    body.update(overrides)
    return body


def _application_body(**overrides):
    body = {"motivation": "Saya terbiasa berjualan daring.", "skills": ["Shopee"], "birth_year": 2002,
            "kelurahan_code": "32.75.08.1001", "phone": "0812-1111-2222"}
    body.update(overrides)
    return body


def test_a_manager_posts_an_opening_and_anyone_finds_it_in_the_list(client):
    owner = make_user()
    sentra = make_sentra(owner=owner)
    created = client.post(f"/api/v1/kelola/{sentra.slug}/openings", json=_opening_body(), headers=bearer_for(owner))
    assert created.status_code == 201
    opening = created.get_json()["opening"]
    assert opening["id"] and opening["role"] == "online_shop_admin" and opening["skills"] == ["Shopee", "foto produk"]
    listed = client.get("/api/v1/openings").get_json()
    assert listed["total"] == 1 and listed["page"] == 1 and listed["per_page"] == 20
    item = listed["items"][0]
    assert set(item) >= {"id", "sentra", "title", "role", "positions", "closes_on"}
    assert item["sentra"]["slug"] == sentra.slug and item["closes_on"] == _opening_body()["closes_on"]


def test_the_list_filters_by_kecamatan_subsector_and_role_and_refuses_an_unknown_role(client):
    east, west = make_sentra("32.75.08.1001"), make_sentra("32.75.01.1001")
    make_opening(east, role="courier", title="Kurir Sentra")
    make_opening(west, role="design", title="Desainer")
    assert [i["title"] for i in client.get("/api/v1/openings?role=courier").get_json()["items"]] == ["Kurir Sentra"]
    assert [i["title"] for i in client.get("/api/v1/openings?kecamatan=32.75.01").get_json()["items"]] == ["Desainer"]
    subsector = east.subsectors[0].code
    titles = {i["title"] for i in client.get(f"/api/v1/openings?subsector={subsector}").get_json()["items"]}
    assert "Kurir Sentra" in titles
    bad = client.get("/api/v1/openings?role=driver")
    assert bad.status_code == 400 and bad.get_json()["error"]["code"] == "invalid_filter"


def test_a_plain_member_may_not_post_and_a_past_closing_date_is_a_field_error(client):
    sentra = make_sentra()
    member = add_member(sentra, make_user()).user
    db.session.commit()
    assert client.post(f"/api/v1/kelola/{sentra.slug}/openings", json=_opening_body(),
                       headers=bearer_for(member)).status_code == 403
    owner = sentra.memberships[0].user
    past = client.post(f"/api/v1/kelola/{sentra.slug}/openings", headers=bearer_for(owner),
                       json=_opening_body(closes_on=(today_wib() - timedelta(days=1)).isoformat()))
    assert past.status_code == 422 and set(past.get_json()["error"]["fields"]) == {"closes_on"}
    malformed = client.post(f"/api/v1/kelola/{sentra.slug}/openings", headers=bearer_for(owner),
                            json=_opening_body(closes_on="besok"))
    assert malformed.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(Opening)) == 0


def test_applying_twice_is_409_already_applied_and_a_closed_opening_409_opening_closed(client):
    sentra = make_sentra()
    opening = make_opening(sentra)
    user = make_user()
    headers = bearer_for(user)
    first = client.post(f"/api/v1/openings/{opening.id}/applications", json=_application_body(), headers=headers)
    assert first.status_code == 201
    assert first.get_json()["application"]["status"] == "submitted" and first.get_json()["application"]["id"]
    again = client.post(f"/api/v1/openings/{opening.id}/applications", json=_application_body(), headers=headers)
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "already_applied"
    close_opening(sentra, opening.id)
    db.session.commit()
    closed = client.post(f"/api/v1/openings/{opening.id}/applications", json=_application_body(),
                         headers=bearer_for(make_user()))
    assert closed.status_code == 409 and closed.get_json()["error"]["code"] == "opening_closed"
    assert db.session.scalar(select(func.count()).select_from(JobApplication)) == 1


def test_bad_application_input_is_a_field_error_and_nothing_is_saved(client):
    opening = make_opening(make_sentra())
    headers = bearer_for(make_user())
    response = client.post(f"/api/v1/openings/{opening.id}/applications", headers=headers,
                           json=_application_body(motivation="", birth_year=1939))
    assert response.status_code == 422
    assert set(response.get_json()["error"]["fields"]) == {"motivation", "birth_year"}
    assert client.post(f"/api/v1/openings/{opening.id}/applications", headers=headers,
                       json=_application_body(birth_year="2002")).status_code == 400
    assert client.post("/api/v1/openings/999999/applications", headers=headers,
                       json=_application_body()).status_code == 404
    assert client.post(f"/api/v1/openings/{opening.id}/applications", json=_application_body()).status_code == 401
    assert db.session.scalar(select(func.count()).select_from(JobApplication)) == 0


def test_the_sentra_lists_applications_with_the_phone_only_after_shortlisting(client):
    sentra = make_sentra()
    owner = sentra.memberships[0].user
    opening = make_opening(sentra)
    waiting = apply(make_user(name="Ayu"), opening)
    chosen = apply(make_user(name="Bima"), opening, phone="0813-2222-3333")
    headers = bearer_for(owner)
    decided = client.post(f"/api/v1/kelola/{sentra.slug}/applications/{chosen.id}/decision",
                          json={"decision": "shortlisted", "note": "Kami hubungi lewat WhatsApp."}, headers=headers)
    assert decided.status_code == 200 and decided.get_json()["application"]["phone"] == "+6281322223333"
    listed = client.get(f"/api/v1/kelola/{sentra.slug}/applications", headers=headers).get_json()
    phones = {item["id"]: item["phone"] for item in listed["items"]}
    assert phones == {waiting.id: None, chosen.id: "+6281322223333"}
    only = client.get(f"/api/v1/kelola/{sentra.slug}/applications?status=shortlisted", headers=headers).get_json()
    assert [item["id"] for item in only["items"]] == [chosen.id]
    assert client.get(f"/api/v1/kelola/{sentra.slug}/applications?status=hired", headers=headers).status_code == 400


def test_accepting_counts_the_applicant_in_the_public_members_count(client):
    sentra = make_sentra()
    owner = sentra.memberships[0].user
    application = apply(make_user(), make_opening(sentra))
    before = client.get(f"/api/v1/sentras/{sentra.slug}").get_json()["members_count"]
    headers = bearer_for(owner)
    response = client.post(f"/api/v1/kelola/{sentra.slug}/applications/{application.id}/decision",
                           json={"decision": "accepted", "note": "Selamat bergabung!"}, headers=headers)
    assert response.status_code == 200 and response.get_json()["application"]["status"] == "accepted"
    assert client.get(f"/api/v1/sentras/{sentra.slug}").get_json()["members_count"] == before + 1
    again = client.post(f"/api/v1/kelola/{sentra.slug}/applications/{application.id}/decision",
                        json={"decision": "rejected", "note": ""}, headers=headers)
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "invalid_transition"


def test_a_trial_without_a_time_is_422_and_another_sentras_application_404(client):
    sentra, other = make_sentra("32.75.08.1001"), make_sentra("32.75.01.1001")
    application = apply(make_user(), make_opening(sentra))
    headers = bearer_for(sentra.memberships[0].user)
    url = f"/api/v1/kelola/{sentra.slug}/applications/{application.id}/decision"
    response = client.post(url, json={"decision": "trial", "note": "Datang ya"}, headers=headers)
    assert response.status_code == 422 and set(response.get_json()["error"]["fields"]) == {"trial_at"}
    assert client.post(url, json={"decision": "trial", "note": "", "trial_at": "2030-01-01T09:00:00"},
                       headers=headers).status_code == 400
    foreign = client.post(f"/api/v1/kelola/{other.slug}/applications/{application.id}/decision",
                          json={"decision": "accepted", "note": ""}, headers=bearer_for(other.memberships[0].user))
    assert foreign.status_code == 404
    db.session.expire_all()
    assert db.session.get(JobApplication, application.id).status == "submitted"
