"""The partner's B2B API: /api/v1/mitra/rfqs, quotes, approvals, orders and invoices."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from orders.b2b import acceptance
from orders.b2b.invoices import today_wib
from orders.b2b.models import ApprovalStatus, Invoice, Quote, QuoteStatus, Rfq, RfqStatus
from orders.core.models import Order
from shop.accounts.tokens import issue_token
from shop.extensions import db
from shop.partners.models import PartnerStatus
from tests.factories import make_partner, make_product, make_sentra, make_user
from tests.orders.b2b.b2b_helpers import (
    PARTNER_ADDRESS,
    membership,
    partner_team,
    send_quote,
    send_rfq,
)

CONFIG = {"PPN_RATE_PERCENT": 11, "BANK_TRANSFER_EXPIRY_HOURS": 24}


def _bearer(user) -> dict[str, str]:
    token, _ = issue_token(user, "test", 1)
    db.session.commit()
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def setup():
    partner, owner, staff = partner_team(threshold=10_000_000)
    sentra = make_sentra("32.75.08.1001")
    return partner, owner, staff, sentra, sentra.memberships[0].user


def _rfq_body(to, **changes):
    body = {"sentra": to.slug, "needed_by": (today_wib() + timedelta(days=14)).isoformat(),
            "address": dict(PARTNER_ADDRESS), "notes": "Untuk seminar",
            "lines": [{"description": "Tas totebag sablon logo", "quantity": 300}]}
    body.update(changes)
    return body


def _quoted(partner, staff, sentra, sentra_user, *, price=20_000, quantity=100, **extra):
    rfq = send_rfq(partner, staff, sentra)
    quote = send_quote(sentra, sentra_user, rfq, lines=[{"description": "Tas", "quantity": quantity,
                                                         "unit_price_idr": price, "lead_time_days": 5}], **extra)
    db.session.commit()
    return rfq, quote


def _other_partner():
    partner, owner, staff = partner_team(name="UD Lain")
    return partner, owner


# --- requests ------------------------------------------------------------------------------------------


def test_the_partner_api_needs_a_token(client):
    assert client.get("/api/v1/mitra/rfqs").status_code == 401
    assert client.post("/api/v1/mitra/rfqs", json={}).get_json()["error"]["code"] == "unauthorized"


def test_a_partner_member_sends_a_request_and_gets_it_back(client, setup):
    partner, _, staff, sentra, _ = setup
    response = client.post("/api/v1/mitra/rfqs", json=_rfq_body(sentra), headers=_bearer(staff))
    assert response.status_code == 201
    rfq = response.get_json()["rfq"]
    assert rfq["status"] == "open" and rfq["sentra"]["slug"] == sentra.slug and rfq["partner"]["id"] == partner.id
    assert rfq["needed_by"] == (today_wib() + timedelta(days=14)).isoformat()
    assert rfq["lines"][0]["description"] == "Tas totebag sablon logo" and rfq["lines"][0]["quantity"] == 300
    assert rfq["address"]["kelurahan_code"] == PARTNER_ADDRESS["kelurahan_code"]
    assert rfq["quotes"] == [] and rfq["comments"] == [] and rfq["images"] == []
    assert datetime.fromisoformat(rfq["created_at"]).utcoffset() is not None
    stored = db.session.get(Rfq, rfq["id"])
    assert stored.partner_id == partner.id and stored.created_by_id == staff.id


@pytest.mark.parametrize("change", [
    {"needed_by": "14-05-2030"},
    {"needed_by": "2030-02-30"},
    {"address": "Jl. Niaga 7"},
    {"lines": {"description": "Tas"}},
    {"lines": ["Tas"]},
    {"notes": 5},
    {"partner_id": "satu"},
])
def test_a_malformed_request_body_is_400(client, setup, change):
    _, _, staff, sentra, _ = setup
    response = client.post("/api/v1/mitra/rfqs", json=_rfq_body(sentra, **change), headers=_bearer(staff))
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "bad_request"
    assert db.session.scalar(select(func.count()).select_from(Rfq)) == 0


def test_a_body_that_is_not_json_is_400(client, setup):
    _, _, staff, _, _ = setup
    response = client.post("/api/v1/mitra/rfqs", data="sentra=x", headers=_bearer(staff),
                           content_type="application/json")
    assert response.status_code == 400


@pytest.mark.parametrize(("change", "field"), [
    ({"needed_by": "2001-01-01"}, "needed_by"),
    ({"lines": []}, "lines"),
    ({"lines": [{"description": "Tas", "quantity": 0}]}, "lines.0.quantity"),
    ({"lines": [{"quantity": 5}]}, "lines.0.description"),
    ({"sentra": "tidak-ada"}, "sentra"),
    ({"address": {"recipient": "Budi", "phone": "0812", "street": "Jl. A"}}, "city"),
])
def test_a_request_that_breaks_a_rule_is_422(client, setup, change, field):
    _, _, staff, sentra, _ = setup
    response = client.post("/api/v1/mitra/rfqs", json=_rfq_body(sentra, **change), headers=_bearer(staff))
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]
    assert db.session.scalar(select(func.count()).select_from(Rfq)) == 0


def test_only_a_verified_partners_member_may_send_a_request(client, setup):
    _, _, _, sentra, _ = setup
    buyer = make_user()
    pending_owner = make_user()
    make_partner(pending_owner, status=PartnerStatus.PENDING)
    db.session.commit()
    for user in (buyer, pending_owner):
        response = client.post("/api/v1/mitra/rfqs", json=_rfq_body(sentra), headers=_bearer(user))
        assert response.status_code == 403 and response.get_json()["error"]["code"] == "not_partner"
        assert client.get("/api/v1/mitra/rfqs", headers=_bearer(user)).status_code == 403


def test_partner_id_picks_one_of_the_callers_partners_only(client, setup):
    partner, _, staff, sentra, _ = setup
    other, _ = _other_partner()
    db.session.commit()
    headers = _bearer(staff)
    refused = client.post("/api/v1/mitra/rfqs", json=_rfq_body(sentra, partner_id=other.id), headers=headers)
    assert refused.status_code == 403
    chosen = client.post("/api/v1/mitra/rfqs", json=_rfq_body(sentra, partner_id=partner.id), headers=headers)
    assert chosen.status_code == 201 and chosen.get_json()["rfq"]["partner"]["id"] == partner.id


def test_the_request_list_filters_by_status_and_never_shows_another_partners(client, setup):
    partner, owner, staff, sentra, sentra_user = setup
    open_rfq = send_rfq(partner, staff, sentra)
    quoted, _ = _quoted(partner, staff, sentra, sentra_user)
    other, other_owner = _other_partner()
    send_rfq(other, other_owner, sentra)
    db.session.commit()
    headers = _bearer(owner)
    body = client.get("/api/v1/mitra/rfqs", headers=headers).get_json()
    assert body["total"] == 2 and body["page"] == 1 and body["per_page"] == 20
    assert {item["id"] for item in body["items"]} == {open_rfq.id, quoted.id}
    latest = next(item for item in body["items"] if item["id"] == quoted.id)["latest_quote"]
    assert latest["revision"] == 1 and latest["total_idr"] == 2_025_000 and latest["expired"] is False
    only_open = client.get("/api/v1/mitra/rfqs?status=open", headers=headers).get_json()
    assert [item["id"] for item in only_open["items"]] == [open_rfq.id]
    bad = client.get("/api/v1/mitra/rfqs?status=bogus", headers=headers)
    assert bad.status_code == 400 and bad.get_json()["error"]["code"] == "invalid_filter"
    assert client.get("/api/v1/mitra/rfqs?per_page=500", headers=headers).status_code == 400


def test_the_request_detail_has_every_revision_with_lines_and_the_comments(client, setup):
    partner, _, staff, sentra, sentra_user = setup
    rfq, first = _quoted(partner, staff, sentra, sentra_user, price=20_000)
    second = send_quote(sentra, sentra_user, rfq, lines=[{"description": "Tas", "quantity": 100,
                                                          "unit_price_idr": 19_000, "lead_time_days": 5}])
    db.session.get(Quote, second.id).valid_until = today_wib() - timedelta(days=1)
    from orders.b2b.rfqs import add_comment

    add_comment(rfq, "sentra", sentra_user, "Bisa lebih cepat?")
    db.session.commit()
    response = client.get(f"/api/v1/mitra/rfqs/{rfq.id}", headers=_bearer(staff))
    assert response.status_code == 200
    body = response.get_json()["rfq"]
    assert [(q["revision"], q["status"]) for q in body["quotes"]] == [(1, "superseded"), (2, "open")]
    newest = body["quotes"][1]
    assert newest["expired"] is True and newest["valid_until"] == (today_wib() - timedelta(days=1)).isoformat()
    assert newest["lines"][0]["unit_price_idr"] == 19_000 and newest["lines"][0]["total_idr"] == 1_900_000
    assert newest["subtotal_idr"] == 1_900_000 and newest["delivery_fee_idr"] == 25_000
    assert newest["total_idr"] == 1_925_000 and newest["tax_idr"] == 0
    assert body["comments"][0]["side"] == "sentra" and body["comments"][0]["body"] == "Bisa lebih cepat?"
    assert first.id == body["quotes"][0]["id"]


def test_another_partners_request_is_404(client, setup):
    partner, _, staff, sentra, _ = setup
    other, other_owner = _other_partner()
    theirs = send_rfq(other, other_owner, sentra)
    db.session.commit()
    headers = _bearer(staff)
    assert client.get(f"/api/v1/mitra/rfqs/{theirs.id}", headers=headers).status_code == 404
    assert client.post(f"/api/v1/mitra/rfqs/{theirs.id}/comments", json={"body": "Halo"},
                       headers=headers).status_code == 404
    assert client.get("/api/v1/mitra/rfqs/999999", headers=headers).status_code == 404


def test_the_partner_comments_on_its_request(client, setup):
    partner, _, staff, sentra, _ = setup
    rfq = send_rfq(partner, staff, sentra)
    db.session.commit()
    response = client.post(f"/api/v1/mitra/rfqs/{rfq.id}/comments", json={"body": "Warna biru"},
                           headers=_bearer(staff))
    assert response.status_code == 201
    assert response.get_json()["comment"]["side"] == "partner"
    empty = client.post(f"/api/v1/mitra/rfqs/{rfq.id}/comments", json={"body": ""}, headers=_bearer(staff))
    assert empty.status_code == 422


# --- accepting and declining -------------------------------------------------------------------------


def test_accepting_by_bank_transfer_answers_201_with_the_order_invoice_and_instructions(client, setup):
    partner, _, staff, sentra, sentra_user = setup
    _, quote = _quoted(partner, staff, sentra, sentra_user)
    response = client.post(f"/api/v1/mitra/quotes/{quote.id}/accept", json={}, headers=_bearer(staff))
    assert response.status_code == 201
    order = response.get_json()["order"]
    assert order["sentra"] == sentra.slug and order["total_idr"] == 2_025_000 and order["tax_idr"] == 0
    assert order["status"] == "pending_payment" and order["payment_status"] == "unpaid"
    assert order["payment_method"] == "bank_transfer"
    assert order["invoice"]["number"].startswith(f"INV/{sentra.slug.upper()}/")
    assert order["invoice"]["total_idr"] == 2_025_000 and len(order["invoice"]["due_on"]) == 10
    instructions = order["payment"]["instructions"]
    assert instructions["amount_idr"] == order["payment"]["amount_idr"] >= 2_025_000
    stored = db.session.scalar(select(Order).where(Order.number == order["number"]))
    assert stored.partner_id == partner.id and stored.lines[0].unit_price_idr == 20_000


def test_accepting_twice_is_409_already_accepted(client, setup):
    partner, _, staff, sentra, sentra_user = setup
    _, quote = _quoted(partner, staff, sentra, sentra_user)
    headers = _bearer(staff)
    assert client.post(f"/api/v1/mitra/quotes/{quote.id}/accept", json={}, headers=headers).status_code == 201
    again = client.post(f"/api/v1/mitra/quotes/{quote.id}/accept", json={}, headers=headers)
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "already_accepted"
    assert db.session.scalar(select(func.count()).select_from(Order)) == 1


def test_an_expired_quote_is_409_quote_expired(client, setup):
    partner, _, staff, sentra, sentra_user = setup
    _, quote = _quoted(partner, staff, sentra, sentra_user)
    quote.valid_until = today_wib() - timedelta(days=1)
    db.session.commit()
    response = client.post(f"/api/v1/mitra/quotes/{quote.id}/accept", json={}, headers=_bearer(staff))
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "quote_expired"


def test_a_superseded_quote_is_409_quote_superseded(client, setup):
    partner, _, staff, sentra, sentra_user = setup
    rfq, first = _quoted(partner, staff, sentra, sentra_user)
    send_quote(sentra, sentra_user, rfq)
    db.session.commit()
    response = client.post(f"/api/v1/mitra/quotes/{first.id}/accept", json={}, headers=_bearer(staff))
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "quote_superseded"


def test_payment_terms_problems_are_422_and_buy_nothing(client, setup):
    partner, _, staff, sentra, sentra_user = setup
    _, quote = _quoted(partner, staff, sentra, sentra_user)
    headers = _bearer(staff)
    not_enabled = client.post(f"/api/v1/mitra/quotes/{quote.id}/accept", json={"payment": "terms"}, headers=headers)
    assert not_enabled.status_code == 422 and not_enabled.get_json()["error"]["code"] == "terms_unavailable"
    partner.terms_days, partner.credit_limit_idr = 30, 1_000_000
    db.session.commit()
    over = client.post(f"/api/v1/mitra/quotes/{quote.id}/accept", json={"payment": "terms"}, headers=headers)
    assert over.status_code == 422 and over.get_json()["error"]["code"] == "credit_limit_exceeded"
    unknown = client.post(f"/api/v1/mitra/quotes/{quote.id}/accept", json={"payment": "cash"}, headers=headers)
    assert unknown.status_code == 422
    assert client.post(f"/api/v1/mitra/quotes/{quote.id}/accept", json={"payment": 5},
                       headers=headers).status_code == 400
    assert db.session.scalar(select(func.count()).select_from(Order)) == 0
    assert db.session.get(Quote, quote.id).status == QuoteStatus.OPEN


def test_accepting_on_terms_places_the_order_with_an_invoice_due_in_the_terms(client, setup):
    partner, _, staff, sentra, sentra_user = setup
    partner.terms_days, partner.credit_limit_idr = 30, 50_000_000
    _, quote = _quoted(partner, staff, sentra, sentra_user)
    response = client.post(f"/api/v1/mitra/quotes/{quote.id}/accept", json={"payment": "terms"},
                           headers=_bearer(staff))
    assert response.status_code == 201
    order = response.get_json()["order"]
    assert (order["status"], order["payment_status"], order["payment_method"]) == ("placed", "unpaid",
                                                                                   "payment_terms")
    assert order["invoice"]["due_on"] == (today_wib() + timedelta(days=30)).isoformat()
    assert "instructions" not in order["payment"]


def test_a_short_stocked_line_is_409_and_nothing_is_made(client, setup):
    partner, _, staff, sentra, sentra_user = setup
    product = make_product(sentra, variants=[{"sku": "TAS-9", "price_idr": 30_000, "stock": 5}])
    rfq = send_rfq(partner, staff, sentra)
    quote = send_quote(sentra, sentra_user, rfq, lines=[{"description": "Tas", "quantity": 10, "unit_price_idr": 25_000,
                                                         "lead_time_days": 0, "product_id": product.id}])
    db.session.commit()
    response = client.post(f"/api/v1/mitra/quotes/{quote.id}/accept", json={}, headers=_bearer(staff))
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "insufficient_stock"
    assert db.session.scalar(select(func.count()).select_from(Order)) == 0
    assert db.session.scalar(select(func.count()).select_from(Invoice)) == 0
    assert db.session.get(Quote, quote.id).status == QuoteStatus.OPEN


def test_declining_closes_the_request_and_a_second_decline_is_409(client, setup):
    partner, _, staff, sentra, sentra_user = setup
    rfq, quote = _quoted(partner, staff, sentra, sentra_user)
    headers = _bearer(staff)
    response = client.post(f"/api/v1/mitra/quotes/{quote.id}/decline", json={"reason": "Terlalu mahal"},
                           headers=headers)
    assert response.status_code == 200 and response.get_json()["quote"]["status"] == "declined"
    assert db.session.get(Rfq, rfq.id).status == RfqStatus.DECLINED
    again = client.post(f"/api/v1/mitra/quotes/{quote.id}/decline", json={}, headers=headers)
    assert again.status_code == 409


def test_another_partners_quote_is_404(client, setup):
    partner, _, staff, sentra, sentra_user = setup
    other, other_owner = _other_partner()
    _, theirs = _quoted(other, other_owner, sentra, sentra_user)
    headers = _bearer(staff)
    assert client.post(f"/api/v1/mitra/quotes/{theirs.id}/accept", json={}, headers=headers).status_code == 404
    assert client.post(f"/api/v1/mitra/quotes/{theirs.id}/decline", json={}, headers=headers).status_code == 404
    assert db.session.get(Quote, theirs.id).status == QuoteStatus.OPEN


# --- approvals -------------------------------------------------------------------------------------------


def test_above_the_threshold_accepting_answers_202_and_a_manager_approves(client, setup):
    partner, owner, staff, sentra, sentra_user = setup
    _, quote = _quoted(partner, staff, sentra, sentra_user, price=200_000)  # Rp20.025.000
    response = client.post(f"/api/v1/mitra/quotes/{quote.id}/accept", json={"payment": "bank_transfer"},
                           headers=_bearer(staff))
    assert response.status_code == 202
    approval = response.get_json()["approval"]
    assert approval["status"] == "pending" and approval["amount_idr"] == 20_025_000
    assert approval["requested_by"]["id"] == staff.id and approval["quote_id"] == quote.id
    assert approval["payment"] == "bank_transfer"
    own = client.post(f"/api/v1/mitra/approvals/{approval['id']}/approve", json={}, headers=_bearer(staff))
    assert own.status_code == 403 and own.get_json()["error"]["code"] == "approval_not_allowed"
    approved = client.post(f"/api/v1/mitra/approvals/{approval['id']}/approve", json={"note": "OK"},
                           headers=_bearer(owner))
    assert approved.status_code == 200
    body = approved.get_json()
    assert body["approval"]["status"] == "approved" and body["approval"]["decided_by"]["id"] == owner.id
    assert body["order"]["total_idr"] == 20_025_000 and body["order"]["invoice"]["number"]
    again = client.post(f"/api/v1/mitra/approvals/{approval['id']}/approve", json={}, headers=_bearer(owner))
    assert again.status_code == 409


def test_a_manager_cannot_approve_their_own_acceptance(client, setup):
    partner, owner, staff, sentra, sentra_user = setup
    _, quote = _quoted(partner, staff, sentra, sentra_user, price=200_000)
    headers = _bearer(owner)
    approval = client.post(f"/api/v1/mitra/quotes/{quote.id}/accept", json={}, headers=headers).get_json()["approval"]
    response = client.post(f"/api/v1/mitra/approvals/{approval['id']}/approve", json={}, headers=headers)
    assert response.status_code == 403
    assert db.session.scalar(select(func.count()).select_from(Order)) == 0


def test_a_manager_rejects_and_nothing_is_bought(client, setup):
    partner, owner, staff, sentra, sentra_user = setup
    _, quote = _quoted(partner, staff, sentra, sentra_user, price=200_000)
    approval = acceptance.accept_quote(membership(partner, staff), staff, quote.id, None, CONFIG).approval
    db.session.commit()
    staff_try = client.post(f"/api/v1/mitra/approvals/{approval.id}/reject", json={}, headers=_bearer(staff))
    assert staff_try.status_code == 403
    response = client.post(f"/api/v1/mitra/approvals/{approval.id}/reject", json={"note": "Tunda"},
                           headers=_bearer(owner))
    assert response.status_code == 200 and response.get_json()["approval"]["status"] == "rejected"
    assert response.get_json()["approval"]["note"] == "Tunda"
    assert db.session.scalar(select(func.count()).select_from(Order)) == 0


def test_approvals_are_listed_per_partner_with_a_status_filter(client, setup):
    partner, owner, staff, sentra, sentra_user = setup
    _, quote = _quoted(partner, staff, sentra, sentra_user, price=200_000)
    mine = acceptance.accept_quote(membership(partner, staff), staff, quote.id, None, CONFIG).approval
    other, other_owner = _other_partner()
    other.approval_threshold_idr = 1
    _, theirs_quote = _quoted(other, other_owner, sentra, sentra_user)
    theirs = acceptance.accept_quote(membership(other, other_owner), other_owner, theirs_quote.id, None,
                                         CONFIG).approval
    db.session.commit()
    headers = _bearer(owner)
    body = client.get("/api/v1/mitra/approvals", headers=headers).get_json()
    assert [item["id"] for item in body["items"]] == [mine.id] and body["total"] == 1
    assert client.get("/api/v1/mitra/approvals?status=approved", headers=headers).get_json()["total"] == 0
    assert client.get("/api/v1/mitra/approvals?status=pending", headers=headers).get_json()["total"] == 1
    assert client.get("/api/v1/mitra/approvals?status=maybe", headers=headers).status_code == 400
    for action in ("approve", "reject"):
        response = client.post(f"/api/v1/mitra/approvals/{theirs.id}/{action}", json={}, headers=headers)
        assert response.status_code == 404
    assert db.session.get(type(theirs), theirs.id).status == ApprovalStatus.PENDING


# --- orders and invoices -------------------------------------------------------------------------------


def _accepted_order(partner, user, sentra, sentra_user, **extra):
    _, quote = _quoted(partner, user, sentra, sentra_user, **extra)
    order = acceptance.accept_quote(membership(partner, user), user, quote.id, None, CONFIG).order
    db.session.commit()
    return order


def test_the_partners_orders_carry_tax_and_invoice_number_and_never_another_partners(client, setup):
    partner, owner, staff, sentra, sentra_user = setup
    sentra.is_pkp = True
    mine = _accepted_order(partner, staff, sentra, sentra_user)
    other, other_owner = _other_partner()
    _accepted_order(other, other_owner, sentra, sentra_user)
    body = client.get("/api/v1/mitra/orders", headers=_bearer(owner)).get_json()
    assert body["total"] == 1 and body["per_page"] == 20
    item = body["items"][0]
    invoice = db.session.scalar(select(Invoice).where(Invoice.order_id == mine.id))
    assert item["number"] == mine.number and item["invoice_number"] == invoice.number
    assert item["tax_idr"] == mine.tax_idr > 0 and item["total_idr"] == mine.total_idr
    assert item["sentra"] == sentra.slug and item["status"] == "pending_payment"
    assert item["payment_status"] == "unpaid"


def test_the_partners_invoices_filter_by_status_and_flag_overdue(client, setup):
    partner, owner, staff, sentra, sentra_user = setup
    first = _accepted_order(partner, staff, sentra, sentra_user)
    _accepted_order(partner, staff, sentra, sentra_user)
    other, other_owner = _other_partner()
    _accepted_order(other, other_owner, sentra, sentra_user)
    late = db.session.scalar(select(Invoice).where(Invoice.order_id == first.id))
    late.due_on, late.terms_days = today_wib() - timedelta(days=2), 30  # overdue is a matter of terms
    db.session.commit()
    headers = _bearer(owner)
    body = client.get("/api/v1/mitra/invoices", headers=headers).get_json()
    assert body["total"] == 2
    flagged = {item["number"]: item["overdue"] for item in body["items"]}
    assert flagged[late.number] is True and list(flagged.values()).count(False) == 1
    item = next(i for i in body["items"] if i["number"] == late.number)
    assert item["order_number"] == first.number and item["sentra"] == sentra.slug and item["status"] == "unpaid"
    assert item["total_idr"] == first.total_idr and item["terms_days"] == 30 and "tax_idr" in item
    assert datetime.fromisoformat(item["issued_at"]).utcoffset() is not None
    overdue = client.get("/api/v1/mitra/invoices?status=overdue", headers=headers).get_json()
    assert [i["number"] for i in overdue["items"]] == [late.number]
    assert client.get("/api/v1/mitra/invoices?status=paid", headers=headers).get_json()["total"] == 0
    bad = client.get("/api/v1/mitra/invoices?status=late", headers=headers)
    assert bad.status_code == 400 and bad.get_json()["error"]["code"] == "invalid_filter"
