"""Forms for signing in, registering, the profile and saved addresses."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, PasswordField, RadioField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length, Optional, ValidationError

from shop.accounts.checks import is_valid_email, normalize_email
from shop.accounts.models import NOTIFY_BOTH, NOTIFY_EMAIL, NOTIFY_WHATSAPP
from shop.forms import PageForm
from shop.places.services import kelurahan_choices as all_kelurahan_choices
from shop.validation import (
    MAX_PASSWORD_LENGTH,
    MIN_PASSWORD_LENGTH,
    InvalidPhoneError,
    normalize_phone,
)

# Problem codes from shop.accounts.services -> messages shown next to a field.
PROBLEMS = {
    "required": _l("This field is required."),
    "invalid": _l("This value is not valid."),
    "too_long": _l("This is too long."),
    "too_short": _l("Use at least %(n)s characters.", n=MIN_PASSWORD_LENGTH),
    "too_common": _l("This password is too common. Choose one that is harder to guess."),
    "password_too_long": _l("Use at most %(n)s characters.", n=MAX_PASSWORD_LENGTH),
    "too_personal": _l("Do not build the password from your name, your email address or the name of "
                       "this site: they are the first things an attacker tries."),
    "too_predictable": _l("This password is easy to guess: repeated letters, sequences such as 12345 or "
                          "abcde, keyboard rows and dates are tried first. A few unrelated words, such as "
                          "“kopi hujan sepeda merah”, are easy to remember and hard to guess."),
    "email_invalid": _l("Enter a valid email address, such as nama@contoh.id."),
    "email_taken": _l("An account with this email already exists. Log in or reset your password."),
    "phone_invalid": _l("Enter an Indonesian phone number, such as 0812-3456-7890."),
    "postal_code_invalid": _l("A postal code has 5 digits."),
    "notify_channel_needs_phone": _l("Enter your WhatsApp number above to get updates on WhatsApp."),
}


PASSWORD_HINT = _l(
    "%(min)s to %(max)s characters, not your name or email. A short sentence of unrelated words is easy "
    "to remember and hard to guess.", min=MIN_PASSWORD_LENGTH, max=MAX_PASSWORD_LENGTH,
)


def problem_message(field: str, code: str):
    """The message for a service problem code on ``field`` (a more specific one when there is)."""
    return PROBLEMS.get(f"{field}_{code}") or PROBLEMS.get(code) or PROBLEMS["invalid"]


def apply_problems(form: PageForm, fields: dict[str, str]) -> None:
    """Put a service's field problems on the form's fields (or the form when unknown)."""
    for name, code in fields.items():
        field = getattr(form, name, None)
        message = problem_message(name, code)
        if field is not None:
            field.errors = [*field.errors, message]
        else:
            form.form_errors.append(message)


def _valid_email(form, field) -> None:
    field.data = normalize_email(field.data)
    if field.data and not is_valid_email(field.data):
        raise ValidationError(PROBLEMS["email_invalid"])


def _valid_phone(form, field) -> None:
    if field.data and field.data.strip():
        try:
            normalize_phone(field.data)
        except InvalidPhoneError:
            raise ValidationError(PROBLEMS["phone_invalid"]) from None


def _new_password_field(label):
    # The password rule itself (length, common, personal, guessable) is the services'
    # password_problem, so the form, the API and every service refuse the same passwords.
    return PasswordField(label, validators=[DataRequired()], description=PASSWORD_HINT)


def _confirm_field(label, other: str):
    return PasswordField(
        label, validators=[DataRequired(), EqualTo(other, message=_l("The two passwords do not match."))]
    )


class LoginForm(PageForm):
    email = StringField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired()])
    remember = BooleanField(_l("Keep me logged in on this device"))
    next = HiddenField()


class RegisterForm(PageForm):
    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=120)])
    email = StringField(_l("Email"), validators=[DataRequired(), Length(max=254), _valid_email])
    phone = StringField(_l("Phone / WhatsApp (optional)"), validators=[Optional(), Length(max=30), _valid_phone])
    password = _new_password_field(_l("Password"))
    password_confirm = _confirm_field(_l("Repeat the password"), "password")


class ForgotPasswordForm(PageForm):
    email = StringField(_l("Email"), validators=[DataRequired(), Length(max=254)])


class ResetPasswordForm(PageForm):
    password = _new_password_field(_l("New password"))
    password_confirm = _confirm_field(_l("Repeat the new password"), "password")


class ChangePasswordForm(PageForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])
    password = _new_password_field(_l("New password"))
    password_confirm = _confirm_field(_l("Repeat the new password"), "password")


class ProfileForm(PageForm):
    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=120)])
    phone = StringField(_l("Phone / WhatsApp"), validators=[Optional(), Length(max=30), _valid_phone])
    notify_channel = RadioField(
        _l("Send me order updates by"),
        choices=[
            SelectChoice(NOTIFY_WHATSAPP, _l("WhatsApp")),
            SelectChoice(NOTIFY_EMAIL, _l("Email")),
            SelectChoice(NOTIFY_BOTH, _l("WhatsApp and email")),
        ],
        validators=[DataRequired()],
    )
    kelurahan_code = SelectField(_l("Where you live"), choices=[], validate_choice=True)

    def fill_kelurahan_choices(self) -> None:
        self.kelurahan_code.choices = [("", _l("Not said"))] + all_kelurahan_choices()


class ApiTokenForm(PageForm):
    name = StringField(_l("Token name"), validators=[DataRequired(), Length(max=80)])


class DeleteAccountForm(PageForm):
    password = PasswordField(_l("Your password"), validators=[DataRequired()])


class AddressForm(PageForm):
    label = StringField(_l("Label (optional, e.g. Home)"), validators=[Optional(), Length(max=40)])
    recipient = StringField(_l("Recipient"), validators=[DataRequired(), Length(max=120)])
    phone = StringField(_l("Recipient's phone"), validators=[DataRequired(), Length(max=30), _valid_phone])
    street = StringField(_l("Street, number, RT/RW"), validators=[DataRequired(), Length(max=255)])
    location = RadioField(
        _l("Where is it?"),
        choices=[SelectChoice("bekasi", _l("In Kota Bekasi")), SelectChoice("outside", _l("Outside Kota Bekasi"))],
        default="bekasi",
        validators=[DataRequired()],
    )
    kelurahan_code = SelectField(_l("Kelurahan"), choices=[], validate_choice=False)
    city = StringField(_l("City or regency"), validators=[Length(max=80)])
    postal_code = StringField(_l("Postal code"), validators=[Length(max=5)])
    is_default = BooleanField(_l("Use as my default address"))

    def __init__(self, *args, kelurahan_choices: list[tuple[str, str]] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._kelurahan_codes = {code for code, _label in kelurahan_choices or []}
        self.kelurahan_code.choices = [
            SelectChoice("", _l("Choose a kelurahan")),
            *(SelectChoice(code, label) for code, label in kelurahan_choices or []),
        ]

    def validate_kelurahan_code(self, field) -> None:
        if self.location.data != "bekasi":
            return
        if not field.data:
            raise ValidationError(PROBLEMS["required"])
        if field.data not in self._kelurahan_codes:
            raise ValidationError(PROBLEMS["invalid"])

    def validate_city(self, field) -> None:
        if self.location.data == "outside" and not (field.data or "").strip():
            raise ValidationError(PROBLEMS["required"])

    def validate_postal_code(self, field) -> None:
        if self.location.data != "outside":
            return
        value = (field.data or "").strip()
        if not value.isdigit() or len(value) != 5:
            raise ValidationError(PROBLEMS["postal_code_invalid"])
