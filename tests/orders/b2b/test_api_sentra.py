"""The sentra's B2B API: /api/v1/kelola/<slug>/rfqs, quoting and comments."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from orders.b2b import rfqs as rfq_services
from orders.b2b.invoices import today_wib
from orders.b2b.models import Quote, QuoteStatus, RfqComment, RfqStatus
from shop.accounts.tokens import issue_token
from shop.extensions import db
from tests.factories import make_product, make_sentra, make_user, png_bytes
from tests.orders.b2b.b2b_helpers import membership, partner_team, send_quote, send_rfq


def _bearer(user) -> dict[str, str]:
    token, _ = issue_token(user, "test", 1)
    db.session.commit()
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def setup():
    partner, owner, staff = partner_team()
    sentra = make_sentra("32.75.08.1001")
    other = make_sentra("32.75.01.1001")
    return partner, staff, sentra, sentra.memberships[0].user, other


def _quote_body(**changes):
    body = {"valid_until": (today_wib() + timedelta(days=7)).isoformat(), "delivery_fee_idr": 25_000,
            "notes": "Harga termasuk sablon",
            "lines": [{"description": "Tas totebag sablon logo", "quantity": 300, "unit_price_idr": 25_000,
                       "lead_time_days": 10}]}
    body.update(changes)
    return body


def _quote_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Quote))


def test_the_sentra_api_needs_a_members_token(client, setup):
    _, _, sentra, _, _ = setup
    stranger = make_user()
    db.session.commit()
    assert client.get(f"/api/v1/kelola/{sentra.slug}/rfqs").status_code == 401
    assert client.get(f"/api/v1/kelola/{sentra.slug}/rfqs", headers=_bearer(stranger)).status_code == 404


def test_the_inbox_lists_this_sentras_requests_with_a_status_filter(client, setup):
    partner, staff, sentra, member, other = setup
    soon = send_rfq(partner, staff, sentra, needed_by=today_wib() + timedelta(days=1))
    quoted = send_rfq(partner, staff, sentra)
    send_quote(sentra, member, quoted)
    send_rfq(partner, staff, other)
    db.session.commit()
    headers = _bearer(member)
    body = client.get(f"/api/v1/kelola/{sentra.slug}/rfqs", headers=headers).get_json()
    assert body["total"] == 2 and [item["id"] for item in body["items"]] == [soon.id, quoted.id]
    first = body["items"][0]
    assert first["due"] == "soon" and first["partner"]["name"] == partner.name and first["latest_quote"] is None
    assert body["items"][1]["latest_quote"]["revision"] == 1
    only_quoted = client.get(f"/api/v1/kelola/{sentra.slug}/rfqs?status=quoted", headers=headers).get_json()
    assert [item["id"] for item in only_quoted["items"]] == [quoted.id]
    bad = client.get(f"/api/v1/kelola/{sentra.slug}/rfqs?status=new", headers=headers)
    assert bad.status_code == 400 and bad.get_json()["error"]["code"] == "invalid_filter"


def test_the_request_detail_for_the_sentra(client, setup):
    partner, staff, sentra, member, other = setup
    rfq = send_rfq(partner, staff, sentra, images=[png_bytes()])
    theirs = send_rfq(partner, staff, other)
    db.session.commit()
    headers = _bearer(member)
    response = client.get(f"/api/v1/kelola/{sentra.slug}/rfqs/{rfq.id}", headers=headers)
    assert response.status_code == 200
    body = response.get_json()["rfq"]
    assert body["id"] == rfq.id and body["address"]["recipient"] == "Budi Mitra"
    assert len(body["images"]) == 1 and set(body["images"][0]) == {"id", "width", "height"}
    assert client.get(f"/api/v1/kelola/{sentra.slug}/rfqs/{theirs.id}", headers=headers).status_code == 404


def test_quoting_answers_201_and_a_second_quote_is_revision_two(client, setup):
    partner, staff, sentra, member, _ = setup
    rfq = send_rfq(partner, staff, sentra)
    db.session.commit()
    headers = _bearer(member)
    url = f"/api/v1/kelola/{sentra.slug}/rfqs/{rfq.id}/quotes"
    first = client.post(url, json=_quote_body(), headers=headers)
    assert first.status_code == 201
    quote = first.get_json()["quote"]
    assert quote["revision"] == 1 and quote["status"] == "open" and quote["expired"] is False
    assert quote["subtotal_idr"] == 7_500_000 and quote["total_idr"] == 7_525_000
    assert quote["delivery_method"] == "sentra_courier" and quote["lines"][0]["lead_time_days"] == 10
    second = client.post(url, json=_quote_body(delivery_method="courier", delivery_fee_idr=0), headers=headers)
    assert second.status_code == 201 and second.get_json()["quote"]["revision"] == 2
    assert db.session.get(Quote, quote["id"]).status == QuoteStatus.SUPERSEDED


def test_a_pkp_sentras_quote_carries_ppn(client, setup):
    partner, staff, sentra, member, _ = setup
    sentra.is_pkp = True
    rfq = send_rfq(partner, staff, sentra)
    db.session.commit()
    response = client.post(f"/api/v1/kelola/{sentra.slug}/rfqs/{rfq.id}/quotes", json=_quote_body(),
                           headers=_bearer(member))
    quote = response.get_json()["quote"]
    assert quote["tax_rate_percent"] == 11 and quote["tax_idr"] == 827_750 and quote["total_idr"] == 8_352_750


def test_a_closed_request_takes_no_quote_409(client, setup):
    partner, staff, sentra, member, _ = setup
    rfq = send_rfq(partner, staff, sentra)
    rfq_services.cancel_rfq(membership(partner, staff), staff, rfq.id)
    db.session.commit()
    response = client.post(f"/api/v1/kelola/{sentra.slug}/rfqs/{rfq.id}/quotes", json=_quote_body(),
                           headers=_bearer(member))
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "rfq_closed"
    assert _quote_count() == 0


@pytest.mark.parametrize("change", [
    {"valid_until": "next week"},
    {"valid_until": 20300101},
    {"lines": "Tas"},
    {"lines": [["Tas", 3]]},
    {"delivery_method": 1},
    {"notes": ["a"]},
])
def test_a_malformed_quote_is_400(client, setup, change):
    partner, staff, sentra, member, _ = setup
    rfq = send_rfq(partner, staff, sentra)
    db.session.commit()
    response = client.post(f"/api/v1/kelola/{sentra.slug}/rfqs/{rfq.id}/quotes", json=_quote_body(**change),
                           headers=_bearer(member))
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "bad_request"
    assert _quote_count() == 0


@pytest.mark.parametrize(("change", "field"), [
    ({"valid_until": "2001-01-01"}, "valid_until"),
    ({"valid_until": None}, "valid_until"),
    ({"delivery_fee_idr": -1}, "delivery_fee_idr"),
    ({"delivery_method": "drone"}, "delivery_method"),
    ({"lines": []}, "lines"),
    ({"lines": [{"description": "Tas", "quantity": 3, "unit_price_idr": -100}]}, "lines.0.unit_price_idr"),
    ({"lines": [{"description": "Tas", "quantity": 3, "unit_price_idr": 100, "lead_time_days": -2}]},
     "lines.0.lead_time_days"),
    ({"lines": [{"description": "Tas", "quantity": 1.5, "unit_price_idr": 100}]}, "lines.0.quantity"),
    ({"lines": [{"quantity": 3, "unit_price_idr": 100}]}, "lines.0.description"),
])
def test_a_quote_that_breaks_a_rule_is_422(client, setup, change, field):
    partner, staff, sentra, member, _ = setup
    rfq = send_rfq(partner, staff, sentra)
    db.session.commit()
    response = client.post(f"/api/v1/kelola/{sentra.slug}/rfqs/{rfq.id}/quotes", json=_quote_body(**change),
                           headers=_bearer(member))
    assert response.status_code == 422 and field in response.get_json()["error"]["fields"]
    assert _quote_count() == 0 and rfq.status == RfqStatus.OPEN


def test_another_sentras_product_in_a_quote_is_422(client, setup):
    partner, staff, sentra, member, other = setup
    product = make_product(other, variants=[{"sku": "L-1", "price_idr": 1000, "stock": 5}])
    rfq = send_rfq(partner, staff, sentra)
    db.session.commit()
    body = _quote_body(lines=[{"description": "Tas", "quantity": 3, "unit_price_idr": 100, "product_id": product.id}])
    response = client.post(f"/api/v1/kelola/{sentra.slug}/rfqs/{rfq.id}/quotes", json=body, headers=_bearer(member))
    assert response.status_code == 422 and "lines.0.product_id" in response.get_json()["error"]["fields"]


def test_another_sentras_request_cannot_be_quoted_or_commented(client, setup):
    partner, staff, sentra, member, other = setup
    theirs = send_rfq(partner, staff, other)
    db.session.commit()
    headers = _bearer(member)
    base = f"/api/v1/kelola/{sentra.slug}/rfqs/{theirs.id}"
    assert client.post(f"{base}/quotes", json=_quote_body(), headers=headers).status_code == 404
    assert client.post(f"{base}/quotes", data="x", headers=headers).status_code == 404  # 404 before parsing
    assert client.post(f"{base}/comments", json={"body": "Halo"}, headers=headers).status_code == 404
    assert _quote_count() == 0 and db.session.scalar(select(func.count()).select_from(RfqComment)) == 0


def test_the_sentra_comments_on_a_request(client, setup):
    partner, staff, sentra, member, _ = setup
    rfq = send_rfq(partner, staff, sentra)
    db.session.commit()
    headers = _bearer(member)
    url = f"/api/v1/kelola/{sentra.slug}/rfqs/{rfq.id}/comments"
    response = client.post(url, json={"body": "Logo berapa warna?"}, headers=headers)
    assert response.status_code == 201
    comment = response.get_json()["comment"]
    assert comment["side"] == "sentra" and comment["author"] == member.name and comment["body"] == "Logo berapa warna?"
    assert client.post(url, json={"body": "   "}, headers=headers).status_code == 422
    assert client.post(url, json={"body": 5}, headers=headers).status_code == 400
    detail = client.get(f"/api/v1/kelola/{sentra.slug}/rfqs/{rfq.id}", headers=headers).get_json()["rfq"]
    assert [c["body"] for c in detail["comments"]] == ["Logo berapa warna?"]
