"""External couriers: waybill normalisation, carrier checks, tracking links, the manual adapter."""
from __future__ import annotations

import pytest

from orders.shipping import carriers, services
from tests.orders.shipping_helpers import accepted_order, advance


@pytest.mark.nodb
@pytest.mark.parametrize(("raw", "clean"), [
    ("jne 0012 3456 78", "JNE0012345678"),
    ("  jp1234567890\t", "JP1234567890"),
    ("ab-12 cd-34", "AB-12CD-34"),
    ("0 0 0 0 0 1", "000001"),
])
def test_waybill_loses_its_whitespace_and_is_upper_case(raw, clean):
    assert services.normalise_waybill(raw) == clean


@pytest.mark.nodb
@pytest.mark.parametrize("raw", ["", "   ", "12345", "A" * 41, "JNE#123456", "résumé123", "JNE_123456", None])
def test_waybill_of_the_wrong_shape_is_refused(raw):
    with pytest.raises(services.InvalidWaybillError) as refused:
        services.normalise_waybill(raw)
    assert refused.value.status == 422 and "waybill" in refused.value.fields


def test_handing_to_a_courier_stores_the_normalised_waybill():
    order, owner, _, _ = accepted_order("courier")
    services.record_tracking_event(order, "handed_to_courier", owner, courier="sicepat", waybill=" 0012 abc 99 ")
    assert (order.shipment.carrier, order.shipment.waybill) == ("sicepat", "0012ABC99")


def test_an_unknown_courier_is_refused():
    order, owner, _, _ = accepted_order("courier")
    with pytest.raises(services.InvalidCarrierError) as refused:
        services.record_tracking_event(order, "handed_to_courier", owner, courier="dhl", waybill="123456789")
    assert refused.value.status == 422
    assert order.shipment.status is None and order.shipment.carrier is None


def test_a_bad_waybill_leaves_the_timeline_unchanged():
    order, owner, _, _ = accepted_order("courier")
    with pytest.raises(services.InvalidWaybillError):
        services.record_tracking_event(order, "handed_to_courier", owner, courier="jne", waybill="12 34")
    assert order.shipment.status is None and order.status == "processing"


def test_set_waybill_corrects_a_waybill_while_the_parcel_travels():
    order, owner, _, _ = accepted_order("courier")
    advance(order, owner, ["handed_to_courier"])
    services.set_waybill(order, "other", "kurir-77-abc", carrier_name="Kurir Kampung")
    assert (order.shipment.carrier, order.shipment.waybill, order.shipment.carrier_name) == (
        "other", "KURIR-77-ABC", "Kurir Kampung")


def test_set_waybill_is_only_for_external_couriers():
    order, owner, _, _ = accepted_order("pickup")
    with pytest.raises(services.TimelineError):
        services.set_waybill(order, "jne", "1234567890")


@pytest.mark.nodb
@pytest.mark.parametrize(("carrier", "start"), [
    ("jne", "https://www.jne.co.id/tracking-package?resi=AB123456"),
    ("jnt", "https://jet.co.id/track?awb=AB123456"),
    ("sicepat", "https://www.sicepat.com/checkAwb?awb=AB123456"),
    ("anteraja", "https://anteraja.id/tracking/AB123456"),
    ("pos", "https://www.posindonesia.co.id/id/tracking?resi=AB123456"),
])
def test_each_carrier_links_to_its_own_tracking_page(carrier, start):
    assert carriers.tracking_url(carrier, "AB123456") == start


@pytest.mark.nodb
def test_other_courier_and_a_missing_waybill_have_no_link():
    assert carriers.tracking_url("other", "AB123456") is None
    assert carriers.tracking_url("jne", None) is None
    assert carriers.tracking_url(None, "AB123456") is None


@pytest.mark.nodb
def test_only_the_manual_adapter_ships_and_it_fetches_nothing():
    assert all(isinstance(a, carriers.ManualAdapter) for a in carriers.ADAPTERS.values())
    assert carriers.adapter_for("jne").fetch_events("AB123456") == []
