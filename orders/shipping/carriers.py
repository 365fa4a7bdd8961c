"""External couriers: the link to each carrier's own tracking page, behind a small adapter interface.

Only :class:`ManualAdapter` ships: the sentra types the events in, and the buyer gets a
link to the carrier's public tracking page. The URLs below are the carriers' public
tracking pages with the waybill filled in; they are links only (nothing here calls
them). Automatic tracking for a carrier can be added later by registering an adapter
whose :meth:`CarrierAdapter.fetch_events` asks the carrier's API, without touching
the services, pages or API that use :func:`adapter_for`.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote

from orders.shipping.models import Carrier

# Public tracking pages, ``{waybill}`` filled in (URL-quoted). "other" has no page.
TRACKING_URLS: dict[str, str | None] = {
    Carrier.JNE: "https://www.jne.co.id/tracking-package?resi={waybill}",
    Carrier.JNT: "https://jet.co.id/track?awb={waybill}",
    Carrier.SICEPAT: "https://www.sicepat.com/checkAwb?awb={waybill}",
    Carrier.ANTERAJA: "https://anteraja.id/tracking/{waybill}",
    Carrier.POS: "https://www.posindonesia.co.id/id/tracking?resi={waybill}",
    Carrier.OTHER: None,
}

CARRIER_NAMES: dict[str, str] = {
    Carrier.JNE: "JNE",
    Carrier.JNT: "J&T Express",
    Carrier.SICEPAT: "SiCepat",
    Carrier.ANTERAJA: "AnterAja",
    Carrier.POS: "Pos Indonesia",
    Carrier.OTHER: "Other",
}


@dataclass(frozen=True)
class CarrierEvent:
    """One step a carrier reports (what an automatic adapter would return)."""

    status: str  # a TrackingStatus value
    at: datetime
    note: str | None = None


class CarrierAdapter:
    """How the shop talks to one carrier: a tracking link, and (later) the carrier's own events."""

    def __init__(self, carrier: str) -> None:
        self.carrier = carrier

    def tracking_url(self, waybill: str | None) -> str | None:
        """The carrier's public tracking page for ``waybill``, or None (no page, or no waybill)."""
        template = TRACKING_URLS.get(self.carrier)
        if not template or not waybill:
            return None
        return template.format(waybill=quote(waybill, safe=""))

    def fetch_events(self, waybill: str) -> list[CarrierEvent]:
        """The carrier's events for ``waybill``, oldest first."""
        raise NotImplementedError


class ManualAdapter(CarrierAdapter):
    """The only adapter that ships: events are entered by the sentra, so it fetches nothing.

    It gives the link to the carrier's public tracking page (a link only; the page is
    never called by the shop) and returns no events.
    """

    def fetch_events(self, waybill: str) -> list[CarrierEvent]:
        return []


# Carrier code -> adapter. An automatic adapter for a carrier replaces its entry here.
ADAPTERS: dict[str, CarrierAdapter] = {carrier.value: ManualAdapter(carrier.value) for carrier in Carrier}


def adapter_for(carrier: str | None) -> CarrierAdapter | None:
    return ADAPTERS.get(carrier or "")


def tracking_url(carrier: str | None, waybill: str | None) -> str | None:
    """The public tracking link of ``carrier`` for ``waybill`` (None for "other" or without a waybill)."""
    adapter = adapter_for(carrier)
    return adapter.tracking_url(waybill) if adapter is not None else None


def carrier_label(carrier: str | None, carrier_name: str | None = None) -> str:
    """The name to show: the carrier's, or for "other" the name the sentra typed."""
    if carrier == Carrier.OTHER and carrier_name:
        return carrier_name
    return CARRIER_NAMES.get(carrier or "", carrier or "")
