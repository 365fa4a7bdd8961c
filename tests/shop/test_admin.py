"""The program office area: who may enter, the lists, the partner decisions and the user search."""
from __future__ import annotations

import re

import pytest
from werkzeug.routing import Rule

from shop.extensions import db
from shop.partners.models import Partner, PartnerStatus
from shop.places.models import Kelurahan
from shop.sentras.models import SentraStatus
from tests.factories import make_partner, make_sentra, make_user


def _admin_urls(app) -> list[tuple[str, str]]:
    """(method, url) for every /admin route, with placeholder ids filled in."""
    urls = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/admin"):
            continue
        url = re.sub(r"<(?:int:)?[a-z_]+>", "1", rule.rule)
        assert "<" not in url, f"add a placeholder for {rule.rule}"
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            urls.append((method, url))
    return urls


def _rules(app) -> list[Rule]:
    return [r for r in app.url_map.iter_rules() if r.rule.startswith("/admin")]


def test_admin_area_has_routes(app):
    assert len(_rules(app)) >= 6


def test_every_admin_route_is_protected_by_admin_required(app):
    for rule in _rules(app):
        assert getattr(app.view_functions[rule.endpoint], "admin_only", False), rule.rule


def test_every_admin_route_sends_anonymous_visitors_to_login(app, client):
    make_sentra(status=SentraStatus.PENDING)
    make_partner(status=PartnerStatus.PENDING)
    db.session.commit()
    for method, url in _admin_urls(app):
        response = client.open(url, method=method)
        assert response.status_code == 302, (method, url)
        assert "/login" in response.headers["Location"], (method, url)


def test_every_admin_route_is_forbidden_for_a_logged_in_non_admin(app, client, auth):
    make_sentra(status=SentraStatus.PENDING)
    make_partner(status=PartnerStatus.PENDING)
    make_user("warga@example.test")
    db.session.commit()
    auth.login("warga@example.test")
    for method, url in _admin_urls(app):
        assert client.open(url, method=method).status_code == 403, (method, url)
    assert db.session.scalar(db.select(Partner.status)) == PartnerStatus.PENDING


@pytest.fixture
def office(auth):
    user = make_user("kantor@example.test", admin=True, name="Kantor Program")
    db.session.commit()
    auth.login(user.email)
    return user


def test_dashboard_shows_the_counts(client, office):
    make_sentra("32.75.08.1001", status=SentraStatus.PENDING)
    make_sentra("32.75.08.1002")
    make_partner(status=PartnerStatus.PENDING)
    db.session.commit()
    response = client.get("/admin/")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "/admin/sentra?status=pending" in body and "/admin/mitra?status=pending" in body


def test_sentra_list_puts_pending_applications_first(client, office):
    make_sentra("32.75.08.1001", name="Sentra Aktif")
    make_sentra("32.75.08.1002", name="Sentra Menunggu", status=SentraStatus.PENDING)
    db.session.commit()
    body = client.get("/admin/sentra").get_data(as_text=True)
    assert body.index("Sentra Menunggu") < body.index("Sentra Aktif")


def test_sentra_list_filters_by_status(client, office):
    make_sentra("32.75.08.1001", name="Sentra Aktif")
    make_sentra("32.75.08.1002", name="Sentra Menunggu", status=SentraStatus.PENDING)
    db.session.commit()
    body = client.get("/admin/sentra?status=active").get_data(as_text=True)
    assert "Sentra Aktif" in body and "Sentra Menunggu" not in body


def test_sentra_list_is_paginated(client, office):
    codes = db.session.scalars(db.select(Kelurahan.code).order_by(Kelurahan.code).limit(22)).all()
    for code in codes:
        make_sentra(code)
    db.session.commit()
    first = client.get("/admin/sentra").get_data(as_text=True)
    assert 'rel="next"' in first
    assert client.get("/admin/sentra?page=2").status_code == 200


def test_sentra_detail_shows_applicant_and_decision_forms(client, office):
    applicant = make_user("pemohon@example.test", name="Pemohon Sentra")
    sentra = make_sentra(owner=applicant, status=SentraStatus.PENDING)
    db.session.commit()
    body = client.get(f"/admin/sentra/{sentra.id}").get_data(as_text=True)
    assert "pemohon@example.test" in body
    assert f"/admin/sentra/{sentra.id}/setujui" in body and f"/admin/sentra/{sentra.id}/tolak" in body
    assert "data-confirm" in body


def test_unknown_sentra_is_a_404(client, office):
    assert client.get("/admin/sentra/999").status_code == 404


def test_partner_list_filters_by_status(client, office):
    make_partner(name="CV Menunggu", status=PartnerStatus.PENDING)
    make_partner(name="CV Terverifikasi")
    db.session.commit()
    body = client.get("/admin/mitra?status=pending").get_data(as_text=True)
    assert "CV Menunggu" in body and "CV Terverifikasi" not in body


def test_office_verifies_a_partner_and_the_owner_is_emailed(client, office, mail_outbox):
    owner = make_user("pemilik@example.test")
    partner_id = make_partner(owner, status=PartnerStatus.PENDING).id
    db.session.commit()
    response = client.post(f"/admin/mitra/{partner_id}/verifikasi")
    assert response.status_code == 302
    db.session.expire_all()
    partner = db.session.get(Partner, partner_id)
    assert partner.status == PartnerStatus.VERIFIED and partner.decided_by_id == office.id
    assert [m["To"] for m in mail_outbox] == ["pemilik@example.test"]


def test_verifying_a_partner_twice_is_a_409(client, office):
    partner_id = make_partner(status=PartnerStatus.VERIFIED).id
    db.session.commit()
    assert client.post(f"/admin/mitra/{partner_id}/verifikasi").status_code == 409


def test_office_rejects_a_partner_with_a_reason(client, office):
    partner_id = make_partner(status=PartnerStatus.PENDING).id
    db.session.commit()
    response = client.post(f"/admin/mitra/{partner_id}/tolak", data={"reason": "NIB tidak terdaftar di OSS"})
    assert response.status_code == 302
    db.session.expire_all()
    partner = db.session.get(Partner, partner_id)
    assert partner.status == PartnerStatus.REJECTED and partner.status_reason == "NIB tidak terdaftar di OSS"


def test_rejecting_a_partner_without_a_reason_is_a_422(client, office):
    partner_id = make_partner(status=PartnerStatus.PENDING).id
    db.session.commit()
    assert client.post(f"/admin/mitra/{partner_id}/tolak", data={"reason": " "}).status_code == 422
    db.session.expire_all()
    assert db.session.get(Partner, partner_id).status == PartnerStatus.PENDING


def test_user_search_finds_by_name(client, office):
    make_user("budi@example.test", name="Budi Santoso")
    make_user("ani@example.test", name="Ani Lestari")
    db.session.commit()
    body = client.get("/admin/pengguna?q=santoso").get_data(as_text=True)
    assert "budi@example.test" in body and "ani@example.test" not in body


def test_user_search_finds_by_email_and_shows_memberships(client, office):
    user = make_user("pengelola@example.test", name="Pengelola")
    make_sentra(owner=user, name="Sentra Kriya Contoh")
    db.session.commit()
    body = client.get("/admin/pengguna?q=PENGELOLA@").get_data(as_text=True)
    assert "pengelola@example.test" in body and "Sentra Kriya Contoh" in body


def test_user_search_without_matches_shows_an_empty_state(client, office):
    response = client.get("/admin/pengguna?q=tidak-ada-siapa-siapa")
    assert response.status_code == 200
    assert 'class="empty"' in response.get_data(as_text=True)


def test_partner_detail_shows_members_and_decision_forms(client, office):
    owner = make_user("pemilik@example.test")
    partner = make_partner(owner, status=PartnerStatus.PENDING)
    db.session.commit()
    body = client.get(f"/admin/mitra/{partner.id}").get_data(as_text=True)
    assert "pemilik@example.test" in body
    assert f"/admin/mitra/{partner.id}/verifikasi" in body and f"/admin/mitra/{partner.id}/tolak" in body


def test_dashboard_links_to_every_office_list(client, office):
    body = client.get("/admin/").get_data(as_text=True)
    for path in ("/admin/sentra", "/admin/mitra", "/admin/pengguna"):
        assert f'href="{path}' in body
