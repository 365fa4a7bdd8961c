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
from wtforms.validators import DataRequired, Email, Length, Optional

from orders.mentoring.models import SlotMode
from shop.forms import PageForm
from shop.sentras.forms import MultiCheckboxField


class MentorForm(PageForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    email = StringField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)])
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
