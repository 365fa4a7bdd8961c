"""Forms of the money pages: the statement's date filter, the bank account, members' shares, and
the office's payout, adjustment, bank batch and commission forms."""
from __future__ import annotations

import re
from collections.abc import Iterable
from uuid import uuid4

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    PasswordField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp

from orders.ledger.payouts import MAX_AMOUNT_IDR, MIN_REASON_CHARS
from shop.forms import PageForm
from shop.money import RupiahField
from shop.sentras.models import SentraMembership

PERCENT = re.compile(r"^\d{1,2}(?:[.,]\d{1,2})?$")


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


class StatementFilterForm(PageForm):
    """``?from=YYYY-MM-DD&to=YYYY-MM-DD`` (WIB days, both inclusive); read from the query string."""

    class Meta:
        csrf = False

    from_date = DateField(_l("From"), name="from", validators=[Optional()])
    to_date = DateField(_l("To"), name="to", validators=[Optional()])


class BankAccountForm(PageForm):
    bank_name = StringField(_l("Bank"), filters=[_strip], validators=[DataRequired(), Length(max=80)],
                            description=_l("E.g. BRI, BNI, Bank Mandiri, BCA, BSI, Bank BJB."))
    account_number = StringField(_l("Account number"), filters=[_strip],
                                 validators=[DataRequired(), Length(max=60)],
                                 description=_l("5 to 34 digits; spaces and dashes are ignored."))
    account_holder = StringField(_l("Account holder"), filters=[_strip], validators=[DataRequired(), Length(max=120)],
                                 description=_l("The name exactly as the bank has it."))
    password = PasswordField(_l("Your current password"), validators=[DataRequired()],
                             description=_l("Only the owner may change where payouts go, after entering their "
                                            "password."))


class SharesForm(PageForm):
    """One amount per current member; made for a sentra by :func:`shares_form`."""

    member_ids: list[int] = []

    def shares(self) -> dict[int, int]:
        """{user id: amount} of every member (an empty field counts as 0)."""
        return {user_id: self[f"share_{user_id}"].data or 0 for user_id in self.member_ids}


def shares_form(memberships: Iterable[SentraMembership], current: dict[int, int] | None = None,
                **kwargs) -> SharesForm:
    """A :class:`SharesForm` with a field ``share_<user id>`` per membership, prefilled with ``current``."""
    memberships = list(memberships)

    class Form(SharesForm):
        member_ids = [m.user_id for m in memberships]

    for membership in memberships:
        setattr(Form, f"share_{membership.user_id}", RupiahField(
            membership.user.name, default=(current or {}).get(membership.user_id),
            validators=[Optional(), NumberRange(min=0, max=MAX_AMOUNT_IDR,
                                                message=_l("Enter 0 or more whole rupiah."))],
        ))
    return Form(**kwargs)


class PayoutForm(PageForm):
    amount = RupiahField(_l("Amount (Rp)"), validators=[
        InputRequired(message=_l("Enter the amount transferred.")),
        NumberRange(min=1, max=MAX_AMOUNT_IDR, message=_l("Enter an amount above zero.")),
    ])
    reference = StringField(_l("Transfer reference"), filters=[_strip],
                            validators=[DataRequired(message=_l("Give the reference of the transfer you made.")),
                                        Length(max=120)])
    note = TextAreaField(_l("Note (optional)"), filters=[_strip], validators=[Optional(), Length(max=1000)])
    balance_seen = HiddenField()
    account_seen = HiddenField()  # payouts.account_fingerprint of the account the page showed
    confirm = BooleanField(_l("I have transferred this amount to the account shown above."),
                           validators=[DataRequired(message=_l("Confirm that the transfer was made."))])

    def expected_balance(self) -> int | None:
        """The balance the page showed when it was opened (None when the field was not sent)."""
        try:
            return int(self.balance_seen.data)
        except (TypeError, ValueError):
            return None


class AdjustmentForm(PageForm):
    # One per form shown: sending the same form twice records one adjustment.
    token = HiddenField(default=lambda: uuid4().hex)
    amount = RupiahField(_l("Amount (Rp)"), allow_negative=True, validators=[
        InputRequired(message=_l("Enter the amount.")),
        NumberRange(min=-MAX_AMOUNT_IDR, max=MAX_AMOUNT_IDR),
    ], description=_l("Positive adds to the sentra's balance, negative (e.g. -25000) takes from it."))
    reason = TextAreaField(_l("Reason"), filters=[_strip], validators=[
        DataRequired(message=_l("Give a reason; the sentra sees it on its statement.")),
        Length(min=MIN_REASON_CHARS, max=1000, message=_l("Give a reason of at least 5 characters.")),
    ])


class ExportForm(PageForm):
    payout_ids = SelectMultipleField(coerce=int, validate_choice=False)
    confirm = BooleanField(_l("These payouts go to the bank in this batch (they are marked exported)."),
                           validators=[DataRequired(message=_l("Confirm the export."))])


class CommissionForm(PageForm):
    rate = StringField(_l("Commission (%)"), filters=[_strip], validators=[
        Optional(), Regexp(PERCENT, message=_l("A percentage with at most 2 decimals, e.g. 5 or 4.5.")),
    ], description=_l("Empty: the platform's default rate."))

    def rate_bp(self) -> int | None:
        """The percentage in basis points (``4.5`` -> 450), or None for the default."""
        if not self.rate.data:
            return None
        whole, _, fraction = self.rate.data.replace(",", ".").partition(".")
        return int(whole) * 100 + int(fraction.ljust(2, "0") or 0)
