"""Forms of the review pages (each carries a CSRF token)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import RadioField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from catalog.reviews.services import MAX_REASON, MAX_REPLY, MAX_TEXT
from shop.forms import PageForm


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


class ReviewForm(PageForm):
    """A buyer's review of one bought item."""

    rating = RadioField(
        _l("Your rating"),
        choices=[(5, _l("5 stars")), (4, _l("4 stars")), (3, _l("3 stars")), (2, _l("2 stars")), (1, _l("1 star"))],
        coerce=int,
        validators=[InputRequired(_l("Choose from 1 to 5 stars."))],
    )
    text = TextAreaField(_l("Your review (optional)"), filters=[_strip],
                         validators=[Length(max=MAX_TEXT)])
    photo = FileField(_l("Photo (optional)"), description=_l("JPEG, PNG or WebP, at most 10 MB."),
                      render_kw={"accept": "image/*"})  # phones offer the camera and the gallery


class ReplyForm(PageForm):
    """The sentra's one public reply to a review."""

    reply = TextAreaField(
        _l("Your reply"), filters=[_strip],
        validators=[DataRequired(_l("Write your reply first.")), Length(max=MAX_REPLY)],
        description=_l("Shown under the review on the product page. You can reply only once."),
    )


class HideReviewForm(PageForm):
    reason = TextAreaField(
        _l("Reason"), filters=[_strip],
        validators=[DataRequired(_l("Give a reason; the sentra may ask why.")), Length(max=MAX_REASON)],
    )


class UnhideReviewForm(PageForm):
    """Only the CSRF token."""
