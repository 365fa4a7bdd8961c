"""Forms of the facilities pages (each carries a CSRF token)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, RadioField, StringField, TextAreaField, TimeField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from orders.facilities.services import MAX_UNITS
from shop.forms import PageForm
from shop.money import RupiahField


class FacilityForm(PageForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=5000)])
    hourly_price_idr = RupiahField(_l("Price per hour for residents and partners (0 = free)"),
                                   validators=[Optional()])
    units = IntegerField(_l("How many can be booked at once"), default=1,
                         validators=[DataRequired(), NumberRange(1, MAX_UNITS)])
    opening_hours = StringField(_l("Opening hours, e.g. 08:00-20:00 (empty: the sentra's hours)"),
                                validators=[Optional(), Length(max=20)])


class SlotForm(PageForm):
    key = StringField(validators=[DataRequired(), Length(max=100)])  # hidden: a repeat submit books once
    day = DateField(_l("Day"), validators=[DataRequired(_l("Choose a day."))])
    starts = TimeField(_l("From (WIB)"), validators=[DataRequired(_l("Choose a time."))])
    ends = TimeField(_l("Until (WIB)"), validators=[DataRequired(_l("Choose a time."))])
    payment_method = RadioField(_l("Payment"), validators=[Optional()])
    note = StringField(_l("Note"), validators=[Optional(), Length(max=255)])
