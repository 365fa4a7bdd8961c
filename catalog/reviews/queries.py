"""Reviews as the product page and the API show them: visible ones, the author by first name."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, func, select

from catalog.reviews.models import Review
from shop.accounts.models import User
from shop.database import prebuilt_rows
from shop.paging import Page
from shop.records import quick_init

REVIEWS_PER_PAGE = 10


@quick_init
@dataclass(frozen=True)
class ReviewView:
    """A visible review as the product page shows it: the author by first name only."""

    id: int
    rating: int
    text: str
    photo_key: str | None
    author_first_name: str
    created_at: Any
    reply: str | None
    replied_at: Any


_REVIEWS = (
    select(
        Review.id, Review.rating, Review.text, Review.photo_key, Review.created_at, Review.reply,
        Review.replied_at, User.name.label("author_name"), func.count().over().label("total"),
    )
    .outerjoin(User, User.id == Review.author_id)
    .where(Review.product_id == bindparam("product_id"), Review.hidden_at.is_(None))
    .order_by(Review.created_at.desc(), Review.id.desc())
    .limit(bindparam("limit"))
    .offset(bindparam("offset"))
)


def first_name(name: str | None) -> str:
    parts = (name or "").split()
    return parts[0] if parts else ""


def product_reviews(product_id: int, visible_count: int, page: int = 1, per_page: int = REVIEWS_PER_PAGE) -> Page:
    """A page of a product's visible reviews, newest first: one query, none when ``visible_count`` is 0.

    ``visible_count`` is the product's ``rating_count`` (kept with the reviews).
    """
    if not visible_count:
        return Page([], 0, page, per_page)
    rows = prebuilt_rows(_REVIEWS, product_id=product_id, limit=per_page, offset=(page - 1) * per_page)
    items = [
        ReviewView(row.id, row.rating, row.text or "", row.photo_key, first_name(row.author_name),
                   row.created_at, row.reply, row.replied_at)
        for row in rows
    ]
    # Past the last page the count comes from the product's own column (kept with the reviews).
    return Page(items, rows[0].total if rows else visible_count, page, per_page)
