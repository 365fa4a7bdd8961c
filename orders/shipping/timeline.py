"""The tracking timelines: which event may follow which, per delivery method, and what they mean.

Events may skip steps that do not apply, but never go backwards, and nothing follows
``delivered`` or ``returned``. Reads only.
"""
from __future__ import annotations

import re

from orders.core.models import DeliveryMethod, Order, OrderStatus
from orders.shipping.errors import InvalidCarrierError, InvalidWaybillError
from orders.shipping.models import Carrier, Shipment, TrackingStatus
from shop.accounts.models import User
from shop.sentras.access import membership_for
from shop.sentras.models import Role

T = TrackingStatus
S = OrderStatus
M = DeliveryMethod

TIMELINES: dict[str, dict[str | None, frozenset[str]]] = {
    M.PICKUP: {
        None: frozenset({T.PACKED, T.READY_FOR_PICKUP}),
        T.PACKED: frozenset({T.READY_FOR_PICKUP}),
        T.READY_FOR_PICKUP: frozenset({T.DELIVERED}),
    },
    M.SENTRA_COURIER: {
        None: frozenset({T.PACKED, T.HANDED_TO_COURIER}),
        T.PACKED: frozenset({T.HANDED_TO_COURIER}),
        T.HANDED_TO_COURIER: frozenset({T.IN_TRANSIT, T.OUT_FOR_DELIVERY, T.DELIVERED, T.RETURNED}),
        T.IN_TRANSIT: frozenset({T.OUT_FOR_DELIVERY, T.DELIVERED, T.RETURNED}),
        T.OUT_FOR_DELIVERY: frozenset({T.DELIVERY_FAILED, T.DELIVERED, T.RETURNED}),
        T.DELIVERY_FAILED: frozenset({T.OUT_FOR_DELIVERY, T.DELIVERED, T.RETURNED}),
    },
    M.COURIER: {
        None: frozenset({T.PACKED, T.HANDED_TO_COURIER}),
        T.PACKED: frozenset({T.HANDED_TO_COURIER}),
        T.HANDED_TO_COURIER: frozenset({T.IN_TRANSIT, T.OUT_FOR_DELIVERY, T.DELIVERED, T.RETURNED}),
        # A parcel passes several sorting centres: in_transit may repeat.
        T.IN_TRANSIT: frozenset({T.IN_TRANSIT, T.OUT_FOR_DELIVERY, T.DELIVERED, T.RETURNED}),
        T.OUT_FOR_DELIVERY: frozenset({T.DELIVERY_FAILED, T.DELIVERED, T.RETURNED}),
        T.DELIVERY_FAILED: frozenset({T.OUT_FOR_DELIVERY, T.DELIVERED, T.RETURNED}),
    },
}

# Events that only a handover records (the buyer's code or PIN), never a plain event.
HANDOVER_ONLY: dict[str, frozenset[str]] = {
    M.PICKUP: frozenset({T.DELIVERED}),
    M.SENTRA_COURIER: frozenset({T.DELIVERED}),
    M.COURIER: frozenset(),
}

# What an event does to the order's fulfilment status.
ORDER_STATUS_FOR: dict[str, str] = {
    T.READY_FOR_PICKUP: S.READY_FOR_PICKUP,
    T.HANDED_TO_COURIER: S.SHIPPED,
    T.DELIVERED: S.DELIVERED,
    T.RETURNED: S.CANCELLED,
}

# The order statuses in which its shipment takes events (a cancelled order's timeline is closed).
OPEN_ORDER_STATUSES = frozenset({S.PROCESSING, S.READY_FOR_PICKUP, S.SHIPPED})
FINISHED = frozenset({T.DELIVERED, T.RETURNED})

# The buyer is emailed about these events (handlers in orders.shipping.notify).
EMAIL_JOBS: dict[str, str] = {
    T.READY_FOR_PICKUP: "shipment.ready_for_pickup",
    T.HANDED_TO_COURIER: "shipment.handed_to_courier",
    T.OUT_FOR_DELIVERY: "shipment.out_for_delivery",
    T.DELIVERED: "shipment.delivered",
    T.DELIVERY_FAILED: "shipment.delivery_failed",
}

MAX_CODE_FAILURES = 5
PAID_WITH = ("cash", "qris")
NOTE_MAX = 500
REASON_MIN = 3
RECIPIENT_MIN, RECIPIENT_MAX = 2, 120
CARRIER_NAME_MAX = 60
WAYBILL_PATTERN = re.compile(r"[A-Z0-9-]{6,40}")
PHOTO_PREFIX = "private/tracking"  # never served by /media: only to the sentra, through a check


def timeline_for(method: str) -> dict[str | None, frozenset[str]]:
    return TIMELINES.get(method, {})


def can_take(shipment: Shipment, status: str) -> bool:
    """Whether ``status`` may follow the shipment's last event (handovers included)."""
    return status in timeline_for(shipment.method).get(shipment.status, frozenset())


def next_events(shipment: Shipment, order: Order) -> list[str]:
    """The plain events (not handovers) the sentra may record next, in timeline order."""
    if order.status not in OPEN_ORDER_STATUSES:
        return []
    allowed = timeline_for(shipment.method).get(shipment.status, frozenset())
    return [s for s in TrackingStatus if s in allowed and s not in HANDOVER_ONLY.get(shipment.method, ())]


def awaits_handover(shipment: Shipment, order: Order) -> bool:
    """Whether the buyer's pickup code or delivery PIN can now complete the shipment."""
    return (order.status in OPEN_ORDER_STATUSES and T.DELIVERED in HANDOVER_ONLY.get(shipment.method, ())
            and can_take(shipment, T.DELIVERED))


def is_manager(user: User, sentra_id: int) -> bool:
    membership = membership_for(user.id, sentra_id)
    return membership is not None and Role(membership.role).rank >= Role.MANAGER.rank


def normalise_waybill(raw: str | None) -> str:
    """The waybill without any whitespace, in upper case: 6-40 of A-Z, 0-9 and ``-``.

    :raise InvalidWaybillError: empty, too short or long, or other characters.
    """
    waybill = "".join((raw or "").split()).upper()
    if not WAYBILL_PATTERN.fullmatch(waybill):
        raise InvalidWaybillError("a waybill is 6-40 letters, digits or dashes",
                                  {"waybill": "6-40 of A-Z, 0-9 and -"})
    return waybill


def check_carrier(carrier: str | None) -> str:
    """:raise InvalidCarrierError: not one of :class:`~orders.shipping.models.Carrier`."""
    if carrier not in set(Carrier):
        raise InvalidCarrierError("unknown courier", {"courier": "one of: " + ", ".join(Carrier)})
    return Carrier(carrier).value
