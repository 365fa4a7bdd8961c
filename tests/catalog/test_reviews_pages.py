"""Review pages: the sentra's list and reply, the office's hide/unhide, the product page, the API."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from catalog.products.models import Product
from catalog.reviews.models import Review
from catalog.reviews.services import hide_review
from shop.extensions import db
from shop.sentras.models import Sentra
from tests.catalog.reviews_helpers import delivered_order, review_of
from tests.factories import make_product, make_sentra, make_user, png_bytes
from tests.queries import count_queries


@pytest.fixture(autouse=True)
def _english_pages(client):
    client.post("/bahasa", data={"lang": "en"})


@pytest.fixture
def shop():
    owner = make_user("owner@example.test")
    sentra = make_sentra("32.75.08.1001", owner=owner)
    product = make_product(sentra, title="Tas Anyaman", variants=[{"sku": "TAS-1", "price_idr": 50_000, "stock": 40}])
    db.session.commit()
    return sentra, product


def _product_url(product) -> str:
    return f"/p/{product.id}-{product.slug}"


def _review(product, rating=5, text="Rapi sekali", name="Sari Warga", photo=None):
    buyer = make_user(name=name)
    return review_of(delivered_order(buyer, product.variants[0]), rating, text, photo)


# --- the sentra's page -------------------------------------------------------------------------


def test_sentra_reviews_page_shows_an_empty_state(client, auth, shop):
    sentra, _ = shop
    auth.login("owner@example.test")
    response = client.get(f"/kelola/{sentra.slug}/ulasan")
    assert response.status_code == 200
    assert "No reviews yet" in response.get_data(as_text=True)


def test_sentra_sees_reviews_with_a_reply_form(client, auth, shop):
    sentra, product = shop
    review = _review(product, text="Jahitannya kuat")
    auth.login("owner@example.test")
    body = client.get(f"/kelola/{sentra.slug}/ulasan").get_data(as_text=True)
    assert "Jahitannya kuat" in body and "Tas Anyaman" in body
    assert f"/kelola/{sentra.slug}/ulasan/{review.id}/balas" in body


def test_sentra_replies_once_through_the_page(client, auth, shop):
    sentra, product = shop
    review = _review(product)
    auth.login("owner@example.test")
    url = f"/kelola/{sentra.slug}/ulasan/{review.id}/balas"
    response = client.post(url, data={f"review-{review.id}-reply": "Terima kasih!"})
    assert response.status_code == 302
    second = client.post(url, data={f"review-{review.id}-reply": "Lagi"})
    assert second.status_code == 409
    db.session.expire_all()
    assert db.session.get(Review, review.id).reply == "Terima kasih!"


def test_an_empty_reply_shows_the_form_again(client, auth, shop):
    sentra, product = shop
    review = _review(product)
    auth.login("owner@example.test")
    response = client.post(f"/kelola/{sentra.slug}/ulasan/{review.id}/balas", data={f"review-{review.id}-reply": " "})
    assert response.status_code == 400
    assert "Write your reply first" in response.get_data(as_text=True)


def test_another_sentra_cannot_reply_to_a_review(client, auth, shop):
    _, product = shop
    review = _review(product)
    other = make_sentra("32.75.01.1001", owner=make_user("other@example.test"))
    db.session.commit()
    auth.login("other@example.test")
    response = client.post(f"/kelola/{other.slug}/ulasan/{review.id}/balas", data={f"review-{review.id}-reply": "x"})
    assert response.status_code == 404
    assert client.get(f"/kelola/{other.slug}/ulasan").get_data(as_text=True).count("Rapi sekali") == 0
    db.session.expire_all()
    assert db.session.get(Review, review.id).reply is None


# --- the program office ----------------------------------------------------------------------------


def test_admin_hides_a_review_after_confirming_and_the_rating_follows(client, auth, shop):
    sentra, product = shop
    _review(product, 5)
    bad = _review(product, 1, "Iklan judi")
    make_user("office@example.test", admin=True)
    db.session.commit()
    auth.login("office@example.test")
    assert "Iklan judi" in client.get("/admin/ulasan").get_data(as_text=True)
    confirm = client.get(f"/admin/ulasan/{bad.id}/sembunyikan")
    assert confirm.status_code == 200 and "Hide this review?" in confirm.get_data(as_text=True)
    assert client.post(f"/admin/ulasan/{bad.id}/sembunyikan", data={"reason": "Spam"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Review, bad.id).hidden_at is not None
    assert db.session.get(Product, product.id).rating_count == 1
    assert "Iklan judi" not in client.get(_product_url(product)).get_data(as_text=True)
    assert "Iklan judi" in client.get("/admin/ulasan?tab=hidden").get_data(as_text=True)


def test_admin_hiding_without_a_reason_changes_nothing(client, auth, shop):
    _, product = shop
    review = _review(product)
    make_user("office@example.test", admin=True)
    db.session.commit()
    auth.login("office@example.test")
    assert client.post(f"/admin/ulasan/{review.id}/sembunyikan", data={"reason": ""}).status_code == 400
    db.session.expire_all()
    assert db.session.get(Review, review.id).hidden_at is None


def test_admin_unhides_a_review(client, auth, shop):
    _, product = shop
    review = _review(product, 4)
    admin = make_user("office@example.test", admin=True)
    hide_review(review, admin, "Cek dulu")
    db.session.commit()
    auth.login("office@example.test")
    assert client.post(f"/admin/ulasan/{review.id}/tampilkan").status_code == 302
    db.session.expire_all()
    assert db.session.get(Review, review.id).hidden_at is None
    assert db.session.get(Product, product.id).rating_count == 1


@pytest.mark.parametrize(("method", "path"), [("GET", "/admin/ulasan"), ("GET", "/admin/ulasan/{id}/sembunyikan"),
                                              ("POST", "/admin/ulasan/{id}/sembunyikan"),
                                              ("POST", "/admin/ulasan/{id}/tampilkan")])
def test_non_admins_get_403_on_the_review_desk(client, auth, shop, method, path):
    _, product = shop
    review = _review(product)
    auth.login("owner@example.test")
    response = client.open(path.format(id=review.id), method=method, data={"reason": "x"})
    assert response.status_code == 403
    db.session.expire_all()
    assert db.session.get(Review, review.id).hidden_at is None


# --- the product page and the storefront --------------------------------------------------------------


def test_product_page_shows_average_count_reviews_and_the_sentras_reply(client, auth, shop):
    sentra, product = shop
    review = _review(product, 5, "Rapi sekali", name="Dewi Lestari Putri", photo=png_bytes())
    _review(product, 4, "Lumayan")
    auth.login("owner@example.test")
    client.post(f"/kelola/{sentra.slug}/ulasan/{review.id}/balas", data={f"review-{review.id}-reply": "Makasih Dewi!"})
    auth.logout()
    client.post("/bahasa", data={"lang": "en"})
    body = client.get(_product_url(product)).get_data(as_text=True)
    assert "4.5" in body and "2 reviews" in body
    assert "Rapi sekali" in body and "Lumayan" in body and "Makasih Dewi!" in body
    assert "Dewi" in body and "Lestari" not in body  # the first name only
    assert db.session.get(Review, review.id).photo_key in body


def test_product_page_pages_reviews_ten_at_a_time(client, shop):
    _, product = shop
    for i in range(11):
        _review(product, 5, f"Ulasan nomor {i:02d}")
    first = client.get(_product_url(product)).get_data(as_text=True)
    assert "Ulasan nomor 10" in first and "Ulasan nomor 00" not in first
    assert "reviews_page=2" in first
    second = client.get(_product_url(product) + "?reviews_page=2").get_data(as_text=True)
    assert "Ulasan nomor 00" in second and "Ulasan nomor 10" not in second


def test_product_page_without_reviews_says_so(client, shop):
    _, product = shop
    assert "No reviews yet" in client.get(_product_url(product)).get_data(as_text=True)


def test_storefront_shows_the_sentras_average_and_count(client, shop):
    sentra, product = shop
    _review(product, 5)
    _review(product, 3)
    body = client.get(f"/sentra/{sentra.slug}").get_data(as_text=True)
    assert "4.0" in body and "2 reviews" in body


def test_product_page_with_reviews_makes_one_query_more_than_without(client, shop):
    _, product = shop
    bare = make_product(db.session.get(Sentra, product.sentra_id), variants=[{"sku": "B-1", "price_idr": 1, "stock": 1}])
    for i in range(12):
        _review(product, 4, f"Ulasan {i}")
    counts = {}
    for name, item in (("with", product), ("without", bare)):
        client.get(_product_url(item))
        with count_queries() as statements:
            assert client.get(_product_url(item)).status_code == 200
        counts[name] = len(statements)
    assert counts["with"] == counts["without"] + 1


# --- the API -----------------------------------------------------------------------------------------


def test_api_lists_a_products_visible_reviews(client, shop):
    _, product = shop
    _review(product, 5, "Bagus", name="Rina Wati")
    hidden = _review(product, 1, "Spam")
    hide_review(hidden, make_user(admin=True), "Spam")
    db.session.commit()
    body = client.get(f"/api/v1/products/{product.id}/reviews").get_json()
    assert body["total"] == 1 and body["page"] == 1 and body["per_page"] == 20
    item = body["items"][0]
    assert item["rating"] == 5 and item["text"] == "Bagus" and item["author"] == "Rina"
    assert item["reply"] is None and item["created_at"].endswith("+00:00")


def test_api_reviews_of_a_draft_product_are_not_found(client, shop):
    sentra, _ = shop
    draft = make_product(sentra, status="draft")
    db.session.commit()
    response = client.get(f"/api/v1/products/{draft.id}/reviews")
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"


def test_reviews_never_show_on_the_product_page_of_another_product(client, shop):
    sentra, product = shop
    other = make_product(sentra, variants=[{"sku": "O-1", "price_idr": 1000, "stock": 3}])
    _review(product, 5, "Hanya untuk tas")
    db.session.commit()
    assert "Hanya untuk tas" not in client.get(_product_url(other)).get_data(as_text=True)
    assert db.session.scalar(select(Review.product_id)) == product.id
