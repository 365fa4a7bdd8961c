"""Which delivery methods fit a sentra and an address, and what each costs."""
from __future__ import annotations

import functools
from dataclasses import dataclass

from sqlalchemy import Select, bindparam, select

from orders.core.models import DeliveryMethod
from orders.delivery import fees
from orders.delivery.models import DeliverySettings
from shop.extensions import db
from shop.places.models import Kelurahan
from shop.sentras.models import Sentra


@dataclass(frozen=True)
class Destination:
    """Where a parcel goes: a Kota Bekasi kelurahan code, or None for outside the city."""

    kelurahan_code: str | None


@dataclass(frozen=True)
class DeliveryOption:
    method: str
    fee_idr: int
    distance_km: int | None = None


class DeliverySettingsError(ValueError):
    def __init__(self, fields: dict[str, str]) -> None:
        super().__init__(", ".join(f"{k}: {v}" for k, v in fields.items()))
        self.fields = fields


def settings_for(sentra: Sentra) -> DeliverySettings:
    """The sentra's settings, or the defaults (an unsaved row) when it never changed them."""
    return db.session.get(DeliverySettings, sentra.id) or _defaults(sentra)


def _defaults(sentra: Sentra) -> DeliverySettings:
    return DeliverySettings(
        sentra_id=sentra.id, offers_pickup=True, offers_sentra_courier=True, offers_courier=True,
        courier_base_idr=fees.DEFAULT_BASE_IDR, courier_per_km_idr=fees.DEFAULT_PER_KM_IDR,
        courier_max_km=fees.DEFAULT_MAX_KM, handling_days=1,
    )


def settings_for_many(sentras: list[Sentra]) -> dict[int, DeliverySettings]:
    """:func:`settings_for` of several sentras in one query, by sentra id."""
    saved = {row.sentra_id: row for row in db.session.scalars(_saved_settings(), {"ids": [s.id for s in sentras]})}
    return {s.id: saved.get(s.id) or _defaults(s) for s in sentras}


@functools.cache
def _saved_settings() -> Select:
    """The saved settings of the sentras ``ids``: built once, as every quote and checkout runs it
    (building the select and hashing its cache key each time cost more than running it)."""
    return select(DeliverySettings).where(DeliverySettings.sentra_id.in_(bindparam("ids", expanding=True)))


def save_settings(sentra: Sentra, *, offers_pickup: bool, offers_sentra_courier: bool, offers_courier: bool,
                  courier_base_idr: int, courier_per_km_idr: int, courier_max_km: int) -> DeliverySettings:
    """Change how ``sentra`` delivers, within the program's limits. Flushes.

    :raise DeliverySettingsError: a value outside its limits, or no method left on.
    """
    problems: dict[str, str] = {}
    for name, value, (low, high) in (
        ("courier_base_idr", courier_base_idr, fees.BASE_LIMITS),
        ("courier_per_km_idr", courier_per_km_idr, fees.PER_KM_LIMITS),
        ("courier_max_km", courier_max_km, fees.MAX_KM_LIMITS),
    ):
        if not isinstance(value, int) or not low <= value <= high:
            problems[name] = "out_of_range"
    if not (offers_pickup or offers_sentra_courier or offers_courier):
        problems["offers_pickup"] = "one_required"
    if problems:
        raise DeliverySettingsError(problems)
    row = db.session.get(DeliverySettings, sentra.id)
    if row is None:
        row = DeliverySettings(sentra_id=sentra.id)
        db.session.add(row)
    row.offers_pickup, row.offers_sentra_courier, row.offers_courier = (
        offers_pickup, offers_sentra_courier, offers_courier)
    row.courier_base_idr, row.courier_per_km_idr, row.courier_max_km = (
        courier_base_idr, courier_per_km_idr, courier_max_km)
    db.session.flush()
    return row


_CENTROIDS: dict[str, tuple[float, float]] = {}


def centroid(code: str | None) -> tuple[float, float] | None:
    """A kelurahan's centroid (lat, lon), or None for an unknown code.

    The 56 kelurahan are reference data: they are read once per process (again only
    when a code is missing, as after ``seed-places``), not once per checkout.
    """
    if code is None:
        return None
    if code not in _CENTROIDS:
        _CENTROIDS.update(
            {c: (lat, lon) for c, lat, lon in db.session.execute(select(Kelurahan.code, Kelurahan.lat, Kelurahan.lon))}
        )
    return _CENTROIDS.get(code)


def options_for(sentra: Sentra, destination: Destination, weight_grams: int,
                settings: DeliverySettings | None = None) -> list[DeliveryOption]:
    """The methods ``sentra`` offers that fit ``destination``, each with its fee, in display order."""
    settings = settings or settings_for(sentra)
    options: list[DeliveryOption] = []
    if settings.offers_pickup:
        options.append(DeliveryOption(DeliveryMethod.PICKUP, 0))
    if settings.offers_sentra_courier and destination.kelurahan_code is not None:
        here = centroid(sentra.kelurahan_code or sentra.applied_kelurahan_code)
        there = centroid(destination.kelurahan_code)
        if here and there:
            km = fees.road_km(*here, *there)
            if km <= settings.courier_max_km:
                fee = fees.sentra_courier_fee(km, settings.courier_base_idr, settings.courier_per_km_idr)
                options.append(DeliveryOption(DeliveryMethod.SENTRA_COURIER, fee, km))
    if settings.offers_courier:
        options.append(DeliveryOption(DeliveryMethod.COURIER,
                                      fees.courier_fee(weight_grams, destination.kelurahan_code is not None)))
    return options
