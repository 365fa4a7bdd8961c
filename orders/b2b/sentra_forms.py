"""Forms of the sentra's quote inbox: the quote (with its line rows) and a comment.

Prices come only from what the member types into a line row: there is no hidden price
field, and a row's hidden product id is checked by the service against the sentra.
"""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    FieldList,
    FormField,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from catalog.products.forms import WholeNumberField
from orders.b2b import quotes
from orders.b2b.models import Quote, Rfq
from orders.b2b.rfqs import COMMENT_MAX, DESCRIPTION_MAX, MAX_LINES
from shop.forms import PageForm, SubForm
from shop.money import RupiahField

SPARE_ROWS = 3
DEFAULT_VALIDITY_DAYS = 7

DELIVERY_LABELS = {
    "sentra_courier": _l("Delivery by the sentra's courier"),
    "courier": _l("Courier"),
    "pickup": _l("Pickup at the sentra"),
}

# What a problem the service names means to the member, by the field it is about.
FIELD_MESSAGES = {
    "valid_until": _l("Choose the last day the quote is valid: today or later."),
    "delivery_fee_idr": _l("Enter the delivery fee in whole rupiah (0 or more)."),
    "delivery_method": _l("Choose a delivery method that reaches the partner's address."),
    "notes": _l("The notes are too long (at most 4000 characters)."),
    "description": _l("Describe the line."),
    "quantity": _l("Enter a quantity from 1 to 1,000,000."),
    "unit_price_idr": _l("Enter the unit price in whole rupiah (0 or more)."),
    "lead_time_days": _l("Enter the lead time in days, from 0 to 365."),
    "product_id": _l("This product is not one of your sentra's."),
    "variant_id": _l("This product is not one of your sentra's."),
    "lines": _l("Fill in at least one line (at most 50)."),
    "total_idr": _l("The total is too large for one quote; split it into several."),
}


class QuoteLineForm(SubForm):
    """One line row. A row with neither a description nor a price is left out."""

    product_id = HiddenField()
    description = StringField(_l("Description"), validators=[Length(max=DESCRIPTION_MAX)])
    quantity = WholeNumberField(_l("Quantity"))
    unit_price_idr = RupiahField(_l("Unit price (Rp)"))
    lead_time_days = WholeNumberField(_l("Lead time (days)"))

    def is_blank(self) -> bool:
        price = self.unit_price_idr.raw_data[0] if self.unit_price_idr.raw_data else self.unit_price_idr.data
        return not (self.description.data or "").strip() and price in (None, "")

    def validate_quantity(self, field: WholeNumberField) -> None:
        if not self.is_blank() and field.data is None and not field.errors:
            raise ValidationError(_l("Enter the quantity."))

    def validate_unit_price_idr(self, field: RupiahField) -> None:
        if self.is_blank() or field.errors:
            return
        if field.data is None:
            raise ValidationError(_l("Enter the unit price in rupiah."))

    def line_input(self) -> quotes.QuoteLineInput:
        return quotes.QuoteLineInput(
            description=(self.description.data or "").strip(), quantity=self.quantity.data,
            unit_price_idr=self.unit_price_idr.data, lead_time_days=self.lead_time_days.data or 0,
            product_id=(self.product_id.data or "").strip() or None,
        )


class QuoteForm(PageForm):
    valid_until = DateField(_l("Valid until"), validators=[DataRequired(_l("Choose the last day the quote is valid."))],
                            description=_l("The partner can accept the quote until the end of this day."))
    delivery_method = SelectField(_l("Delivery"), choices=[], validate_choice=False)
    delivery_fee_idr = RupiahField(_l("Delivery fee (Rp)"))
    notes = TextAreaField(_l("Notes for the partner"), validators=[Optional(), Length(max=quotes.NOTES_MAX)])
    lines = FieldList(FormField(QuoteLineForm), min_entries=1, max_entries=MAX_LINES + SPARE_ROWS)

    def quote_input(self) -> tuple[quotes.QuoteInput, list[QuoteLineForm]]:
        """The quote as typed, and the form row behind each of its lines (blank rows left out)."""
        rows = [entry.form for entry in self.lines if not entry.form.is_blank()]
        data = quotes.QuoteInput(
            valid_until=self.valid_until.data, delivery_fee_idr=self.delivery_fee_idr.data or 0,
            notes=(self.notes.data or "").strip(), delivery_method=self.delivery_method.data or None,
            lines=[row.line_input() for row in rows],
        )
        return data, rows

    def show_errors(self, fields: dict[str, str], rows: list[QuoteLineForm]) -> list[str]:
        """Put the service's field problems on the fields; what has no field is returned."""
        general: list[str] = []
        for key in fields:
            parts = key.split(".")
            name = parts[-1]
            message = str(FIELD_MESSAGES.get(name, _l("Check this value.")))
            if parts[0] == "lines" and len(parts) == 3 and parts[1].isdigit() and int(parts[1]) < len(rows):
                # The product id is a hidden field: its problem is shown on the row's description.
                shown = "description" if name in ("product_id", "variant_id") else name
                target = getattr(rows[int(parts[1])], shown, None)
            else:
                target = getattr(self, name, None) if name != "lines" else None
            if target is not None and hasattr(target, "errors"):
                target.errors = [*target.errors, message]
            else:
                general.append(message)
        return general


class CommentForm(PageForm):
    body = TextAreaField(_l("Comment"), validators=[DataRequired(_l("Write a comment first.")),
                                                    Length(max=COMMENT_MAX)])


def quote_form_data(rfq: Rfq, latest: Quote | None, today: date) -> dict[str, Any]:
    """What the quote form starts with: the latest revision's lines and terms, or the request's lines."""
    methods = quotes.delivery_methods_for(rfq)
    if latest is not None:
        lines = [{"product_id": line.product_id or "", "description": line.description, "quantity": line.quantity,
                  "unit_price_idr": line.unit_price_idr, "lead_time_days": line.lead_time_days}
                 for line in latest.lines]
        valid_until = latest.valid_until if latest.valid_until >= today else today + timedelta(DEFAULT_VALIDITY_DAYS)
        method = latest.delivery_method if latest.delivery_method in methods else methods[0]
        fee, notes = latest.delivery_fee_idr, latest.notes
    else:
        lines = [{"product_id": line.product_id or "", "description": line.description, "quantity": line.quantity,
                  "unit_price_idr": None,
                  "lead_time_days": line.product.lead_time_days if line.product is not None else None}
                 for line in rfq.lines]
        valid_until, method, fee, notes = today + timedelta(DEFAULT_VALIDITY_DAYS), methods[0], None, ""
    spare = [{"product_id": "", "description": "", "quantity": None, "unit_price_idr": None, "lead_time_days": None}
             for _ in range(SPARE_ROWS)]
    return {"valid_until": valid_until, "delivery_method": method, "delivery_fee_idr": fee, "notes": notes,
            "lines": (lines + spare)[:MAX_LINES + SPARE_ROWS]}


def build_quote_form(rfq: Rfq, latest: Quote | None, today: date, *, submitted: bool) -> QuoteForm:
    """The quote form, from the request's POST when ``submitted`` or else prefilled."""
    if submitted:
        form = QuoteForm()
    else:
        form = QuoteForm(formdata=None, data=quote_form_data(rfq, latest, today))
    form.delivery_method.choices = [(method, DELIVERY_LABELS.get(method, method))
                                    for method in quotes.delivery_methods_for(rfq)]
    return form
