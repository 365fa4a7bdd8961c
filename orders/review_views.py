"""The buyer reviews what they received: /orders/<number>/ulasan (a form per line not yet reviewed).

Orders are loaded by (buyer, number): another buyer's order is a 404, and so is a line
that is not in the order. An order not yet delivered answers with a message (409 on POST).
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from catalog.images import MAX_BYTES
from catalog.reviews.forms import ReviewForm
from catalog.reviews.services import DuplicateReviewError, InvalidReviewError
from orders import review_services, services
from orders.core.errors import OrderNotFoundError
from orders.core.models import Order
from orders.review_services import NotDeliveredError
from shop.extensions import db
from shop.storage import StorageError, get_storage

bp = Blueprint("order_reviews", __name__)


def _load(number: str) -> Order:
    try:
        return services.load_buyer_order(current_user, number)
    except OrderNotFoundError:
        abort(404)


def _form(line_id: int, submitted: bool = False) -> ReviewForm:
    """One form per line: the prefix keeps the fields' ids apart on the page."""
    if submitted:
        return ReviewForm(prefix=f"line-{line_id}")
    return ReviewForm(formdata=None, prefix=f"line-{line_id}")


def _render(order: Order, form: ReviewForm | None = None, form_line_id: int | None = None, status: int = 200):
    reviews = review_services.reviews_by_line(order)
    forms = {line.id: _form(line.id) for line in order.lines if line.id not in reviews and line.product_id}
    if form is not None and form_line_id in forms:
        forms[form_line_id] = form
    storage = get_storage()
    return render_template(
        "orders/reviews/order.html", order=order, reviews=reviews, forms=forms,
        may_review=review_services.may_review(order),
        photo_urls={r.id: storage.url(r.photo_key) for r in reviews.values() if r.photo_key},
    ), status


@bp.get("/orders/<number>/ulasan")
@login_required
def order_reviews(number: str):
    """Rate each product of a delivered or completed order. :raise 404: not the buyer's order."""
    return _render(_load(number))


@bp.post("/orders/<number>/ulasan/<int:line_id>")
@login_required
def create(number: str, line_id: int):
    """Review one line. :raise 404: not the buyer's order, or the line is not in it. 409: not delivered, or reviewed."""
    order = _load(number)
    if not any(line.id == line_id for line in order.lines):
        abort(404)
    form = _form(line_id, submitted=True)
    if not form.validate_on_submit():
        return _render(order, form, line_id, 400)
    # One byte over the limit is enough to refuse it: a 90 MB upload is not read whole.
    photo = form.photo.data.read(MAX_BYTES + 1) if form.photo.data else None
    try:
        review_services.review_order_line(order, line_id, current_user, form.rating.data, form.text.data, photo)
    except OrderNotFoundError:
        db.session.rollback()
        abort(404)
    except NotDeliveredError:
        db.session.rollback()
        flash(_("You can review the products once the order is delivered."), "error")
        return _render(order, status=409)
    except DuplicateReviewError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return _render(order, status=409)
    except InvalidReviewError as error:
        db.session.rollback()
        getattr(form, error.field, form.text).errors = [error.message]
        return _render(order, form, line_id, 400)
    except StorageError:
        db.session.rollback()
        flash(_("The photo could not be stored right now. Try again, or send the review without it."), "error")
        return _render(order, form, line_id, 503)
    db.session.commit()
    flash(_("Thank you! Your review is published."), "success")
    return redirect(url_for("order_reviews.order_reviews", number=order.number))
