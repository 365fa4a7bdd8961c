"""The shapes of fulfilment (orders/shipping/api.py) and public tracking (orders/shipping/track_api.py)."""
from __future__ import annotations

from typing import Literal, Required

from pydantic import StrictStr
from typing_extensions import TypedDict

from orders.core.models import DeliveryMethod, OrderStatus
from orders.shipping.models import Carrier, TrackingStatus
from orders.shipping.timeline import PAID_WITH
from shop.api.schemas import Body, When, described

# --- public tracking ---------------------------------------------------------------------------


class TrackingCourier(TypedDict, total=False):
    carrier: Carrier | None
    name: str | None
    waybill: str | None
    tracking_url: described(str | None, "the carrier's own tracking page")


class TimelineStep(TypedDict, total=False):
    at: Required[When]
    status: Required[TrackingStatus]
    note: str | None


class Tracking(TypedDict, total=False):
    """Where an order is, without the buyer's personal data (no name, address, phone, email, pickup code or
    delivery PIN)"""

    number: Required[str]
    sentra: described(str, "the sentra's name")
    status: Required[described(OrderStatus, "the order's status")]
    delivery_method: Required[DeliveryMethod]
    shipment_status: TrackingStatus | None
    courier: TrackingCourier | None
    promised_at: described(When | None, "when it should be ready (pickup) or arrive")
    late: described(bool, "past the promised date and not yet delivered")
    events: Required[described(list[TimelineStep], "the timeline, oldest first")]


# --- the sentra's fulfilment ---------------------------------------------------------------------


class TrackingEvent(TypedDict, total=False):
    id: int
    status: TrackingStatus
    note: str | None
    at: When
    has_photo: bool


class ShipmentOrder(TypedDict, total=False):
    number: str
    status: str
    payment_status: str


class Shipment(TypedDict, total=False):
    """The sentra's view of a shipment; never the pickup code or the delivery PIN."""

    order: ShipmentOrder
    method: DeliveryMethod
    status: TrackingStatus | None
    courier: Carrier | None
    courier_label: str | None
    waybill: str | None
    tracking_url: described(str | None, "A link to the carrier's own public tracking page (a link only)")
    courier_user_id: described(int | None, "The sentra's courier (a member)")
    code_failures: int
    locked: described(bool, "Five wrong codes in a row: a manager must reset it")
    recipient_name: described(str | None, "Delivered without the PIN to")
    delivered_at: When | None
    events: list[TrackingEvent]
    next_events: described(list[str], "Steps the timeline can take next (handovers excluded)")


class TrackingResult(TypedDict):
    event: TrackingEvent
    shipment: Shipment


class TrackingInput(Body):
    """Documents the body; the view checks it by hand (``status`` first, with its own messages)."""

    status: TrackingStatus
    note: described(StrictStr | None, "required (3-500 characters) for delivery_failed", max_length=500) = None
    courier: described(Carrier | None, "the external courier (handed_to_courier of a courier order)") = None
    waybill: described(StrictStr | None, "normalised: whitespace removed, upper case; 6-40 of A-Z, 0-9 and -") = None
    carrier_name: described(StrictStr | None, "the name for courier other", max_length=60) = None


class HandoverInput(Body):
    """Documents the body; the view checks it by hand."""

    code: described(StrictStr, "the buyer's 6-digit pickup code or delivery PIN")
    paid_with: described(Literal[PAID_WITH] | None, "required for an unpaid pay-on-pickup order") = None


