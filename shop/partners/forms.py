"""Forms of the partner area: registration and colleagues."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, RadioField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from shop.forms import PageForm
from shop.money import RupiahField
from shop.validation import is_valid_nib, normalize_npwp

IN_BEKASI = "bekasi"
OUTSIDE = "outside"


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def _digits(value: str | None) -> str | None:
    return "".join(value.split()) if isinstance(value, str) else value


class PartnerRegistrationForm(PageForm):
    name = StringField(_l("Business name"), filters=[_strip], validators=[DataRequired(), Length(max=160)])
    nib = StringField(
        _l("NIB (Nomor Induk Berusaha)"),
        filters=[_digits],
        validators=[DataRequired()],
        description=_l("13 digits, from your OSS registration."),
    )
    npwp = StringField(
        _l("NPWP (optional)"),
        filters=[_strip],
        validators=[Optional()],
        description=_l("15 or 16 digits; dots and dashes are fine."),
    )
    street = StringField(_l("Street address"), filters=[_strip], validators=[DataRequired(), Length(max=255)])
    place = RadioField(
        _l("Where is the business?"),
        choices=[(IN_BEKASI, _l("In Kota Bekasi")), (OUTSIDE, _l("Outside Kota Bekasi"))],
        default=IN_BEKASI,
        validators=[DataRequired()],
    )
    kelurahan_code = SelectField(_l("Kelurahan"), choices=[], validate_choice=False)
    city = StringField(_l("City"), filters=[_strip], validators=[Length(max=80)])
    postal_code = StringField(_l("Postal code"), filters=[_strip])

    def __init__(self, *args, kelurahan_choices: list[tuple[str, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.kelurahan_code.choices = [("", _l("Choose a kelurahan"))] + kelurahan_choices

    def validate_nib(self, field: StringField) -> None:
        if not is_valid_nib(field.data or ""):
            raise ValidationError(_l("An NIB is exactly 13 digits."))

    def validate_npwp(self, field: StringField) -> None:
        try:
            normalize_npwp(field.data or "")
        except ValueError:
            raise ValidationError(_l("An NPWP has 15 or 16 digits.")) from None

    def validate_kelurahan_code(self, field: SelectField) -> None:
        if self.place.data != IN_BEKASI:
            return
        codes = {code for code, _label in field.choices if code}
        if not field.data:
            raise ValidationError(_l("Choose the kelurahan of the business."))
        if field.data not in codes:
            raise ValidationError(_l("Choose a kelurahan from the list."))

    def validate_city(self, field: StringField) -> None:
        if self.place.data == OUTSIDE and not field.data:
            raise ValidationError(_l("Enter the city."))

    def validate_postal_code(self, field: StringField) -> None:
        if self.place.data != OUTSIDE:
            return
        value = field.data or ""
        if not (len(value) == 5 and value.isdigit()):
            raise ValidationError(_l("A postal code is 5 digits."))


ROLE_CHOICES = [("staff", _l("Staff")), ("manager", _l("Manager"))]


class AddColleagueForm(PageForm):
    email = EmailField(
        _l("Colleague's email"),
        filters=[_strip],
        validators=[DataRequired(), Length(max=254)],  # looked up, so no format check
        description=_l("They need a Pasar Sentra account with this email."),
    )
    role = SelectField(_l("Role"), choices=ROLE_CHOICES, default="staff")


class ColleagueRoleForm(PageForm):
    role = SelectField(_l("Role"), choices=ROLE_CHOICES)


class EmptyForm(PageForm):
    """Only the CSRF token: for buttons such as "remove"."""


class ThresholdForm(PageForm):
    """The owner's approval threshold: purchases above it need a second manager. Empty: never."""

    threshold = RupiahField(
        _l("Approval threshold (rupiah)"),
        description=_l("Leave empty so that no purchase needs an approval."),
    )
