"""Reviews: a buyer's rating of a product they received, the sentra's one reply, the office's hiding.

The catalog never imports orders: the caller (``orders.review_services``) checks that the
order line is the buyer's and was delivered, and passes its id, product and sentra here.

Aggregates: ``Product.rating_avg/rating_count`` and ``Sentra.rating_avg/rating_count``
are recomputed from the VISIBLE reviews in the same transaction as every change that
moves them (a new review, hiding, unhiding). The sentra's row is locked first, so two
reviews of one sentra's products committing at the same time cannot both miss the other.
A product's new rating reaches search through the indexing hook (the product is dirty at
flush); the sentra's columns are written with an UPDATE statement so the hook does not
reindex every product of the sentra for a number no search document holds.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from catalog.images import InvalidImageError, process_photo
from catalog.products.models import Product
from catalog.reviews.models import Review
from shop import storage
from shop.accounts.models import User
from shop.db import utcnow
from shop.extensions import db
from shop.sentras.models import Sentra

MAX_TEXT = 2000
MAX_REPLY = 2000
MAX_REASON = 500
PHOTO_PREFIX = "reviews"


class ReviewError(Exception):
    """Base class: ``code`` is the API's error code, ``status`` its HTTP status, ``message`` for people."""

    code = "review_error"
    status = 422
    message = _l("The review could not be saved.")


class InvalidReviewError(ReviewError):
    """A field breaks a rule; ``field`` names it (rating, text, photo, reply, reason)."""

    code = "invalid_review"
    status = 422

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class DuplicateReviewError(ReviewError):
    code = "duplicate_review"
    status = 409
    message = _l("You have already reviewed this item.")


class AlreadyRepliedError(ReviewError):
    code = "already_replied"
    status = 409
    message = _l("The sentra has already replied to this review; a reply cannot be changed.")


class ReviewNotFoundError(ReviewError, LookupError):
    code = "not_found"
    status = 404
    message = _l("No such review.")


# --- validation ----------------------------------------------------------------------------------


def _check_rating(rating: object) -> int:
    if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
        raise InvalidReviewError("rating", _l("Choose from 1 to 5 stars."))
    return rating


def _check_text(field: str, text: str | None, limit: int, *, required: bool = False) -> str:
    text = (text or "").strip()
    if required and not text:
        raise InvalidReviewError(field, _l("Write something first."))
    if len(text) > limit:
        raise InvalidReviewError(field, _l("Write at most %(num)d characters.", num=limit))
    return text


def _store_photo(data: bytes) -> str:
    """Re-encode the upload (EXIF stripped, size limits) and save one WebP of at most 960 px wide."""
    try:
        photo = process_photo(data)
    except InvalidImageError as error:
        raise InvalidReviewError("photo", error.message) from None
    key = storage.new_key(PHOTO_PREFIX, "webp")
    storage.get_storage().save(key, photo.w960, "image/webp")
    return key


# --- aggregates ------------------------------------------------------------------------------------


def _lock_sentra(sentra_id: int) -> None:
    db.session.execute(select(Sentra.id).where(Sentra.id == sentra_id).with_for_update())


def _average(where) -> tuple[float, int]:
    avg, count = db.session.execute(
        select(func.avg(Review.rating), func.count(Review.id)).where(where, Review.hidden_at.is_(None))
    ).one()
    return (round(float(avg), 2) if count else 0.0), int(count)


def recompute_ratings(product_id: int, sentra_id: int) -> None:
    """Set the product's and the sentra's average and count from their visible reviews. Flushes.

    Callers lock the sentra first (every service here does). The product change
    reindexes it for search at this flush.
    """
    db.session.flush()
    product_avg, product_count = _average(Review.product_id == product_id)
    product = db.session.get(Product, product_id)
    if product is not None:
        product.rating_avg, product.rating_count = product_avg, product_count
    sentra_avg, sentra_count = _average(Review.sentra_id == sentra_id)
    db.session.execute(
        update(Sentra).where(Sentra.id == sentra_id).values(rating_avg=sentra_avg, rating_count=sentra_count)
    )
    db.session.flush()


# --- services --------------------------------------------------------------------------------------


def create_review(order_line_id: int, product_id: int, sentra_id: int, author: User, rating: int,
                  text: str | None, photo_bytes: bytes | None = None) -> Review:
    """Record ``author``'s review of a bought order line and update the ratings. Locks the sentra; flushes.

    The caller has checked that the line is the author's and was delivered.
    A stored photo is deleted again if the transaction rolls back.

    :raise InvalidReviewError: rating not an int from 1 to 5, text over 2000 characters,
        or a photo that is not accepted.
    :raise DuplicateReviewError: the line already has a review (also when two submits race).
    """
    rating = _check_rating(rating)
    text = _check_text("text", text, MAX_TEXT)
    _lock_sentra(sentra_id)
    if db.session.scalar(select(Review.id).where(Review.order_line_id == order_line_id)) is not None:
        raise DuplicateReviewError()
    photo_key = _store_photo(photo_bytes) if photo_bytes else None
    session = db.session()
    if photo_key:
        storage.delete_on_rollback(session, [photo_key])
    review = Review(order_line_id=order_line_id, product_id=product_id, sentra_id=sentra_id,
                    author_id=author.id, rating=rating, text=text, photo_key=photo_key)
    try:
        with session.begin_nested():  # a racing review of the same line loses here, not at commit
            session.add(review)
    except IntegrityError:
        if photo_key:
            storage.forget_saved(session, [photo_key])
            storage.delete_quietly([photo_key])
        raise DuplicateReviewError() from None
    recompute_ratings(product_id, sentra_id)
    return review


def load_sentra_review(sentra: Sentra, review_id: int) -> Review:
    """The review ``review_id`` of ``sentra``'s products. Reads only.

    :raise ReviewNotFoundError: no such review of this sentra (another sentra's is not found).
    """
    review = db.session.scalar(select(Review).where(Review.sentra_id == sentra.id, Review.id == review_id))
    if review is None:
        raise ReviewNotFoundError(review_id)
    return review


def load_review(review_id: int) -> Review:
    """Any review, for the program office. :raise ReviewNotFoundError:"""
    review = db.session.get(Review, review_id)
    if review is None:
        raise ReviewNotFoundError(review_id)
    return review


def sentra_reviews(sentra: Sentra, page: int, per_page: int):
    """A page of the reviews of ``sentra``'s products, newest first, with product and author. Reads only."""
    query = (
        select(Review).where(Review.sentra_id == sentra.id)
        .options(joinedload(Review.product), joinedload(Review.author))
        .order_by(Review.created_at.desc(), Review.id.desc())
    )
    return db.paginate(query, page=page, per_page=per_page, error_out=False, count=True)


def reply_to_review(review: Review, sentra: Sentra, actor: User, text: str | None) -> Review:
    """The sentra's public answer to a review, once. Locks the review; flushes.

    :raise ReviewNotFoundError: the review is not of ``sentra``'s products.
    :raise InvalidReviewError: empty reply or over 2000 characters (``field`` is ``reply``).
    :raise AlreadyRepliedError: the review has a reply already (also when two replies race).
    """
    if review.sentra_id != sentra.id:
        raise ReviewNotFoundError(review.id)
    text = _check_text("reply", text, MAX_REPLY, required=True)
    locked = db.session.scalar(
        select(Review).where(Review.id == review.id).with_for_update().execution_options(populate_existing=True)
    )
    if locked is None:
        raise ReviewNotFoundError(review.id)
    if locked.reply is not None:
        raise AlreadyRepliedError()
    locked.reply = text
    locked.replied_at = utcnow()
    locked.replied_by_id = actor.id
    db.session.flush()
    return locked


def hide_review(review: Review, admin: User, reason: str | None) -> Review:
    """Hide a review from every public page and leave it out of the ratings. Locks the sentra; flushes.

    Hiding a hidden review changes nothing.

    :raise InvalidReviewError: no reason, or one over 500 characters (``field`` is ``reason``).
    """
    reason = _check_text("reason", reason, MAX_REASON, required=True)
    _lock_sentra(review.sentra_id)
    db.session.refresh(review)
    if review.hidden_at is not None:
        return review
    review.hidden_at = utcnow()
    review.hidden_by_id = admin.id
    review.hidden_reason = reason
    recompute_ratings(review.product_id, review.sentra_id)
    return review


def unhide_review(review: Review, admin: User) -> Review:
    """Show a hidden review again and count it in the ratings. Locks the sentra; flushes.

    Unhiding a visible review changes nothing.
    """
    _lock_sentra(review.sentra_id)
    db.session.refresh(review)
    if review.hidden_at is None:
        return review
    review.hidden_at = None
    review.hidden_by_id = None
    review.hidden_reason = None
    recompute_ratings(review.product_id, review.sentra_id)
    return review


__all__ = [
    "AlreadyRepliedError", "DuplicateReviewError", "InvalidReviewError", "ReviewError", "ReviewNotFoundError",
    "create_review", "hide_review", "load_review", "load_sentra_review", "recompute_ratings", "reply_to_review",
    "sentra_reviews", "unhide_review",
]
