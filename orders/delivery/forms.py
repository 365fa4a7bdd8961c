"""The sentra's delivery settings form."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField
from wtforms.validators import InputRequired, NumberRange

from orders.delivery import fees
from shop.forms import PageForm
from shop.money import RupiahField


class DeliverySettingsForm(PageForm):
    offers_pickup = BooleanField(_l("Buyers may pick up at the sentra"))
    offers_sentra_courier = BooleanField(_l("Our own courier delivers inside Kota Bekasi"))
    offers_courier = BooleanField(_l("We send with an external courier"))
    courier_base_idr = RupiahField(
        _l("Courier base fee (Rp)"),
        validators=[InputRequired(), NumberRange(*fees.BASE_LIMITS)],
    )
    courier_per_km_idr = RupiahField(
        _l("Courier fee per km (Rp)"),
        validators=[InputRequired(), NumberRange(*fees.PER_KM_LIMITS)],
    )
    courier_max_km = IntegerField(
        _l("Furthest our courier goes (km)"),
        validators=[InputRequired(), NumberRange(*fees.MAX_KM_LIMITS)],
    )
