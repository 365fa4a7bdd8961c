"""Forms of the order pages (each carries a CSRF token)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from orders.services import REASON_MAX, REASON_MIN
from shop.forms import PageForm

REASON_LENGTH = _l("Write %(min)s to %(max)s characters.", min=REASON_MIN, max=REASON_MAX)


class BuyerCancelForm(PageForm):
    reason = TextAreaField(_l("Why are you cancelling? (optional)"),
                           validators=[Optional(), Length(REASON_MIN, REASON_MAX, REASON_LENGTH)])


class SentraCancelForm(PageForm):
    reason = TextAreaField(_l("Reason for the buyer"),
                           validators=[DataRequired(_l("Tell the buyer why the order is cancelled.")),
                                       Length(REASON_MIN, REASON_MAX, REASON_LENGTH)],
                           description=_l("The buyer reads this in the cancellation email."))


class AcceptForm(PageForm):
    """Only the CSRF token: accepting takes no input."""


class ReceivedForm(PageForm):
    """Only the CSRF token: the buyer confirms an order arrived."""
