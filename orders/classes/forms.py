"""Forms of the classes pages (each posted form carries a CSRF token)."""
from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import TypeVar

from flask import flash
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    FieldList,
    FormField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from orders.classes.errors import ClassError
from orders.classes.models import Audience
from orders.classes.services import MAX_CAPACITY, MAX_SESSIONS, MAX_TEXT, MAX_TITLE
from orders.core.errors import OrderError
from shop.forms import PageForm, SubForm
from shop.money import RupiahField

F = TypeVar("F", bound=PageForm)

AUDIENCE_CHOICES = [(Audience.PUBLIC.value, _l("Anyone may book")),
                    (Audience.YOUTH.value, _l("Youth of Kota Bekasi (free skill training)"))]
SESSION_ROWS = 3  # rows shown on a new class; "add a session" adds one more


class SessionForm(SubForm):
    day = DateField(_l("Day"), validators=[Optional()])
    starts = TimeField(_l("Starts (WIB)"), validators=[Optional()])
    ends = TimeField(_l("Ends (WIB)"), validators=[Optional()])


class ClassForm(PageForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=MAX_TITLE)])
    description = TextAreaField(_l("What participants learn"), validators=[Optional(), Length(max=MAX_TEXT)])
    subsector_code = SelectField(_l("Subsector"), validators=[DataRequired()])
    sessions = FieldList(FormField(SessionForm), min_entries=1, max_entries=MAX_SESSIONS)
    capacity = IntegerField(_l("Seats"), validators=[DataRequired(), NumberRange(1, MAX_CAPACITY)])
    price_idr = RupiahField(_l("Price per seat (0 = free)"), validators=[Optional()])
    audience = RadioField(_l("Who may book"), choices=AUDIENCE_CHOICES, default=Audience.PUBLIC.value)
    location = StringField(_l("Place (empty: the sentra's address)"), validators=[Optional(), Length(max=255)])
    bring = TextAreaField(_l("What to bring"), validators=[Optional(), Length(max=MAX_TEXT)])
    trainer = StringField(_l("Trainer: a member's email or a guest's name"), validators=[Optional(),
                                                                                         Length(max=MAX_TITLE)])
    cancel_hours = IntegerField(_l("Buyers may cancel until this many hours before"), default=24,
                                validators=[Optional(), NumberRange(0, 24 * 30)])


class CancelClassForm(PageForm):
    reason = TextAreaField(_l("Reason, told to everyone who booked"), validators=[Optional(), Length(max=500)])


class BookingForm(PageForm):
    key = StringField(validators=[DataRequired(), Length(max=100)])  # hidden: a repeat submit books once
    seats = IntegerField(_l("Seats"), default=1, validators=[DataRequired(_l("Enter how many seats."))])
    birth_year = IntegerField(_l("Birth year"), validators=[Optional()])
    kelurahan_code = SelectField(_l("Your kelurahan"), validators=[Optional()])
    payment_method = RadioField(_l("Payment"), validators=[Optional()])


def method_labels() -> dict[str, str]:
    """How the payment methods of a booking read on its form."""
    return {"stripe_card": _("Card"), "bank_transfer": _("Bank transfer"),
            "pay_on_pickup": _("Pay at the sentra (cash or QRIS)")}


def offer_methods(form: F, methods: list[str]) -> F:
    """A booking form (a class's seats, a facility's hours) offering ``methods`` (the first chosen unless
    one was posted) and carrying the hidden idempotency key that makes a repeat submit book once."""
    labels = method_labels()
    form.payment_method.choices = [(name, labels.get(name, name)) for name in methods]
    if methods and not form.payment_method.data:
        form.payment_method.data = methods[0]
    if not form.key.data:
        form.key.data = secrets.token_urlsafe(16)
    return form


def show_errors(form: PageForm, error: ClassError | OrderError, aliases: Mapping[str, str] | None = None) -> None:
    """Put a domain error's field messages (its ``fields``: classes, facilities, openings, mentoring) on
    ``form``'s fields (``aliases``: the service's field name -> the form's); flash its ``message`` when none
    fits."""
    placed = False
    for name, message in error.fields.items():
        target = (aliases or {}).get(name, name)
        if target in form._fields and target != "csrf_token":
            form[target].errors = [*form[target].errors, message]
            placed = True
    if not placed:
        flash(error.message, "error")


class CheckInForm(PageForm):
    code = StringField(_l("Attendance code"), validators=[DataRequired(_l("Enter the code the participant shows.")),
                                                          Length(max=20)])


class ActionForm(PageForm):
    """A button that changes something (check in from the list, cancel a booking): only its CSRF token."""
