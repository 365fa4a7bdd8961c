"""The program office's reviews at /admin/ulasan (routes on the admin blueprint).

Every review, newest first (``?tab=hidden`` for the hidden ones); hiding asks for a
confirmation with a reason, and both hiding and unhiding recompute the product's and the
sentra's ratings through ``catalog.reviews.services``.
"""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from catalog.reviews.forms import HideReviewForm, UnhideReviewForm
from catalog.reviews.models import Review
from catalog.reviews.services import (
    InvalidReviewError,
    ReviewNotFoundError,
    hide_review,
    load_review,
    unhide_review,
)
from shop.admin.access import admin_required
from shop.admin.views import bp
from shop.audit.services import record
from shop.extensions import db
from shop.storage import get_storage

PER_PAGE = 30
TABS = ("all", "hidden")


def _page() -> int:
    return max(request.args.get("page", 1, type=int) or 1, 1)


def _review_or_404(review_id: int) -> Review:
    try:
        return load_review(review_id)
    except ReviewNotFoundError:
        abort(404)


@bp.get("/ulasan")
@admin_required
def reviews():
    """Every review, newest first, 30 a page; ``?tab=hidden`` only the hidden ones."""
    tab = request.args.get("tab") if request.args.get("tab") in TABS else "all"
    query = (
        select(Review)
        .options(joinedload(Review.product), joinedload(Review.author))
        .order_by(Review.created_at.desc(), Review.id.desc())
    )
    if tab == "hidden":
        query = query.where(Review.hidden_at.is_not(None))
    page_obj = db.paginate(query, page=_page(), per_page=PER_PAGE, error_out=False, count=True)
    storage = get_storage()
    return render_template(
        "shop/admin/reviews.html", tab=tab, page_obj=page_obj, unhide_form=UnhideReviewForm(formdata=None),
        photo_urls={r.id: storage.url(r.photo_key) for r in page_obj.items if r.photo_key},
    )


def _render_hide(review: Review, form: HideReviewForm, status: int = 200):
    photo_url = get_storage().url(review.photo_key) if review.photo_key else None
    return render_template("shop/admin/reviews_hide.html", review=review, form=form, photo_url=photo_url), status


@bp.get("/ulasan/<int:review_id>/sembunyikan")
@admin_required
def review_hide_confirm(review_id: int):
    """Ask before hiding a review, with the reason. :raise 404:"""
    return _render_hide(_review_or_404(review_id), HideReviewForm(formdata=None))


@bp.post("/ulasan/<int:review_id>/sembunyikan")
@admin_required
def review_hide(review_id: int):
    """Hide a review from the public pages and the ratings. :raise 404:"""
    review = _review_or_404(review_id)
    form = HideReviewForm()
    if not form.validate_on_submit():
        return _render_hide(review, form, 400)
    try:
        hide_review(review, current_user, form.reason.data)
    except InvalidReviewError as error:
        db.session.rollback()
        form.reason.errors = [error.message]
        return _render_hide(review, form, 400)
    record(current_user, "review.hide", "review", review.id, f"review {review.id}: hidden ({form.reason.data})")
    db.session.commit()
    flash(_("The review is hidden."), "success")
    return redirect(url_for("admin.reviews"))


@bp.post("/ulasan/<int:review_id>/tampilkan")
@admin_required
def review_unhide(review_id: int):
    """Show a hidden review again. :raise 404:"""
    review = _review_or_404(review_id)
    if not UnhideReviewForm().validate_on_submit():
        abort(400)
    unhide_review(review, current_user)
    record(current_user, "review.show", "review", review.id, f"review {review.id}: shown again")
    db.session.commit()
    flash(_("The review is shown again."), "success")
    return redirect(url_for("admin.reviews", tab="hidden"))
