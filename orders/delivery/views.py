"""``/kelola/<slug>/pengiriman``: which delivery methods the sentra offers and its courier fee."""
from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _

from orders.delivery import fees
from orders.delivery.forms import DeliverySettingsForm
from orders.delivery.services import DeliverySettingsError, save_settings, settings_for
from shop.extensions import db
from shop.sentras.access import sentra_required
from shop.sentras.models import Role

bp = Blueprint("delivery", __name__, url_prefix="/kelola/<sentra_slug>/pengiriman")

EXAMPLE_KM = (2, 5, 10)


@bp.route("", methods=["GET", "POST"])
@sentra_required(Role.MANAGER)
def settings(sentra_slug: str):
    """Managers and owners tune delivery within the program's limits; members may not (403)."""
    current = settings_for(g.sentra)
    form = DeliverySettingsForm(obj=current)
    status = 200
    if form.validate_on_submit():
        try:
            save_settings(
                g.sentra, offers_pickup=form.offers_pickup.data, offers_sentra_courier=form.offers_sentra_courier.data,
                offers_courier=form.offers_courier.data, courier_base_idr=form.courier_base_idr.data,
                courier_per_km_idr=form.courier_per_km_idr.data, courier_max_km=form.courier_max_km.data,
            )
        except DeliverySettingsError as error:
            db.session.rollback()
            if "offers_pickup" in error.fields:
                form.offers_pickup.errors = [_("Offer at least one delivery method.")]
            status = 422
        else:
            db.session.commit()
            flash(_("Delivery settings saved."), "success")
            return redirect(url_for("delivery.settings", sentra_slug=sentra_slug))
    elif form.is_submitted():
        status = 422
    examples = [(km, fees.sentra_courier_fee(km, current.courier_base_idr, current.courier_per_km_idr))
                for km in EXAMPLE_KM if km <= current.courier_max_km]
    return render_template("orders/delivery/settings.html", form=form, sentra=g.sentra, examples=examples,
                           fees=fees), status
