"""Forms of the sentra area: applying, the profile, members and invitations."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    EmailField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from shop.accounts.services import is_valid_email, normalize_email
from shop.forms import PageForm
from shop.sentras.models import Role
from shop.sentras.services import MAX_SUBSECTORS, MIN_SUBSECTORS, SentraProfile
from shop.validation import InvalidPhoneError, normalize_phone

ROLE_LABELS = {Role.MEMBER: _l("Member"), Role.MANAGER: _l("Manager"), Role.OWNER: _l("Owner")}


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class SentraProfileForm(PageForm):
    """The editable profile; :class:`SentraApplyForm` adds the kelurahan."""

    name = StringField(_l("Sentra name"), validators=[DataRequired(), Length(min=3, max=120)])
    subsectors = MultiCheckboxField(_l("Focus subsectors (1 to 3)"))
    description = TextAreaField(
        _l("Your story"),
        validators=[DataRequired(), Length(min=20, max=5000)],
        description=_l("Who you are, what you make and who takes part."),
    )
    whatsapp = StringField(_l("WhatsApp number"), validators=[DataRequired(), Length(max=30)])
    address = StringField(_l("Address"), validators=[DataRequired(), Length(max=255)])
    opening_hours = StringField(_l("Opening hours (optional)"), validators=[Optional(), Length(max=120)])
    logo = FileField(_l("Logo (optional)"), render_kw={"accept": "image/*"})

    def validate_subsectors(self, field: MultiCheckboxField) -> None:
        chosen = field.data or []
        if not MIN_SUBSECTORS <= len(chosen) <= MAX_SUBSECTORS:
            raise ValidationError(_l("Choose between 1 and 3 subsectors."))

    def validate_whatsapp(self, field: StringField) -> None:
        try:
            normalize_phone(field.data or "")
        except InvalidPhoneError:
            raise ValidationError(_l("Enter an Indonesian number, for example 0812-3456-7890.")) from None

    def profile(self) -> SentraProfile:
        return SentraProfile(
            name=self.name.data.strip(),
            subsector_codes=tuple(self.subsectors.data or ()),
            description=self.description.data.strip(),
            whatsapp=normalize_phone(self.whatsapp.data),
            address=self.address.data.strip(),
            opening_hours=(self.opening_hours.data or "").strip() or None,
        )

    def logo_bytes(self) -> bytes | None:
        upload = self.logo.data
        if not upload or not getattr(upload, "filename", ""):
            return None
        return upload.read()


class SentraApplyForm(SentraProfileForm):
    # Choices are the free kelurahan; a taken one is refused by the service (a race
    # can take it between showing the form and submitting it).
    kelurahan = SelectField(
        _l("Kelurahan"),
        validators=[DataRequired(message=_l("Choose a kelurahan that has no sentra yet."))],
        validate_choice=False,
    )


def _valid_email(form: PageForm, field: EmailField) -> None:
    field.data = normalize_email(field.data)
    if not is_valid_email(field.data):  # the same rule registration applies
        raise ValidationError(_l("Enter a valid email address, such as nama@contoh.id."))


class InviteForm(PageForm):
    email = EmailField(_l("Email address"), validators=[DataRequired(), Length(max=254), _valid_email])
    role = SelectField(_l("Role"))


class RoleForm(PageForm):
    role = SelectField(_l("Role"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.role.choices = [(r.value, ROLE_LABELS[r]) for r in (Role.MEMBER, Role.MANAGER)]


class TransferForm(PageForm):
    new_owner = SelectField(_l("New owner"), coerce=int, validators=[DataRequired()])
    password = PasswordField(
        _l("Your password"),
        validators=[DataRequired()],
        description=_l("Enter your password to confirm."),
    )


class BirthYearForm(PageForm):
    """The once-only question to a member who joined before birth years were asked (empty: not now)."""

    birth_year = StringField(_l("Your birth year"), validators=[Optional(), Length(max=10)],
                             render_kw={"inputmode": "numeric", "autocomplete": "bday-year"})
