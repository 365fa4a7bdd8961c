"""GET /api/v1/sentras and /api/v1/sentras/<slug>."""
from __future__ import annotations

import pytest

from shop.extensions import db
from shop.seed.demo import seed_demo
from shop.sentras.models import SentraStatus
from tests.factories import add_member, make_sentra, make_user
from tests.queries import count_queries


@pytest.fixture
def demo():
    seed_demo(with_products=False)
    db.session.commit()


def test_list_after_demo_seed_has_56_sentras_in_12_kecamatan(client, demo):
    body = client.get("/api/v1/sentras?per_page=100").get_json()
    assert body["total"] == 56 and len(body["items"]) == 56
    assert len({item["kecamatan"]["code"] for item in body["items"]}) == 12
    assert (body["page"], body["per_page"]) == (1, 100)


def test_list_item_has_the_documented_fields(client):
    make_sentra("32.75.08.1001", subsectors=("kriya", "kuliner"))
    db.session.commit()
    item = client.get("/api/v1/sentras").get_json()["items"][0]
    assert set(item) == {"slug", "name", "kelurahan", "kecamatan", "subsectors", "whatsapp", "description", "url"}
    assert item["kelurahan"]["code"] == "32.75.08.1001"
    assert item["kecamatan"]["code"] == "32.75.08"
    assert {s["code"] for s in item["subsectors"]} == {"kriya", "kuliner"}
    assert item["whatsapp"].startswith("+62")
    assert item["url"].endswith(f"/sentra/{item['slug']}")


def test_list_shows_only_active_sentras(client):
    make_sentra("32.75.08.1001")
    make_sentra("32.75.01.1001", status=SentraStatus.PENDING)
    make_sentra("32.75.01.1002", status=SentraStatus.SUSPENDED)
    make_sentra("32.75.01.1003", status=SentraStatus.REJECTED)
    db.session.commit()
    body = client.get("/api/v1/sentras").get_json()
    assert body["total"] == 1 and [i["kelurahan"]["code"] for i in body["items"]] == ["32.75.08.1001"]


def test_list_filters_by_kecamatan_and_subsector(client, demo):
    by_kecamatan = client.get("/api/v1/sentras?kecamatan=32.75.01&per_page=100").get_json()
    assert by_kecamatan["total"] > 0
    assert {i["kecamatan"]["code"] for i in by_kecamatan["items"]} == {"32.75.01"}
    by_subsector = client.get("/api/v1/sentras?subsector=musik&per_page=100").get_json()
    assert by_subsector["total"] > 0
    assert all("musik" in {s["code"] for s in i["subsectors"]} for i in by_subsector["items"])


def test_unknown_filter_code_is_a_400_in_the_error_shape(client):
    response = client.get("/api/v1/sentras?subsector=tidak-ada")
    assert response.status_code == 400
    assert response.get_json()["error"]["fields"] == {"subsector": "unknown"}


def test_pages_split_the_list(client, demo):
    first = client.get("/api/v1/sentras?per_page=20").get_json()
    third = client.get("/api/v1/sentras?per_page=20&page=3").get_json()
    assert len(first["items"]) == 20 and len(third["items"]) == 16
    assert first["total"] == third["total"] == 56
    assert not {i["slug"] for i in first["items"]} & {i["slug"] for i in third["items"]}


@pytest.mark.parametrize("query", ["per_page=101", "per_page=0", "page=0", "page=abc", "per_page=x"])
def test_malformed_paging_is_a_400_in_the_error_shape(client, query):
    response = client.get(f"/api/v1/sentras?{query}")
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "bad_request"


def test_list_query_count_does_not_grow_with_sentras(client, demo):
    with count_queries() as statements:
        client.get("/api/v1/sentras?per_page=100")
    assert len(statements) <= 4


def test_detail_has_members_count(client):
    sentra = make_sentra("32.75.08.1001")
    add_member(sentra, make_user())
    db.session.commit()
    body = client.get(f"/api/v1/sentras/{sentra.slug}").get_json()
    assert body["slug"] == sentra.slug and body["members_count"] == 2
    assert body["kelurahan"] == {"code": "32.75.08.1001", "name": sentra.kelurahan.name}


def test_detail_of_unknown_or_inactive_sentra_is_404_in_the_error_shape(client):
    pending = make_sentra("32.75.01.1001", status=SentraStatus.PENDING)
    db.session.commit()
    for slug in ("tidak-ada", pending.slug):
        response = client.get(f"/api/v1/sentras/{slug}")
        assert response.status_code == 404
        assert response.get_json()["error"]["code"] == "not_found"
