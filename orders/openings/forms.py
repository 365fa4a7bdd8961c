"""Forms of the openings pages (each posted form carries a CSRF token)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    DateField,
    DateTimeLocalField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

from orders.openings.applications import MAX_NOTE, MAX_URL
from orders.openings.services import MAX_TEXT, MAX_TITLE
from shop.forms import PageForm
from shop.sentras.forms import MultiCheckboxField


class OpeningForm(PageForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=MAX_TITLE)])
    role = SelectField(_l("Role"), validators=[DataRequired()])
    description = TextAreaField(_l("What the work is"), validators=[Optional(), Length(max=MAX_TEXT)])
    skills = StringField(_l("Skills wanted (separate them with commas)"), validators=[Optional(), Length(max=700)])
    positions = IntegerField(_l("How many people"), default=1, validators=[DataRequired(_l("Enter a number."))])
    hours = RadioField(_l("Working hours"))
    pay = RadioField(_l("How members are paid"))
    closes_on = DateField(_l("Last day to apply"), validators=[DataRequired(_l("Give the last day to apply."))])


class ApplicationForm(PageForm):
    motivation = TextAreaField(_l("Why do you want to join?"), validators=[Optional(), Length(max=MAX_TEXT)])
    skills = MultiCheckboxField(_l("Your skills"), validate_choice=False)
    other_skills = StringField(_l("Other skills (separate them with commas)"), validators=[Optional(),
                                                                                         Length(max=700)])
    birth_year = IntegerField(_l("Birth year"), validators=[DataRequired(_l("Enter a year, e.g. 2004."))])
    kelurahan_code = SelectField(_l("Kelurahan where you live"), validators=[Optional()])
    phone = StringField(_l("WhatsApp number"), validators=[Optional(), Length(max=30)])
    portfolio_photo = FileField(_l("A photo of your work (optional)"), render_kw={"accept": "image/*"})
    portfolio_url = StringField(_l("Or a link to your work (optional)"), validators=[Optional(), Length(max=MAX_URL)])


class DecisionForm(PageForm):
    decision = RadioField(_l("Decision"), validators=[DataRequired(_l("Choose a decision."))])
    trial_at = DateTimeLocalField(_l("Trial day (WIB)"), format="%Y-%m-%dT%H:%M", validators=[Optional()])
    note = TextAreaField(_l("Message to the applicant"), validators=[Optional(), Length(max=MAX_NOTE)])

