"""Forms of the cart pages (each carries a CSRF token)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, IntegerField
from wtforms.validators import InputRequired, NumberRange

from orders.cart.services import MAX_QUANTITY
from shop.forms import PageForm

QUANTITY_MESSAGE = _l("Enter a quantity from 1 to %(max)s.", max=MAX_QUANTITY)


class AddToCartForm(PageForm):
    """Posted by the product page: a variant, a quantity and the page to go back to."""

    variant_id = IntegerField(_l("Variant"), validators=[InputRequired()])
    quantity = IntegerField(_l("Quantity"), default=1,
                            validators=[InputRequired(QUANTITY_MESSAGE), NumberRange(1, MAX_QUANTITY, QUANTITY_MESSAGE)])
    next = HiddenField()


class QuantityForm(PageForm):
    quantity = IntegerField(_l("Quantity"),
                            validators=[InputRequired(QUANTITY_MESSAGE), NumberRange(1, MAX_QUANTITY, QUANTITY_MESSAGE)])

