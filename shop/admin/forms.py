"""Forms of the program office area."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from shop.forms import PageForm


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


class DecisionForm(PageForm):
    """A decision without a reason (approve, reactivate, verify): only the CSRF token."""


class ReasonForm(PageForm):
    """A decision the applicant must understand (reject, suspend)."""

    reason = TextAreaField(
        _l("Reason"),
        filters=[_strip],
        validators=[DataRequired(message=_l("Give a reason; the applicant will read it.")), Length(max=1000)],
        description=_l("Sent to the applicant by email and shown on their page."),
    )


class SynonymGroupForm(PageForm):
    """One group of search synonyms, comma separated."""

    words = TextAreaField(
        _l("Words that mean the same"),
        filters=[_strip],
        validators=[DataRequired(message=_l("Give at least two words.")), Length(max=500)],
        description=_l("Separated by commas, e.g. kripik, keripik. A search for one finds the others."),
    )
