"""``GET /api/v1/admin/potential`` and ``GET /api/v1/kelola/<slug>/opportunities``: shape, threshold, access."""
from __future__ import annotations

from datetime import timedelta

import pytest

from shop.extensions import db
from tests.factories import make_user
from tests.orders.potential.conftest import TODAY
from tests.orders.potential.helpers import CITY, KEL_A, KEL_B, KEL_C, bearer, wib


def test_the_office_figures_have_every_kelurahan_and_the_city(client, world):
    body = client.get("/api/v1/admin/potential", headers=bearer(world["admin"])).get_json()
    assert len(body["kelurahan"]) == 56
    assert set(body) >= {"from", "to", "kelurahan", "city"}
    row = next(r for r in body["kelurahan"] if r["code"] == KEL_A)
    assert set(row) == {"code", "name", "supply", "demand", "unmet", "survey"}
    assert set(row["supply"]) == {"products", "products_in_stock", "subsectors"}
    assert row["demand"] == {"searches": 9, "searchers": 5, "orders_by_residents": 1,
                             "orders_by_residents_elsewhere": 1}
    assert row["survey"] is None
    assert body["city"]["code"] == CITY and body["city"]["name"] == "Kota Bekasi"
    c = next(r for r in body["kelurahan"] if r["code"] == KEL_C)
    assert c["supply"] == {"products": 1, "products_in_stock": 1, "subsectors": ["kriya"]}


def test_five_searchers_show_a_term_and_four_show_it_nowhere(client, world):
    body = client.get("/api/v1/admin/potential", headers=bearer(world["admin"])).get_json()
    row = next(r for r in body["kelurahan"] if r["code"] == KEL_A)
    assert row["unmet"] == [{"term": "tenun ikat", "searches": 5, "searchers": 5}]
    assert [t["term"] for t in body["city"]["unmet"]] == ["tenun ikat"]
    assert "wayang kulit" not in str(body)


def test_the_threshold_follows_the_configuration(client, world, app):
    app.config["POTENTIAL_MIN_SEARCHERS"] = 4
    try:
        body = client.get("/api/v1/admin/potential", headers=bearer(world["admin"])).get_json()
    finally:
        app.config["POTENTIAL_MIN_SEARCHERS"] = 5
    row = next(r for r in body["kelurahan"] if r["code"] == KEL_A)
    assert [t["term"] for t in row["unmet"]] == ["tenun ikat", "wayang kulit"]


@pytest.mark.parametrize(("query", "code"), [
    ("from=2025-02-30", "invalid_date"), ("from=1999-12-31", "date_out_of_range"),
    ("from=2025-03-10&to=2025-03-01", "reversed_range"), ("from=2020-01-01&to=2025-01-01", "range_too_long")])
def test_a_bad_period_is_a_400_as_for_the_impact_figures(client, world, query, code):
    response = client.get(f"/api/v1/admin/potential?{query}", headers=bearer(world["admin"]))
    assert response.status_code == 400 and response.get_json()["error"]["code"] == code
    response = client.get(f"/api/v1/kelola/{world['a'].slug}/opportunities?{query}", headers=bearer(world["member"]))
    assert response.status_code == 400 and response.get_json()["error"]["code"] == code


def test_the_office_figures_need_an_admin(client, world):
    assert client.get("/api/v1/admin/potential").status_code == 401
    assert client.get("/api/v1/admin/potential", headers=bearer(world["member"])).status_code == 403


def test_a_sentra_sees_its_opportunities(client, world):
    body = client.get(f"/api/v1/kelola/{world['a'].slug}/opportunities", headers=bearer(world["member"])).get_json()
    assert body["kelurahan"]["code"] == KEL_A
    assert body["kelurahan"]["unmet"] == [{"term": "tenun ikat", "searches": 5, "searchers": 5}]
    assert body["kecamatan"]["code"] == "32.75.08"
    assert [t["term"] for t in body["kecamatan"]["unmet"]] == ["tenun ikat"]
    assert body["bought_elsewhere"]["products"] == [{"title": "Tas Anyaman", "orders": 1}]
    assert [(s["code"], s["orders"]) for s in body["bought_elsewhere"]["subsectors"]] == [("kriya", 1)]


def test_another_sentras_opportunities_are_a_404(client, world):
    response = client.get(f"/api/v1/kelola/{world['a'].slug}/opportunities", headers=bearer(world["other"]))
    assert response.status_code == 404
    assert client.get(f"/api/v1/kelola/{world['a'].slug}/opportunities").status_code == 401


def test_a_sentra_whose_residents_bought_nothing_elsewhere_has_empty_lists(client, world):
    body = client.get(f"/api/v1/kelola/{world['c'].slug}/opportunities", headers=bearer(world["other"])).get_json()
    assert body["kelurahan"]["unmet"] == [] and body["bought_elsewhere"] == {"subsectors": [], "products": []}


def test_me_shows_and_changes_where_the_user_lives(client, app):
    user = make_user("me@potensi.test", phone="081234567890")
    db.session.commit()
    headers = bearer(user)
    assert client.get("/api/v1/me", headers=headers).get_json()["kelurahan"] is None
    body = client.patch("/api/v1/me", json={"kelurahan_code": KEL_B}, headers=headers).get_json()
    assert body["kelurahan"]["code"] == KEL_B and body["kelurahan"]["name"]
    assert body["kelurahan_source"] == "chosen" and body["phone"] == "+6281234567890"
    assert client.get("/api/v1/me", headers=headers).get_json()["kelurahan"]["code"] == KEL_B
    body = client.patch("/api/v1/me", json={"kelurahan_code": None, "name": "Sari Baru"}, headers=headers).get_json()
    assert body["kelurahan"] is None and body["name"] == "Sari Baru"


def test_me_falls_back_on_the_latest_bekasi_address(client, app):
    from shop.accounts.models import Address
    user = make_user("alamat@potensi.test")
    db.session.add(Address(user_id=user.id, recipient="S", phone="0812", street="Jl. 1", kelurahan_code=KEL_C,
                           created_at=wib(2025, 1, 1)))
    db.session.add(Address(user_id=user.id, recipient="S", phone="0812", street="Jl. 2", city="Bandung",
                           postal_code="40111", created_at=wib(2025, 2, 1)))
    db.session.commit()
    body = client.get("/api/v1/me", headers=bearer(user)).get_json()
    assert body["kelurahan"]["code"] == KEL_C and body["kelurahan_source"] == "address"


def test_an_unknown_kelurahan_is_a_422_naming_the_field(client, app):
    user = make_user("salah@potensi.test")
    db.session.commit()
    response = client.patch("/api/v1/me", json={"kelurahan_code": "32.75.99.9999"}, headers=bearer(user))
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {"kelurahan_code": "unknown"}
    response = client.patch("/api/v1/me", json={"kelurahan_code": 5}, headers=bearer(user))
    assert response.status_code == 422 and "kelurahan_code" in response.get_json()["error"]["fields"]
    assert client.patch("/api/v1/me", data="[]", headers={**bearer(user), "Content-Type": "application/json"}
                        ).status_code == 400
    assert client.patch("/api/v1/me", json={}).status_code == 401


def test_the_demo_shows_unmet_terms_on_the_map_and_in_peluang(client, app):
    from orders.impact.period import parse_period
    from orders.potential.queries import unmet_terms
    from shop.seed.demo import seed_demo
    from shop.seed.demo_searches import seed_searches

    seed_demo(with_products=False)
    db.session.commit()
    shown = unmet_terms(parse_period((TODAY - timedelta(days=89)).isoformat(), None), [KEL_A])
    assert "tenun ikat" in [t.term for t in shown[KEL_A]]
    assert seed_searches() == 0  # the second run adds nothing
