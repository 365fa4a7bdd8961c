"""What no API handler can take is refused before any handler runs (shop.api.guard)."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from orders.b2b.models import RfqComment
from shop.extensions import db
from tests.factories import make_sentra, make_user
from tests.orders.b2b.b2b_helpers import partner_team, send_rfq
from tests.orders.cart_helpers import bearer_for


@pytest.fixture
def rfq_to_sentra():
    owner = make_user("pemilik@example.test")
    sentra = make_sentra(owner=owner)
    partner, partner_owner, _staff = partner_team()
    rfq = send_rfq(partner, partner_owner, sentra)
    db.session.commit()
    return sentra, owner, rfq, partner_owner


def test_a_nul_character_in_a_body_text_is_refused_and_nothing_is_stored(client, rfq_to_sentra):
    sentra, owner, rfq, _partner_owner = rfq_to_sentra
    response = client.post(f"/api/v1/kelola/{sentra.slug}/rfqs/{rfq.id}/comments", headers=bearer_for(owner),
                           json={"body": "Bisa\x00 dikirim besok?"})
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "bad_request"
    assert set(response.get_json()["error"]["fields"]) == {"body"}
    assert db.session.scalar(select(func.count()).select_from(RfqComment)) == 0


def test_a_nested_body_field_is_named_by_its_path(client, rfq_to_sentra):
    _sentra, _owner, _rfq, partner_owner = rfq_to_sentra
    response = client.post("/api/v1/mitra/rfqs", headers=bearer_for(partner_owner), json={
        "sentra": "jatiwaringin", "needed_by": "2030-01-01", "lines": [{"description": "Tas\x00", "quantity": 5}],
        "address": {"recipient": "Budi", "phone": "081298765432", "street": "Jl. Niaga", "kelurahan_code": "x"}})
    assert response.status_code == 400
    assert set(response.get_json()["error"]["fields"]) == {"lines.0.description"}


def test_a_nul_character_in_a_query_value_is_a_400_naming_it(client):
    response = client.get("/api/v1/search?q=tas%00batik")
    assert response.status_code == 400
    assert set(response.get_json()["error"]["fields"]) == {"q"}


def test_a_nul_character_in_a_path_segment_is_a_404(client):
    response = client.get("/api/v1/sentras/jati%00waringin")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_a_whole_number_no_column_can_hold_is_a_422_naming_it(client, rfq_to_sentra):
    _sentra, _owner, _rfq, partner_owner = rfq_to_sentra
    response = client.post("/api/v1/mitra/rfqs", headers=bearer_for(partner_owner), json={"partner_id": 2**40})
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "out_of_range"
    assert set(response.get_json()["error"]["fields"]) == {"partner_id"}


def test_a_page_past_the_last_possible_one_is_a_400(client):
    response = client.get("/api/v1/sentras?page=100000000000000000000")
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "bad_request"


def test_every_operation_taking_a_body_documents_the_guards_answers(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for path, item in paths.items():
        for method, operation in item.items():
            if "requestBody" in operation:
                assert {"400", "422"} <= set(operation["responses"]), f"{method.upper()} {path}"


def test_a_body_nested_deeper_than_json_can_be_read_is_a_400_not_a_500(client):
    response = client.post("/api/v1/auth/token", data="[" * 100_000 + "]" * 100_000,
                           content_type="application/json")
    assert response.status_code == 400
    assert set(response.get_json()["error"]["fields"]) == {"body"}


def test_a_body_nested_deeper_than_any_endpoint_takes_is_a_400(client):
    nested: object = "x"
    for _ in range(40):
        nested = [nested]
    response = client.post("/api/v1/auth/token", json={"email": nested, "password": "x"})
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "bad_request"
