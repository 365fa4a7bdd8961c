"""Isolation between partners: every /mitra/ route that takes a request, image, quote, approval or order
answers another partner's member with a 404, and changes nothing.

The routes are enumerated from the URL map, so a new partner route that loads by id alone fails here.
"""
from __future__ import annotations

import pytest
from flask import current_app
from sqlalchemy import select

from orders.b2b import acceptance
from orders.b2b.models import ApprovalStatus, PurchaseApproval, Quote, Rfq, RfqComment, RfqStatus
from orders.core.models import Order
from shop.extensions import db
from tests.factories import make_sentra, png_bytes
from tests.orders.b2b.b2b_helpers import membership, partner_team, send_quote, send_rfq
from tests.orders.b2b.partner_pages_helpers import SMALL_LINE, login

SCOPED_ARGUMENTS = {"rfq_id", "image_id", "quote_id", "approval_id", "number"}
SKIPPED_METHODS = {"HEAD", "OPTIONS"}


def scoped_rules(app) -> list:
    return [rule for rule in app.url_map.iter_rules()
            if rule.rule.startswith("/mitra/") and rule.arguments & SCOPED_ARGUMENTS]


@pytest.fixture
def partner_a_things():
    """Partner A with a request (with an image), an accepted quote's order and a pending approval."""
    partner, owner, staff = partner_team(threshold=5_000_000, terms_days=30, credit_limit=100_000_000)
    sentra = make_sentra()
    sentra_user = sentra.memberships[0].user
    rfq = send_rfq(partner, staff, sentra, images=[png_bytes()])
    quote = send_quote(sentra, sentra_user, rfq, lines=[SMALL_LINE], delivery_method="courier")
    order = acceptance.accept_quote(membership(partner, staff), staff, quote.id, "terms",
                                        current_app.config).order
    big_rfq = send_rfq(partner, staff, sentra)
    big_quote = send_quote(sentra, sentra_user, big_rfq)
    approval = acceptance.accept_quote(membership(partner, staff), staff, big_quote.id, "bank_transfer",
                                           current_app.config).approval
    db.session.commit()
    ids = {"rfq_id": rfq.id, "image_id": rfq.images[0].id, "quote_id": big_quote.id,
           "approval_id": approval.id, "number": order.number}
    return partner, ids


def test_there_are_partner_scoped_routes(app):
    endpoints = {rule.endpoint for rule in scoped_rules(app)}
    assert {"b2b_partner.rfq_detail", "b2b_partner.rfq_image", "b2b_partner.quote_accept",
            "b2b_partner.approval_approve", "b2b_partner.order_detail"} <= endpoints


def test_every_partner_route_is_partner_scoped(app):
    unchecked = [rule.rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith("b2b_partner.")
                 and not getattr(app.view_functions[rule.endpoint], "partner_scoped", False)]
    assert unchecked == []


def test_another_partners_member_gets_404_for_every_object_of_partner_a(app, client, auth, partner_a_things):
    _partner_a, ids = partner_a_things
    _partner_b, owner_b, _staff_b = partner_team(name="CV Tetangga")
    db.session.commit()
    login(client, auth, owner_b)
    data = {"payment": "bank_transfer", "reason": "x", "body": "Halo", "received_by_name": "Budi Gudang"}
    leaks = []
    for rule in scoped_rules(app):
        _, path = rule.build({arg: ids[arg] for arg in rule.arguments}, append_unknown=False)
        for method in sorted(rule.methods - SKIPPED_METHODS):
            response = client.open(path, method=method, data=data)
            if response.status_code != 404:
                leaks.append((method, path, response.status_code))
    assert leaks == []
    # nothing of partner A changed
    assert db.session.scalar(select(PurchaseApproval.status)) == ApprovalStatus.PENDING
    assert db.session.scalar(select(Quote.status).where(Quote.id == ids["quote_id"])) == "open"
    assert db.session.scalar(select(Order.status).where(Order.number == ids["number"])) == "placed"
    assert set(db.session.scalars(select(Rfq.status))) == {RfqStatus.ACCEPTED, RfqStatus.QUOTED}
    assert db.session.scalar(select(RfqComment.id)) is None


def test_another_partners_lists_show_nothing_of_partner_a(client, auth, partner_a_things):
    _partner_a, ids = partner_a_things
    _partner_b, owner_b, _staff_b = partner_team(name="CV Tetangga")
    db.session.commit()
    login(client, auth, owner_b)
    for url in ("/mitra/", "/mitra/permintaan", "/mitra/persetujuan", "/mitra/pesanan", "/mitra/tagihan"):
        body = client.get(url).get_data(as_text=True)
        assert ids["number"] not in body and f"/mitra/permintaan/{ids['rfq_id']}" not in body, url
        assert "INV/" not in body, url


def test_partner_a_reaches_its_own_objects(client, auth, partner_a_things):
    partner_a, ids = partner_a_things
    owner_a = next(m.user for m in partner_a.memberships if m.role == "owner")
    login(client, auth, owner_a)
    assert client.get(f"/mitra/permintaan/{ids['rfq_id']}").status_code == 200
    assert client.get(f"/mitra/permintaan/{ids['rfq_id']}/gambar/{ids['image_id']}").status_code == 200
    assert client.get(f"/mitra/pesanan/{ids['number']}").status_code == 200
    assert client.get(f"/mitra/persetujuan/{ids['approval_id']}/setujui").status_code == 200
