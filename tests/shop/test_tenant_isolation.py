"""Tenant isolation: every route under /kelola/ and /api/v1/kelola/ is checked against sentra B.

The routes are enumerated from the URL map, so a new sentra route without
``sentra_required`` fails this suite.
"""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from catalog.images import add_photo
from catalog.products.models import Product, StockMovement
from catalog.reviews.models import Review
from orders.b2b.models import Quote, RfqComment
from orders.core.models import Order
from orders.ledger.models import Payout
from orders.openings.applications import apply_to_opening, process_photo
from orders.openings.models import JobApplication, Opening
from shop.accounts.models import User
from shop.accounts.tokens import issue_token
from shop.extensions import db
from shop.sentras.models import Role, SentraMembership
from tests.factories import (
    add_member,
    make_checkout,
    make_invite,
    make_partner,
    make_product,
    make_sentra,
    make_user,
    png_bytes,
)
from tests.orders.b2b.b2b_helpers import send_quote, send_rfq
from tests.orders.openings.helpers import application_input, make_opening

SCOPED_PREFIXES = ("/kelola/", "/api/v1/kelola/")
SKIPPED_METHODS = {"HEAD", "OPTIONS"}
# A path argument whose id, for one endpoint, names another kind of object than elsewhere.
ARG_ALIASES = {("b2b_sentra.image", "image_id"): "rfq_image_id"}


def scoped_rules(app) -> list:
    return [r for r in app.url_map.iter_rules() if r.rule.startswith(SCOPED_PREFIXES)]


def path_values(rule, ids: dict[str, int]) -> dict:
    """The rule's arguments (but the slug) filled with the fixture's ids, or 1 where it has none."""
    return {arg: ids.get(ARG_ALIASES.get((rule.endpoint, arg), arg), 1)
            for arg in rule.arguments if arg != "sentra_slug"}


def requests_for(app, slug: str, ids: dict[str, int]) -> list[tuple[str, str]]:
    """(method, url) for every scoped rule and method, with ``slug`` and real or dummy ids."""
    out = []
    for rule in scoped_rules(app):
        values = path_values(rule, ids)
        values["sentra_slug"] = slug
        _, path = rule.build(values, append_unknown=False)
        out.extend((method, path) for method in sorted(rule.methods - SKIPPED_METHODS))
    return out


@pytest.fixture
def two_sentras():
    owner_a = make_user("a@example.test")
    sentra_a = make_sentra("32.75.08.1001", owner=owner_a)
    owner_b = make_user("b@example.test")
    sentra_b = make_sentra("32.75.01.1001", owner=owner_b)
    member_b = add_member(sentra_b, make_user())
    invite_b = make_invite(sentra_b, "calon-b@example.test")
    product_b = make_product(sentra_b, variants=[{"sku": "B-1", "price_idr": 10000, "stock": 5}])
    image_b = add_photo(product_b, png_bytes(), "foto B")
    # An order of sentra B (of another product, so product_b's stock stays as it is).
    product_b2 = make_product(sentra_b, variants=[{"sku": "B-2", "price_idr": 20000, "stock": 5}])
    order_b = make_checkout(make_user(), [(product_b2.variants[0], 1)]).orders[0]
    # A review of sentra B's product (a row straight in: the order stays placed for the checks below).
    review_b = Review(order_line_id=order_b.lines[0].id, product_id=product_b2.id, sentra_id=sentra_b.id,
                      author_id=order_b.buyer_id, rating=4, text="Bagus")
    db.session.add(review_b)
    # A partner's request for quote to sentra B, with a reference image and B's quote.
    partner = make_partner(make_user())
    rfq_b = send_rfq(partner, partner.memberships[0].user, sentra_b, images=[png_bytes()])
    quote_b = send_quote(sentra_b, owner_b, rfq_b)
    # A payout the office made to sentra B (a row straight in: no balance needed here).
    payout_b = Payout(sentra_id=sentra_b.id, amount_idr=10_000, bank_name="BRI", account_number="0123456789",
                      account_holder="Sentra B", reference="TRF-B")
    db.session.add(payout_b)
    # An opening of sentra B and an application to it (with a portfolio photo only B's managers may see).
    opening_b = make_opening(sentra_b, owner_b)
    application_b = apply_to_opening(make_user(), opening_b.id, application_input(), process_photo(png_bytes()))
    db.session.commit()
    ids = {
        "membership_id": member_b.id,
        "invite_id": invite_b.id,
        "product_id": product_b.id,
        "variant_id": product_b.variants[0].id,
        "image_id": image_b.id,
        "id": product_b.id,
        "number": order_b.number,
        "review_id": review_b.id,
        "rfq_id": rfq_b.id,
        "rfq_image_id": rfq_b.images[0].id,
        "quote_id": quote_b.id,
        "payout_id": payout_b.id,
        "opening_id": opening_b.id,
        "application_id": application_b.id,
    }
    return sentra_a, sentra_b, ids


def test_there_are_sentra_scoped_routes(app):
    assert len(scoped_rules(app)) >= 5


def test_every_sentra_scoped_route_checks_membership(app):
    unchecked = [
        r.rule for r in scoped_rules(app) if not getattr(app.view_functions[r.endpoint], "sentra_scoped", False)
    ]
    assert unchecked == []


def test_owner_of_sentra_a_gets_404_for_every_sentra_b_url(app, client, auth, two_sentras):
    _, sentra_b, ids = two_sentras
    auth.login("a@example.test")
    # The API ignores the session cookie: it gets owner A's bearer token instead.
    token, _ = issue_token(db.session.scalar(select(User).where(User.email == "a@example.test")), "test", 1)
    db.session.commit()
    api_headers = {"Authorization": f"Bearer {token}"}
    requests = requests_for(app, sentra_b.slug, ids)
    assert requests
    leaks = []
    for method, url in requests:
        headers = api_headers if url.startswith("/api/") else {}
        response = client.open(url, method=method, data={"role": "manager", "email": "x@example.test"},
                               headers=headers)
        if response.status_code not in (403, 404):
            leaks.append((method, url, response.status_code))
    assert leaks == []
    # nothing of sentra B changed
    roles = set(db.session.scalars(select(SentraMembership.role).where(SentraMembership.sentra_id == sentra_b.id)))
    assert roles == {Role.OWNER, Role.MEMBER}


def test_owner_of_sentra_a_reaches_own_urls(app, client, auth, two_sentras):
    sentra_a, _, _ = two_sentras
    auth.login("a@example.test")
    assert client.get(f"/kelola/{sentra_a.slug}/").status_code == 200


def test_anonymous_visitors_are_sent_to_login_for_every_sentra_url(app, client, two_sentras):
    _, sentra_b, ids = two_sentras
    wrong = []
    for method, url in requests_for(app, sentra_b.slug, ids):
        if url.startswith("/api/"):
            continue  # the API answers 401 instead of redirecting
        response = client.open(url, method=method)
        if response.status_code != 302 or "/login" not in response.headers.get("Location", ""):
            wrong.append((method, url, response.status_code))
    assert wrong == []


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/anggota/serah-terima"),
        ("POST", "/anggota/serah-terima"),
        ("POST", "/anggota/{membership_id}/peran"),
        ("POST", "/anggota/undang"),
        ("POST", "/undangan/{invite_id}/batal"),
        ("GET", "/lowongan/"),
        ("POST", "/lowongan/baru"),
        ("GET", "/lowongan/lamaran/{application_id}"),
        ("GET", "/lowongan/lamaran/{application_id}/portofolio"),
    ],
)
def test_plain_member_gets_403_on_owner_and_manager_actions(client, auth, two_sentras, method, path):
    _, sentra_b, ids = two_sentras
    member_id = ids["membership_id"]
    member_email = db.session.get(SentraMembership, member_id).user.email
    auth.login(member_email)
    url = f"/kelola/{sentra_b.slug}" + path.format(**ids)
    response = client.open(url, method=method, data={"role": "manager", "email": "x@example.test"})
    assert response.status_code == 403


OBJECT_ARGS = {"membership_id", "invite_id", "product_id", "variant_id", "image_id", "id", "number", "review_id",
               "rfq_id", "quote_id", "opening_id", "application_id"}


def test_member_of_sentra_a_cannot_reach_sentra_b_objects_through_sentra_a_urls(app, client, auth, two_sentras):
    """Objects are loaded by (sentra, id): B's ids under A's own slug are not found."""
    sentra_a, sentra_b, ids = two_sentras
    auth.login("a@example.test")
    token, _ = issue_token(db.session.scalar(select(User).where(User.email == "a@example.test")), "test", 1)
    db.session.commit()
    rules = [r for r in scoped_rules(app) if OBJECT_ARGS & set(r.arguments)]
    assert rules
    leaks = []
    for rule in rules:
        values = path_values(rule, ids)
        values["sentra_slug"] = sentra_a.slug
        _, url = rule.build(values, append_unknown=False)
        headers = {"Authorization": f"Bearer {token}"} if url.startswith("/api/") else {}
        for method in sorted(rule.methods - SKIPPED_METHODS):
            body = {"delta": -1, "reason": "correction", "title": "Diubah", "mode": "restock", "quantity": "1",
                    "action": "remove", "status": "archived", "role": "manager", "to": "cancelled",
                    "note": "Diubah oleh sentra lain", "reply": "Dibalas oleh sentra lain",
                    f"review-{ids['review_id']}-reply": "Dibalas oleh sentra lain"}
            if url.startswith("/api/"):
                response = client.open(url, method=method, json=body, headers=headers)
            else:
                response = client.open(url, method=method, data=body)
            if response.status_code != 404:
                leaks.append(f"{method} {url} -> {response.status_code}")
    assert leaks == []
    db.session.expire_all()
    product_b = db.session.get(Product, ids["product_id"])
    assert product_b.title != "Diubah" and product_b.status == "active"
    assert product_b.variants[0].stock == 5 and len(product_b.images) == 1
    # product_b's and product_b2's first stock, and the order's reservation
    assert db.session.query(StockMovement).filter_by(sentra_id=sentra_b.id).count() == 3
    assert db.session.scalar(select(Order.status).where(Order.number == ids["number"])) == "placed"
    assert db.session.scalar(select(Review.reply).where(Review.id == ids["review_id"])) is None
    assert db.session.scalar(select(func.count()).select_from(Quote).where(Quote.rfq_id == ids["rfq_id"])) == 1
    assert db.session.scalar(select(func.count()).select_from(RfqComment)) == 0
    application_b = db.session.get(JobApplication, ids["application_id"])
    assert application_b.status == "submitted" and application_b.answered_at is None
    assert db.session.get(Opening, ids["opening_id"]).status == "open"
