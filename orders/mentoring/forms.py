"""Forms of the mentoring pages (each carries a CSRF token)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.fields import EmailField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from orders.mentoring.models import SlotMode
from shop.accounts.checks import is_valid_email, normalize_email
from shop.forms import PageForm
from shop.sentras.forms import MultiCheckboxField


def valid_email(form: PageForm, field: EmailField) -> None:
    field.data = normalize_email(field.data)
    if not is_valid_email(field.data):  # the same rule registration applies
        raise ValidationError(_l("Enter a valid email address, such as nama@contoh.id."))


class MentorForm(PageForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254), valid_email])
    headline = StringField(_l("Experience, e.g. accountant, lecturer, owner of a batik business"),
                           validators=[Optional(), Length(max=160)])
    contact = StringField(_l("How sentras reach them (WhatsApp, office hours)"), validators=[Optional(), Length(max=255)])
    topics = MultiCheckboxField(_l("Topics"), validators=[DataRequired(_l("Choose at least one topic."))])
    subsectors = MultiCheckboxField(_l("Subsectors"), validators=[Optional()])


class SlotForm(PageForm):
    day = DateField(_l("Day"), validators=[DataRequired(_l("Choose a day."))])
    starts = TimeField(_l("From (WIB)"), validators=[DataRequired(_l("Choose a time."))])
    ends = TimeField(_l("Until (WIB)"), validators=[DataRequired(_l("Choose a time."))])
    mode = RadioField(_l("Where"), default=SlotMode.ONLINE,
                      choices=[(SlotMode.ONLINE, _l("Online")), (SlotMode.PLACE, _l("At a place"))])
    link = StringField(_l("Meeting link (online)"), validators=[Optional(), Length(max=500)])
    place = StringField(_l("Place (address)"), validators=[Optional(), Length(max=255)])


class BookForm(PageForm):
    topic = SelectField(_l("Topic"), validators=[DataRequired(_l("Choose a topic."))])
    question = TextAreaField(_l("Your question"), validators=[DataRequired(_l("Write what you want to ask.")),
                                                             Length(max=2000)])


class NotesForm(PageForm):
    notes = TextAreaField(_l("Notes of the session"), validators=[DataRequired(_l("Write what you discussed.")),
                                                                  Length(max=10_000)])
    actions = TextAreaField(_l("Action items, one per line"), validators=[Optional(), Length(max=6000)])


class TickForm(PageForm):
    done = HiddenField(default="1")
