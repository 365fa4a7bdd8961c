"""Forms for problems after delivery and for the tracking lookup (each POST form carries a CSRF token)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from orders.shipping.problems import (
    DESCRIPTION_MAX,
    DESCRIPTION_MIN,
    NOTE_MAX,
    REPLY_MAX,
    REPLY_MIN,
)
from shop.forms import PageForm


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


class RaiseProblemForm(PageForm):
    kind = RadioField(
        _l("What went wrong?"),
        choices=[("not_received", _l("I did not receive it")), ("damaged", _l("It arrived damaged")),
                 ("wrong_item", _l("I got the wrong item"))],
        validators=[InputRequired(_l("Choose what went wrong."))],
    )
    description = TextAreaField(
        _l("Describe the problem"), filters=[_strip],
        validators=[DataRequired(_l("Describe the problem.")),
                    Length(DESCRIPTION_MIN, DESCRIPTION_MAX,
                           _l("Write %(min)s to %(max)s characters.", min=DESCRIPTION_MIN, max=DESCRIPTION_MAX))],
        description=_l("The sentra and the program office read this."),
    )


class DisputeDeliveryForm(PageForm):
    description = TextAreaField(
        _l("What happened?"), filters=[_strip],
        validators=[DataRequired(_l("Describe what happened.")),
                    Length(DESCRIPTION_MIN, DESCRIPTION_MAX,
                           _l("Write %(min)s to %(max)s characters.", min=DESCRIPTION_MIN, max=DESCRIPTION_MAX))],
        description=_l("E.g. nobody at this address received a parcel."),
    )


class AnswerProblemForm(PageForm):
    reply = TextAreaField(
        _l("Your answer to the buyer"), filters=[_strip],
        validators=[DataRequired(_l("Write your answer.")),
                    Length(REPLY_MIN, REPLY_MAX, _l("Write %(min)s to %(max)s characters.", min=REPLY_MIN,
                                                    max=REPLY_MAX))],
        description=_l("You can answer once. The buyer and the program office read it."),
    )


class SettleProblemForm(PageForm):
    outcome = RadioField(
        _l("Settle with"),
        choices=[("refund", _l("A refund of what the buyer paid")), ("close", _l("A close (no refund)"))],
        validators=[InputRequired(_l("Choose refund or close."))],
    )
    note = TextAreaField(_l("Note for the buyer (optional)"), filters=[_strip],
                         validators=[Optional(), Length(max=NOTE_MAX)])
    confirm = BooleanField(_l("I have read both sides and confirm; this cannot be undone"),
                           validators=[DataRequired(_l("Tick the box to confirm."))])


class TrackLookupForm(PageForm):
    """A GET form (no CSRF: it only reads)."""

    class Meta:
        csrf = False

    number = StringField(_l("Order number"), filters=[_strip], validators=[DataRequired(), Length(max=40)])
    code = StringField(_l("Tracking code"), filters=[_strip], validators=[DataRequired(), Length(max=40)])
