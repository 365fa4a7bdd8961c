"""Reading a shipment's timeline: for the buyer's page, and the public projection behind /track.

The public projection (the page ``/track/<number>?code=`` and ``GET /api/v1/track/<number>``) holds
the order's status, delivery method, carrier and waybill, the promised date and the events with
their time, status and note, and nothing about the buyer: no name, address, phone, email, pickup
code or delivery PIN. Event notes are the sentra's words and are shown, except that the buyer's
own details are cut out of them wherever they appear, and the note of a delivery made without the
PIN (which names who took the parcel) is replaced by a neutral sentence.

Everything here reads; nothing flushes.
"""
from __future__ import annotations

import hmac
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import quote_plus

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from orders.core.errors import OrderNotFoundError
from orders.core.models import Checkout, Order
from orders.core.promises import is_late
from orders.shipping import carriers
from orders.shipping.models import Shipment, TrackingStatus
from shop.db import WIB, utcnow
from shop.extensions import db

T = TrackingStatus

# Replaces the note of a delivery made without the PIN, which names who took the parcel.
WITHOUT_PIN_NOTE = "delivered without the PIN; the courier recorded a photo and who received it"
# Shorter values (a two-letter name) would cut ordinary words out of notes.


@dataclass(frozen=True)
class TimelineEntry:
    status: str
    at: datetime
    note: str | None
    photo_key: str | None = None


@dataclass(frozen=True)
class PublicTracking:
    """What anyone holding the tracking code may see of an order."""

    number: str
    sentra_name: str
    status: str
    delivery_method: str
    shipment_status: str | None
    carrier: str | None
    carrier_name: str | None
    waybill: str | None
    carrier_tracking_url: str | None
    promised_at: datetime | None
    late: bool
    delivered_without_pin: bool = False
    events: list[TimelineEntry] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "sentra": self.sentra_name,
            "status": self.status,
            "delivery_method": self.delivery_method,
            "shipment_status": self.shipment_status,
            "courier": ({"carrier": self.carrier, "name": self.carrier_name, "waybill": self.waybill,
                         "tracking_url": self.carrier_tracking_url} if self.carrier or self.waybill else None),
            "promised_at": iso(self.promised_at),
            "late": self.late,
            "events": [{"at": iso(e.at), "status": e.status, "note": e.note} for e in self.events],
        }


def iso(value: datetime | None) -> str | None:
    """ISO 8601 with the WIB offset (+07:00), as the API gives times to Bekasi."""
    return value.astimezone(WIB).isoformat() if value is not None else None


def shipment_carrier_label(shipment: Shipment | None) -> str | None:
    if shipment is None or not shipment.carrier:
        return None
    return carriers.carrier_label(shipment.carrier, shipment.carrier_name) or None


def carrier_link(shipment: Shipment | None) -> str | None:
    """The carrier's own tracking page for the waybill (None without one, or for "other")."""
    if shipment is None:
        return None
    return carriers.tracking_url(shipment.carrier, shipment.waybill)


def timeline(order: Order) -> list[TimelineEntry]:
    """The order's tracking events, oldest first, as the buyer and the sentra see them."""
    shipment = order.shipment
    if shipment is None:
        return []
    return [TimelineEntry(e.status, e.created_at, e.note, e.photo_key) for e in shipment.events]


def delivered_without_pin(shipment: Shipment | None) -> bool:
    """The courier delivered on a photo and the recipient's name instead of the buyer's PIN."""
    return shipment is not None and shipment.status == T.DELIVERED and bool(
        shipment.proof_key or shipment.recipient_name
    )


def sentra_map_link(sentra: Any) -> str:
    """A map search for the sentra's address (the sentra keeps an address, not coordinates)."""
    kelurahan = getattr(sentra, "kelurahan", None)
    place = f"{sentra.address}, {kelurahan.label}, Kota Bekasi" if kelurahan is not None else \
        f"{sentra.address}, Kota Bekasi"
    return "https://www.google.com/maps/search/?api=1&query=" + quote_plus(place)


# --- public tracking -------------------------------------------------------------------------------


def load_tracked_order(number: str, code: str | None) -> Order:
    """The order ``number`` if ``code`` is its tracking code, with shipment and events (two queries).

    The code is compared in constant time; a missing or wrong code looks like a missing order.

    :raise OrderNotFoundError: no such order, or the code is missing or wrong.
    """
    if not code or len(number) > 40:
        raise OrderNotFoundError(number)
    order = db.session.scalar(
        select(Order).where(Order.number == number).options(
            joinedload(Order.checkout).joinedload(Checkout.buyer),
            joinedload(Order.shipment).selectinload(Shipment.events),
        )
    )
    expected = order.tracking_code if order is not None else "x" * 12
    matches = hmac.compare_digest(expected.encode(), code.strip().upper().encode()[:64])
    if order is None or not matches:
        raise OrderNotFoundError(number)
    return order


def public_tracking(order: Order, now: datetime | None = None) -> PublicTracking:
    """The public projection of ``order`` (loaded by :func:`load_tracked_order`). Reads only."""
    shipment = order.shipment
    without_pin = shipment is not None and bool(shipment.proof_key or shipment.recipient_name)
    events = []
    for event in (shipment.events if shipment is not None else []):
        # The sentra's own notes stay off the public page: free text can name the buyer, a
        # neighbour or a house in ways no filter catches. Only the system's note is shown.
        note = WITHOUT_PIN_NOTE if event.status == T.DELIVERED and without_pin else None
        events.append(TimelineEntry(event.status, event.created_at, note))
    return PublicTracking(
        number=order.number,
        sentra_name=order.sentra.name,
        status=order.status,
        delivery_method=order.delivery_method,
        shipment_status=shipment.status if shipment is not None else None,
        carrier=shipment.carrier if shipment is not None else None,
        carrier_name=shipment_carrier_label(shipment),
        waybill=shipment.waybill if shipment is not None else None,
        carrier_tracking_url=carrier_link(shipment),
        promised_at=order.promised_at,
        late=is_late(order.promised_at, now or utcnow(), order.status),
        delivered_without_pin=without_pin,
        events=events,
    )

