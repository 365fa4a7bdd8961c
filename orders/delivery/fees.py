"""Delivery fees: pure arithmetic on whole rupiah, documented in the README.

``sentra_courier`` (inside Kota Bekasi only): the straight-line distance between the
sentra's and the buyer's kelurahan centroids, times 1.3 for roads, rounded up to
whole km (at least 1); fee = base + per_km x km, rounded up to the next Rp500. Each
sentra tunes base (Rp0-Rp15.000), per km (Rp0-Rp5.000) and its reach (1-30 km) within
those limits; defaults Rp5.000 + Rp2.000/km up to 15 km.

``courier`` (external, anywhere): by the parcel's weight, rounded up to whole kg
(at least 1): inside Kota Bekasi Rp10.000 for the first kg and Rp4.000 for each
further kg; elsewhere Rp18.000 and Rp9.000. Packaging adds 10 % to the weight.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

ROAD_FACTOR = 1.3
EARTH_RADIUS_KM = 6371.0088

BASE_LIMITS = (0, 15_000)
PER_KM_LIMITS = (0, 5_000)
MAX_KM_LIMITS = (1, 30)

DEFAULT_BASE_IDR = 5_000
DEFAULT_PER_KM_IDR = 2_000
DEFAULT_MAX_KM = 15


@dataclass(frozen=True)
class CourierRate:
    first_kg_idr: int
    next_kg_idr: int


COURIER_IN_CITY = CourierRate(10_000, 4_000)
COURIER_OUT_OF_CITY = CourierRate(18_000, 9_000)
PACKAGING_FACTOR = 1.10


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance between two points, in km."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


def road_km(lat1: float, lon1: float, lat2: float, lon2: float) -> int:
    """The km a sentra courier is paid for: straight line x 1.3, rounded up, at least 1."""
    return max(1, math.ceil(haversine_km(lat1, lon1, lat2, lon2) * ROAD_FACTOR - 1e-9))


def _round_up(amount: int, step: int = 500) -> int:
    return -(-amount // step) * step


def sentra_courier_fee(km: int, base_idr: int = DEFAULT_BASE_IDR, per_km_idr: int = DEFAULT_PER_KM_IDR) -> int:
    return _round_up(base_idr + per_km_idr * km)


def courier_fee(weight_grams: int, in_city: bool) -> int:
    rate = COURIER_IN_CITY if in_city else COURIER_OUT_OF_CITY
    kg = max(1, math.ceil(weight_grams * PACKAGING_FACTOR / 1000 - 1e-9))
    return rate.first_kg_idr + rate.next_kg_idr * (kg - 1)
