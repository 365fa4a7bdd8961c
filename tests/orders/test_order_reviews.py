"""The buyer reviews the lines of their own delivered or completed order, once each."""
from __future__ import annotations

import re

import pytest

from catalog.products.models import Product
from catalog.reviews.models import Review
from orders.core.status import transition
from shop.extensions import db
from tests.catalog.reviews_helpers import delivered_order, placed_order
from tests.factories import make_product, make_sentra, make_user, png_bytes


@pytest.fixture(autouse=True)
def _english_pages(client):
    client.post("/bahasa", data={"lang": "en"})


@pytest.fixture
def product():
    sentra = make_sentra("32.75.08.1001")
    product = make_product(sentra, title="Batik Tulis", variants=[{"sku": "BTK-1", "price_idr": 75_000, "stock": 20}])
    db.session.commit()
    return product


@pytest.fixture
def buyer(auth):
    user = make_user("pembeli@example.test")
    db.session.commit()
    auth.login("pembeli@example.test")
    return user


def _post(client, order, line_id, rating="5", text="Bagus", **extra):
    data = {f"line-{line_id}-rating": rating, f"line-{line_id}-text": text, **extra}
    return client.post(f"/orders/{order.number}/ulasan/{line_id}", data=data, content_type="multipart/form-data")


def test_buyer_sees_a_form_for_each_line_of_a_delivered_order(client, buyer, product):
    order = delivered_order(buyer, product.variants[0])
    body = client.get(f"/orders/{order.number}/ulasan").get_data(as_text=True)
    assert "Batik Tulis" in body and f"/orders/{order.number}/ulasan/{order.lines[0].id}" in body


def test_the_review_photo_input_asks_the_phone_for_an_image(client, buyer, product):
    order = delivered_order(buyer, product.variants[0])
    body = client.get(f"/orders/{order.number}/ulasan").get_data(as_text=True)
    photo_input = re.search(r'<input[^>]*name="line-[0-9]+-photo"[^>]*>', body).group(0)
    assert 'type="file"' in photo_input and 'accept="image/*"' in photo_input


def test_buyer_reviews_a_line_of_a_delivered_order(client, buyer, product):
    order = delivered_order(buyer, product.variants[0])
    response = _post(client, order, order.lines[0].id, "4", "Warnanya cantik")
    assert response.status_code == 302
    review = db.session.query(Review).one()
    assert (review.rating, review.text, review.author_id) == (4, "Warnanya cantik", buyer.id)
    db.session.expire_all()
    assert db.session.get(Product, product.id).rating_count == 1
    page = client.get(f"/orders/{order.number}/ulasan").get_data(as_text=True)
    assert "Warnanya cantik" in page and f"/ulasan/{order.lines[0].id}\"" not in page


def test_buyer_reviews_a_line_of_a_completed_order(client, buyer, product):
    order = delivered_order(buyer, product.variants[0])
    transition(order, "completed", None)
    db.session.commit()
    assert _post(client, order, order.lines[0].id).status_code == 302


def test_review_with_a_photo_stores_the_re_encoded_photo(client, buyer, product):
    import io
    order = delivered_order(buyer, product.variants[0])
    response = _post(client, order, order.lines[0].id,
                     **{f"line-{order.lines[0].id}-photo": (io.BytesIO(png_bytes()), "foto.png")})
    assert response.status_code == 302
    assert db.session.query(Review).one().photo_key.endswith(".webp")


def test_a_file_that_is_not_a_photo_is_refused_with_a_message(client, buyer, product):
    import io
    order = delivered_order(buyer, product.variants[0])
    response = _post(client, order, order.lines[0].id,
                     **{f"line-{order.lines[0].id}-photo": (io.BytesIO(b"%PDF-1.4"), "foto.png")})
    assert response.status_code == 400
    assert "not a JPEG, PNG or WebP" in response.get_data(as_text=True)
    assert db.session.query(Review).count() == 0


def test_an_order_not_yet_delivered_cannot_be_reviewed(client, buyer, product):
    order = placed_order(buyer, product.variants[0])
    page = client.get(f"/orders/{order.number}/ulasan")
    assert "once the order is delivered" in page.get_data(as_text=True)
    response = _post(client, order, order.lines[0].id)
    assert response.status_code == 409
    assert "once the order is delivered" in response.get_data(as_text=True)
    assert db.session.query(Review).count() == 0


def test_someone_elses_order_is_not_found(client, buyer, product):
    order = delivered_order(make_user(), product.variants[0])
    assert client.get(f"/orders/{order.number}/ulasan").status_code == 404
    assert _post(client, order, order.lines[0].id).status_code == 404
    assert db.session.query(Review).count() == 0


def test_a_line_of_another_order_is_not_found(client, buyer, product):
    mine = delivered_order(buyer, product.variants[0])
    theirs = delivered_order(make_user(), product.variants[0])
    assert _post(client, mine, theirs.lines[0].id).status_code == 404
    assert db.session.query(Review).count() == 0


def test_second_review_of_the_same_line_is_refused(client, buyer, product):
    order = delivered_order(buyer, product.variants[0])
    line_id = order.lines[0].id
    assert _post(client, order, line_id, "5").status_code == 302
    response = _post(client, order, line_id, "1", "Berubah pikiran")
    assert response.status_code == 409
    assert "already reviewed" in response.get_data(as_text=True)
    assert [r.rating for r in db.session.query(Review)] == [5]


@pytest.mark.parametrize("rating", ["0", "6", "lima", ""])
def test_rating_outside_one_to_five_is_refused(client, buyer, product, rating):
    order = delivered_order(buyer, product.variants[0])
    assert _post(client, order, order.lines[0].id, rating).status_code == 400
    assert db.session.query(Review).count() == 0


def test_reviews_page_needs_login(client, product):
    order = delivered_order(make_user(), product.variants[0])
    response = client.get(f"/orders/{order.number}/ulasan")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_review_made_by_the_buyer_shows_on_the_product_page(client, buyer, product):
    order = delivered_order(buyer, product.variants[0])
    _post(client, order, order.lines[0].id, "5", "Halus sekali kainnya")
    body = client.get(f"/p/{product.id}-{product.slug}").get_data(as_text=True)
    assert "Halus sekali kainnya" in body and "1 review" in body
