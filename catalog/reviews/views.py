"""The sentra's reviews at /kelola/<sentra_slug>/ulasan: the list, newest first, and one reply per review.

Every view uses :func:`sentra_required` (any member may reply for the sentra); reviews are
loaded by (sentra, id), so another sentra's review is a 404.
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from catalog.reviews import services
from catalog.reviews.forms import ReplyForm
from catalog.reviews.services import AlreadyRepliedError, InvalidReviewError, ReviewNotFoundError
from shop.extensions import db
from shop.i18n import rating
from shop.sentras.access import sentra_required
from shop.storage import get_storage

bp = Blueprint("reviews", __name__, url_prefix="/kelola/<sentra_slug>/ulasan")

PER_PAGE = 20


def _page() -> int:
    page = request.args.get("page", "1")
    return int(page) if page.isdigit() and 0 < int(page) < 100_000 else 1


def _reply_form(review_id: int, submitted: bool = False) -> ReplyForm:
    """One form per review on the page: the prefix keeps the fields' ids apart."""
    if submitted:
        return ReplyForm(prefix=f"review-{review_id}")
    return ReplyForm(formdata=None, prefix=f"review-{review_id}")


def _render(page: int, form: ReplyForm | None = None, form_review_id: int | None = None, status: int = 200):
    reviews = services.sentra_reviews(g.sentra, page, PER_PAGE)
    storage = get_storage()
    forms = {r.id: _reply_form(r.id) for r in reviews.items if r.reply is None}
    if form is not None and form_review_id in forms:
        forms[form_review_id] = form
    return render_template(
        "catalog/reviews/sentra_list.html", sentra=g.sentra, reviews=reviews,
        photo_urls={r.id: storage.url(r.photo_key) for r in reviews.items if r.photo_key}, forms=forms,
        rating_text=rating(g.sentra.rating_avg or 0.0),
    ), status


@bp.get("")
@sentra_required()
def sentra_list(sentra_slug: str):
    """The reviews of the sentra's products, newest first, 20 a page, with a reply form where none yet."""
    return _render(_page())


@bp.post("/<int:review_id>/balas")
@sentra_required()
def reply(sentra_slug: str, review_id: int):
    """Reply once to a review. :raise 404: no such review of this sentra."""
    try:
        review = services.load_sentra_review(g.sentra, review_id)
    except ReviewNotFoundError:
        abort(404)
    form = _reply_form(review_id, submitted=True)
    if not form.validate_on_submit():
        return _render(_page(), form, review_id, 400)
    try:
        services.reply_to_review(review, g.sentra, current_user, form.reply.data)
    except InvalidReviewError as error:
        db.session.rollback()
        form.reply.errors = [error.message]
        return _render(_page(), form, review_id, 400)
    except AlreadyRepliedError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return _render(_page(), status=409)
    db.session.commit()
    flash(_("Your reply is published."), "success")
    return redirect(url_for("reviews.sentra_list", sentra_slug=g.sentra.slug, page=_page(), _anchor=f"review-{review_id}"))
