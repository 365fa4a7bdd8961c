"""Forms of the sentra's fulfilment panel and the courier's deliveries (each carries a CSRF token)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from orders.shipping.carriers import CARRIER_NAMES
from orders.shipping.models import TrackingStatus
from orders.shipping.timeline import CARRIER_NAME_MAX, NOTE_MAX, RECIPIENT_MAX, RECIPIENT_MIN
from shop.forms import PageForm

# Where to go back to after an action: the order's page (default) or the courier's list.
BACK_CHOICES = ("order", "deliveries")


class TrackingEventForm(PageForm):
    """One timeline step; the carrier and waybill matter for an external courier's handover."""

    status = HiddenField(validators=[DataRequired()])
    note = TextAreaField(_l("Note (a reason is required when the delivery failed)"),
                         validators=[Optional(), Length(max=NOTE_MAX)])
    carrier = SelectField(_l("Courier"), choices=[("", "—")] + list(CARRIER_NAMES.items()),
                          validators=[Optional()])
    carrier_name = StringField(_l("Courier name (for other)"), validators=[Optional(), Length(max=CARRIER_NAME_MAX)])
    waybill = StringField(_l("Waybill number"), validators=[Optional(), Length(max=80)])
    confirm = BooleanField(_l("Yes, the parcel came back to the sentra"))
    back = HiddenField()

    def validate_status(self, field) -> None:
        if field.data not in set(TrackingStatus):
            raise ValidationError(_l("Unknown step."))


class HandoverForm(PageForm):
    code = StringField(_l("Buyer's code"), validators=[DataRequired(_l("Enter the code the buyer gives you.")),
                                                       Length(max=20)])
    paid_with = RadioField(_l("Paid with"), choices=[("cash", _l("Cash")), ("qris", _l("QRIS"))],
                           validators=[Optional()])
    back = HiddenField()


class DeliverWithoutPinForm(PageForm):
    recipient_name = StringField(_l("Who received it"), validators=[
        DataRequired(_l("Write the name of the person who took the parcel.")),
        Length(RECIPIENT_MIN, RECIPIENT_MAX)])
    photo = FileField(_l("Photo of the delivered parcel"))
    back = HiddenField()


class AssignCourierForm(PageForm):
    courier = SelectField(_l("Courier"), coerce=int, validators=[DataRequired()])


class ResetLockForm(PageForm):
    """Only the CSRF token."""


def back_target(value: str | None) -> str:
    return value if value in BACK_CHOICES else "order"
