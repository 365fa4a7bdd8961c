"""Public reviews in the JSON API: ``GET /api/v1/products/<id>/reviews`` (registered on shop.api's blueprint)."""
from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field
from sqlalchemy import select
from typing_extensions import TypedDict

from catalog.products.models import Product, ProductStatus
from catalog.reviews.queries import ReviewView, product_reviews
from shop.api import bp
from shop.api.operations import ERROR_DESCRIPTION, operation
from shop.api.paging import list_envelope, page_params
from shop.api.schemas import PAGE_PARAMS, When, described
from shop.errors import api_error
from shop.extensions import db
from shop.sentras.models import Sentra, SentraStatus
from shop.storage import get_storage


def review_json(review: ReviewView, storage: Any) -> dict[str, Any]:
    """The documented Review shape: the author by first name only."""
    return {
        "id": review.id,
        "rating": review.rating,
        "text": review.text,
        "author": review.author_first_name,
        "photo_url": storage.url(review.photo_key) if review.photo_key else None,
        "created_at": review.created_at.isoformat(),
        "reply": review.reply,
        "replied_at": review.replied_at.isoformat() if review.replied_at else None,
    }


class Review(TypedDict):
    id: int
    rating: Annotated[int, Field(ge=1, le=5)]
    text: str
    author: described(str, "The buyer's first name only")
    photo_url: str | None
    created_at: When
    reply: described(str | None, "The sentra's one reply")
    replied_at: When | None


class ReviewList(TypedDict):
    items: list[Review]
    total: int
    page: int
    per_page: int


@bp.get("/products/<int:product_id>/reviews")
@operation("A public product's visible reviews, newest first (hidden reviews are left out)", params=PAGE_PARAMS,
           responses={200: (ReviewList, "A page of reviews"), 400: ERROR_DESCRIPTION, 404: ERROR_DESCRIPTION})
def list_product_reviews(product_id: int):
    """A page of a public product's visible reviews, newest first. :raise 404: not a public product."""
    page, per_page = page_params()
    count = db.session.scalar(
        select(Product.rating_count)
        .join(Sentra, Sentra.id == Product.sentra_id)
        .where(Product.id == product_id, Product.status == ProductStatus.ACTIVE, Sentra.status == SentraStatus.ACTIVE)
    )
    if count is None:
        return api_error(404, "not_found", "No public product with this id.")
    reviews = product_reviews(product_id, count, page, per_page)
    storage = get_storage()
    return list_envelope([review_json(r, storage) for r in reviews.items], reviews.total, page, per_page)
