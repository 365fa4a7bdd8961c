"""Review services: validation, one review per line, ratings from visible reviews, one reply, hiding."""
from __future__ import annotations

import io

import pytest
from PIL import Image
from sqlalchemy import select

import catalog.search as search_api
from catalog.products.models import Product
from catalog.reviews.models import Review
from catalog.reviews.services import (
    AlreadyRepliedError,
    DuplicateReviewError,
    InvalidReviewError,
    ReviewNotFoundError,
    create_review,
    hide_review,
    reply_to_review,
    unhide_review,
)
from catalog.search.models import SearchDocument
from catalog.search.types import SearchQuery, Sort
from shop import storage
from shop.extensions import db
from shop.sentras.models import Sentra
from tests.catalog.reviews_helpers import delivered_order, review_of
from tests.factories import make_product, make_sentra, make_user, png_of_zeros


@pytest.fixture
def sentra():
    return make_sentra("32.75.08.1001", owner=make_user("owner@example.test"))


@pytest.fixture
def product(sentra):
    return make_product(sentra, title="Tas Anyaman", variants=[{"sku": "TAS-1", "price_idr": 50_000, "stock": 20}])


def _rating(model, obj_id):
    db.session.expire_all()
    obj = db.session.get(model, obj_id)
    return obj.rating_avg, obj.rating_count


def test_a_review_is_recorded_with_the_lines_product_and_sentra(product):
    order = delivered_order(make_user(), product.variants[0])
    review = review_of(order, 5, "  Rapi sekali  ")
    assert (review.order_line_id, review.product_id, review.sentra_id) == (
        order.lines[0].id, product.id, order.sentra_id)
    assert review.author_id == order.buyer_id and review.rating == 5 and review.text == "Rapi sekali"


@pytest.mark.parametrize("rating", [0, 6, -1, "5", 4.5, True, None])
def test_rating_outside_one_to_five_is_refused(product, rating):
    order = delivered_order(make_user(), product.variants[0])
    line = order.lines[0]
    with pytest.raises(InvalidReviewError) as error:
        create_review(line.id, product.id, order.sentra_id, order.buyer, rating, "")
    assert error.value.field == "rating"
    assert db.session.scalar(select(Review.id)) is None


def test_text_over_2000_characters_is_refused(product):
    order = delivered_order(make_user(), product.variants[0])
    line = order.lines[0]
    with pytest.raises(InvalidReviewError) as error:
        create_review(line.id, product.id, order.sentra_id, order.buyer, 4, "a" * 2001)
    assert error.value.field == "text"


def test_second_review_of_the_same_line_is_refused(product):
    order = delivered_order(make_user(), product.variants[0])
    review_of(order, 5)
    line = order.lines[0]
    with pytest.raises(DuplicateReviewError):
        create_review(line.id, product.id, order.sentra_id, order.buyer, 1, "again")
    db.session.rollback()
    assert db.session.query(Review).count() == 1
    assert _rating(Product, product.id) == (5.0, 1)


def _jpeg_with_exif() -> bytes:
    image = Image.new("RGB", (1600, 1200), (200, 80, 30))
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x8825] = {2: (6, 14, 0)}  # a GPS block
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


def test_review_photo_is_re_encoded_as_webp_without_exif_and_at_most_960_px(product):
    order = delivered_order(make_user(), product.variants[0])
    review = review_of(order, 4, "Bagus", _jpeg_with_exif())
    assert review.photo_key.startswith("reviews/") and review.photo_key.endswith(".webp")
    stored = storage.get_storage().path_for(review.photo_key).read_bytes()
    with Image.open(io.BytesIO(stored)) as image:
        assert image.format == "WEBP" and image.width == 960
        assert not image.getexif() and "exif" not in image.info
    assert b"SecretCam" not in stored


def test_a_file_that_is_not_a_photo_is_refused_and_nothing_is_stored(product):
    order = delivered_order(make_user(), product.variants[0])
    line = order.lines[0]
    with pytest.raises(InvalidReviewError) as error:
        create_review(line.id, product.id, order.sentra_id, order.buyer, 4, "", b"not an image at all")
    assert error.value.field == "photo"


def test_a_long_thin_review_photo_is_refused_with_the_photo_intake_message(product):
    order = delivered_order(make_user(), product.variants[0])
    line = order.lines[0]
    with pytest.raises(InvalidReviewError) as error:
        create_review(line.id, product.id, order.sentra_id, order.buyer, 4, "", png_of_zeros(1, 39_000_000))
    assert error.value.field == "photo"
    assert "10000 px" in str(error.value.message)


def test_product_and_sentra_show_average_and_count_of_visible_reviews(sentra, product):
    other = make_product(sentra, variants=[{"sku": "LAIN-1", "price_idr": 20_000, "stock": 5}])
    review_of(delivered_order(make_user(), product.variants[0]), 5)
    review_of(delivered_order(make_user(), product.variants[0]), 4)
    review_of(delivered_order(make_user(), other.variants[0]), 2)
    assert _rating(Product, product.id) == (4.5, 2)
    assert _rating(Product, other.id) == (2.0, 1)
    assert _rating(Sentra, sentra.id) == (pytest.approx(3.67), 3)


def test_hidden_reviews_leave_the_averages_and_unhiding_brings_them_back(sentra, product):
    admin = make_user("office@example.test", admin=True)
    review_of(delivered_order(make_user(), product.variants[0]), 5)
    bad = review_of(delivered_order(make_user(), product.variants[0]), 1, "spam")
    hide_review(bad, admin, "Spam")
    db.session.commit()
    assert _rating(Product, product.id) == (5.0, 1)
    assert _rating(Sentra, sentra.id) == (5.0, 1)
    review = db.session.get(Review, bad.id)
    assert review.hidden_at is not None and review.hidden_by_id == admin.id and review.hidden_reason == "Spam"
    unhide_review(review, admin)
    db.session.commit()
    assert _rating(Product, product.id) == (3.0, 2)
    assert db.session.get(Review, bad.id).hidden_at is None


def test_hiding_needs_a_reason(product):
    review = review_of(delivered_order(make_user(), product.variants[0]), 1)
    with pytest.raises(InvalidReviewError):
        hide_review(review, make_user(admin=True), "  ")


def test_hiding_every_review_sets_the_rating_back_to_zero(product):
    review = review_of(delivered_order(make_user(), product.variants[0]), 4)
    hide_review(review, make_user(admin=True), "Off topic")
    db.session.commit()
    assert _rating(Product, product.id) == (0.0, 0)


def test_sentra_replies_once_and_a_second_reply_is_refused(sentra, product):
    review = review_of(delivered_order(make_user(), product.variants[0]), 3)
    owner = db.session.scalar(select(Sentra).where(Sentra.id == sentra.id)).memberships[0].user
    reply_to_review(review, sentra, owner, "Terima kasih, kami perbaiki.")
    db.session.commit()
    with pytest.raises(AlreadyRepliedError):
        reply_to_review(review, sentra, owner, "Balasan kedua")
    db.session.rollback()
    review = db.session.get(Review, review.id)
    assert review.reply == "Terima kasih, kami perbaiki." and review.replied_by_id == owner.id
    assert review.replied_at is not None


def test_another_sentra_cannot_reply(product):
    review = review_of(delivered_order(make_user(), product.variants[0]), 3)
    other = make_sentra("32.75.01.1001")
    with pytest.raises(ReviewNotFoundError):
        reply_to_review(review, other, make_user(), "Bukan sentra kami")


def test_an_empty_reply_is_refused(sentra, product):
    review = review_of(delivered_order(make_user(), product.variants[0]), 3)
    with pytest.raises(InvalidReviewError):
        reply_to_review(review, sentra, make_user(), "   ")


def test_a_new_rating_reaches_the_search_document_in_the_same_transaction(product):
    review_of(delivered_order(make_user(), product.variants[0]), 4)
    db.session.expire_all()
    assert db.session.get(SearchDocument, product.id).rating == 4.0


def test_search_rating_sort_orders_by_the_products_average(sentra):
    low, high, none = (make_product(sentra, title=f"Kerajinan {name}", variants=[
        {"sku": f"K-{name}", "price_idr": 10_000, "stock": 10}]) for name in ("Rendah", "Tinggi", "Kosong"))
    review_of(delivered_order(make_user(), low.variants[0]), 2)
    review_of(delivered_order(make_user(), high.variants[0]), 5)
    review_of(delivered_order(make_user(), high.variants[0]), 4)
    hits = search_api.search(SearchQuery(text="kerajinan", sort=Sort.RATING, per_page=10)).hits
    assert [h.product_id for h in hits] == [high.id, low.id, none.id]
