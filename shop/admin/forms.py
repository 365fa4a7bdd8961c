"""Forms of the program office area."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import MultipleFileField
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from shop.forms import PageForm
from shop.sentras.forms import MultiCheckboxField


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


class SurveyForm(PageForm):
    """The office's field survey of one kelurahan (issue 22): four texts, subsectors and photos."""

    raw_materials = TextAreaField(
        _l("Local raw materials"), filters=[_strip], validators=[Length(max=2000)],
        description=_l("What grows, is made or thrown away here that makers could use: bamboo, batik cloth, "
                       "used sacks, fruit."))
    artisans = TextAreaField(
        _l("Artisans and workshops"), filters=[_strip], validators=[Length(max=2000)],
        description=_l("Who already makes things here, how many, and what they make."))
    cultural_assets = TextAreaField(
        _l("Culture and traditions"), filters=[_strip], validators=[Length(max=2000)],
        description=_l("Arts, food, crafts, festivals and places the kelurahan is known for."))
    notes = TextAreaField(_l("Notes"), filters=[_strip], validators=[Length(max=2000)])
    subsectors = MultiCheckboxField(_l("Promising subsectors"))
    photos = MultipleFileField(
        _l("Photos"), description=_l("Up to 6 photos per save (JPEG, PNG or WebP, at most 10 MB each). "
                                     "Only the program office sees them."))
