"""Forms of the partner's B2B pages: a request for quote, a comment, deciding quotes and approvals,
and the handover record. The services check the business rules; these only carry the input and CSRF."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    FieldList,
    FormField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

from orders.b2b.rfqs import COMMENT_MAX, DESCRIPTION_MAX, NOTES_MAX
from shop.forms import PageForm, SubForm
from shop.partners.forms import IN_BEKASI, OUTSIDE

FORM_LINES = 20  # rows the request form grows to ("Add a line"); rows left blank are ignored
REASON_MAX = 500


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


class RfqLineForm(SubForm):
    """One row of the request (a sub-form: the request form carries the CSRF token)."""

    # Picked from the wholesale catalogue (a select drawn by the template); empty for an item in words.
    product_id = StringField(_l("Product from the wholesale catalogue"), filters=[_strip])
    description = StringField(_l("Or describe what you need"), filters=[_strip],
                              validators=[Length(max=DESCRIPTION_MAX)])
    quantity = StringField(_l("Quantity"), filters=[_strip])

    @property
    def is_blank(self) -> bool:
        return not (self.description.data or self.quantity.data or self.product_id.data)


class RfqForm(PageForm):
    sentra = SelectField(_l("Sentra"), choices=[], validators=[DataRequired(message=_l("Choose a sentra."))])
    needed_by = DateField(_l("Needed by"), validators=[Optional()])
    recipient = StringField(_l("Recipient"), filters=[_strip])
    phone = StringField(_l("Recipient's phone"), filters=[_strip])
    street = StringField(_l("Street, number, RT/RW"), filters=[_strip])
    place = RadioField(
        _l("Where should it go?"),
        choices=[(IN_BEKASI, _l("In Kota Bekasi")), (OUTSIDE, _l("Outside Kota Bekasi"))],
        default=IN_BEKASI,
    )
    kelurahan_code = SelectField(_l("Kelurahan"), choices=[], validate_choice=False)
    city = StringField(_l("City or regency"), filters=[_strip])
    postal_code = StringField(_l("Postal code"), filters=[_strip])
    notes = TextAreaField(_l("Notes for the sentra"), filters=[_strip], validators=[Length(max=NOTES_MAX)])
    # Posted rows are renumbered from 0 (rows left blank in between drop out); a new form has one row
    # and "Add a line" adds one (in the browser, or as a submit without JavaScript).
    lines = FieldList(FormField(RfqLineForm), min_entries=1, max_entries=FORM_LINES)

    def __init__(self, *args, sentra_choices: list[tuple[str, str]], kelurahan_choices: list[tuple[str, str]],
                 **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.sentra.choices = [("", _l("Choose a sentra"))] + sentra_choices
        self.kelurahan_code.choices = [("", _l("Choose a kelurahan"))] + kelurahan_choices

    def add_line(self) -> bool:
        """One more empty row; False when the form already has ``FORM_LINES``."""
        if len(self.lines) >= FORM_LINES:
            return False
        self.lines.append_entry()
        return True

    @property
    def in_bekasi(self) -> bool:
        return self.place.data != OUTSIDE


class CommentForm(PageForm):
    body = TextAreaField(_l("Your message"), filters=[_strip],
                         validators=[DataRequired(message=_l("Write a comment first.")), Length(max=COMMENT_MAX)])


class AcceptQuoteForm(PageForm):
    payment = RadioField(_l("How will you pay?"),
                         choices=[("bank_transfer", _l("Bank transfer")), ("terms", _l("Payment terms (tempo)"))],
                         default="bank_transfer", validators=[DataRequired()])


class ReasonForm(PageForm):
    """Declining a quote, withdrawing a request, or deciding an approval: an optional reason or note."""

    reason = TextAreaField(_l("Reason or note (optional)"), filters=[_strip], validators=[Length(max=REASON_MAX)])


class HandoverConfirmForm(PageForm):
    received_by_name = StringField(_l("Name of the person who received the goods"), filters=[_strip],
                                   validators=[DataRequired(message=_l("Write who received the goods.")),
                                               Length(max=120)])
    note = TextAreaField(_l("Note (optional)"), filters=[_strip], validators=[Length(max=1000)])
