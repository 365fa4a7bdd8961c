"""Forms of the program office's B2B settings: a partner's payment terms, a sentra's tax status,
and recording a payment received on an invoice."""
from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from shop.forms import PageForm
from shop.money import MAX_IDR, RupiahField

TERMS_CHOICES = [("", _l("None: bank transfer only")), ("14", _l("14 days")), ("30", _l("30 days"))]


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def _npwp_digits(value: str | None) -> str | None:
    """An NPWP as written on the card (01.234.567.8-901.000) kept as its digits."""
    return re.sub(r"[\s.\-]", "", value) if isinstance(value, str) else value


class PartnerTermsForm(PageForm):
    terms_days = SelectField(_l("Payment terms (tempo)"), choices=TERMS_CHOICES, default="")
    credit_limit_idr = RupiahField(
        _l("Credit limit (rupiah)"),
        validators=[InputRequired(message=_l("Give the credit limit in whole rupiah (0 when none).")),
                    NumberRange(min=0, max=MAX_IDR)],
        description=_l("The most the partner may owe on unpaid invoices on terms."),
    )

    @property
    def terms(self) -> int | None:
        return int(self.terms_days.data) if self.terms_days.data else None

    def validate_credit_limit_idr(self, field: RupiahField) -> None:
        if self.terms_days.data and not field.data:
            raise ValidationError(_l("Payment terms need a credit limit above Rp0."))


class SentraTaxForm(PageForm):
    npwp = StringField(
        _l("NPWP"), filters=[_strip, _npwp_digits],
        validators=[Optional(), Regexp(r"^\d{15,16}$", message=_l("An NPWP has 15 or 16 digits."))],
        description=_l("Printed on the sentra's invoices. Dots and dashes are optional."),
    )
    is_pkp = BooleanField(_l("VAT-registered business (PKP): its invoices add PPN"))

    def validate_is_pkp(self, field: BooleanField) -> None:
        if field.data and not self.npwp.data:
            raise ValidationError(_l("A PKP has an NPWP: enter it too."))


class InvoicePaidForm(PageForm):
    reference = StringField(
        _l("Transfer reference"), filters=[_strip],
        validators=[DataRequired(message=_l("Give the reference of the transfer that paid the invoice.")),
                    Length(max=200)],
        description=_l("E.g. the bank statement line that matches."),
    )
