"""The cache rule (issue 14, defect 7): personal and sentra-internal responses are never stored.

Every response about someone (their orders, account, cart, checkout, a sentra's or
partner's area, the office, tracking, token pages, and the API twins) carries
``Cache-Control: private, no-store``; the public catalogue seen anonymously stays cacheable.
"""
from __future__ import annotations

import pytest

from shop.extensions import db
from tests.factories import make_checkout, make_partner, make_product, make_sentra, make_user

PRIVATE = "private, no-store"
BUYER, OWNER, PARTNER, ADMIN = "pembeli@example.test", "pemilik@example.test", "mitra@example.test", "kantor@example.test"


@pytest.fixture
def world():
    owner = make_user(OWNER)
    sentra = make_sentra(owner=owner)
    product = make_product(sentra, variants=[{"price_idr": 40_000, "stock": 9}])
    make_partner(make_user(PARTNER))
    make_user(ADMIN, admin=True)
    buyer = make_user(BUYER)
    db.session.commit()
    checkout = make_checkout(buyer, [(product.variants[0], 1)])
    return {"sentra": sentra, "product": product, "checkout": checkout, "order": checkout.orders[0]}


def token_for(client, email: str) -> str:
    return client.post("/api/v1/auth/token", json={"email": email, "password": "correct-horse-battery"}).json["token"]


def fill(path: str, world) -> str:
    order, product = world["order"], world["product"]
    return path.format(slug=world["sentra"].slug, number=order.number, code=order.tracking_code,
                       checkout=world["checkout"].id, product=product.id, product_slug=product.slug)


@pytest.mark.parametrize(("email", "path"), [
    (BUYER, "/orders"), (BUYER, "/orders/{number}"), (BUYER, "/akun"), (BUYER, "/cart"),
    (BUYER, "/checkout/{checkout}/bayar"),
    (OWNER, "/kelola/{slug}/"), (OWNER, "/kelola/{slug}/pesanan"), (PARTNER, "/mitra/"), (ADMIN, "/admin/"),
])
def test_signed_in_pages_of_the_private_areas_are_never_stored(client, auth, world, email, path):
    auth.login(email)

    response = client.get(fill(path, world))

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == PRIVATE


@pytest.mark.parametrize(("email", "path"), [
    (BUYER, "/api/v1/orders"), (BUYER, "/api/v1/orders/{number}"), (BUYER, "/api/v1/cart"), (BUYER, "/api/v1/me"),
    (OWNER, "/api/v1/kelola/{slug}/orders"), (PARTNER, "/api/v1/mitra/approvals"), (ADMIN, "/api/v1/admin/impact"),
])
def test_api_twins_of_the_private_areas_are_never_stored(client, world, email, path):
    response = client.get(fill(path, world), headers={"Authorization": f"Bearer {token_for(client, email)}"})

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == PRIVATE


def test_the_token_answer_of_the_api_is_never_stored(client, world):
    response = client.post("/api/v1/auth/token", json={"email": BUYER, "password": "correct-horse-battery"})

    assert response.status_code == 201
    assert response.headers["Cache-Control"] == PRIVATE


@pytest.mark.parametrize("path", [
    "/track/{number}?code={code}", "/api/v1/track/{number}?code={code}", "/lupa-sandi", "/reset-sandi/not-a-token",
    "/undangan", "/login", "/register", "/media/private/transfer-proofs/x.webp",
])
def test_tracking_token_and_sign_in_pages_are_never_stored_even_anonymously(client, world, path):
    response = client.get(fill(path, world))

    assert response.headers["Cache-Control"] == PRIVATE


@pytest.mark.parametrize("path", [
    "/", "/sentra", "/sentra/{slug}", "/p/{product}-{product_slug}", "/search?q=kriya&page=2", "/kategori/kriya",
    "/api/v1/sentras", "/api/v1/products/{product}", "/api/v1/search?q=kriya",
])
def test_the_public_catalogue_seen_anonymously_stays_cacheable(client, world, path):
    response = client.get(fill(path, world))

    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")


def test_a_public_page_for_a_signed_in_user_is_not_stored(client, auth, world):
    auth.login(PARTNER)

    response = client.get(fill("/p/{product}-{product_slug}", world))

    assert response.headers["Cache-Control"] == PRIVATE


def test_a_public_api_answer_to_a_bearer_token_is_not_stored(client, world):
    token = token_for(client, PARTNER)

    response = client.get(fill("/api/v1/search?q=kriya", world), headers={"Authorization": f"Bearer {token}"})

    assert response.headers["Cache-Control"] == PRIVATE


def test_a_public_page_showing_a_guests_cart_is_not_stored(client, world):
    client.post("/cart/add", data={"variant_id": world["product"].variants[0].id, "quantity": 1})

    response = client.get("/")

    assert client.get_cookie("cart") is not None
    assert response.headers["Cache-Control"] == PRIVATE


def test_static_files_stay_cacheable_for_a_signed_in_user(client, auth, world):
    auth.login(BUYER)

    response = client.get("/static/css/app.css")

    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")
