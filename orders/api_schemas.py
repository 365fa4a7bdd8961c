"""The shapes of the orders API (orders/api.py): the buyer's and the sentra's orders."""
from __future__ import annotations

from typing import Annotated, Required

from pydantic import Field, StrictStr
from typing_extensions import TypedDict

from orders.core.models import DeliveryMethod, OrderStatus, PaymentStatus
from orders.core.payments import PaymentMethod
from shop.api.operations import path
from shop.api.schemas import Body, When, described, one_of, page_of

NUMBER = path("number", str, "the order number, e.g. PS-2611-8K3F9")


class OrderDelivery(TypedDict, total=False):
    method: DeliveryMethod
    fee_idr: int


class OrderLine(TypedDict, total=False):
    variant_id: int | None
    title: str
    variant_label: str
    sku: str
    quantity: int
    unit_price_idr: int
    total_idr: int


class OrderAddress(TypedDict, total=False):
    recipient: str
    phone: str
    street: str
    kelurahan_code: str | None
    city: str | None
    postal_code: str | None


class Buyer(TypedDict, total=False):
    name: str


OrderEvent = TypedDict("OrderEvent", {  # functional: "from" is a Python keyword
    "kind": described(str, "status, payment, refund or dispute"), "from": str | None, "to": str | None,
    "note": str | None, "at": When}, total=False)


class Order(TypedDict, total=False):
    number: Required[str]
    sentra: Required[described(str, "the sentra's slug")]
    status: Required[OrderStatus]
    payment_status: Required[PaymentStatus]
    payment_method: PaymentMethod
    subtotal_idr: int
    delivery_fee_idr: int
    total_idr: Required[int]
    refunded_idr: int
    delivery: OrderDelivery
    lines: list[OrderLine]
    tracking_code: Required[described(str, "opens public tracking (/track/<number>?code=)")]
    pickup_code: Required[described(str | None, "pickup orders only, and only for the buyer (null in the "
                                                 "sentra's API)")]
    cancel_reason: str | None
    created_at: When
    paid_at: When | None
    address: OrderAddress
    checkout_id: described(int, "the buyer's API only: its payment page is /checkout/{checkout_id}/bayar")
    buyer: described(Buyer, "the sentra's API only")
    events: described(list[OrderEvent], "the history, oldest first (not in lists)")


OrderList = page_of(Order, "OrderList")


class CancelInput(Body):
    reason: Annotated[StrictStr | None, Field(json_schema_extra={"minLength": 3, "maxLength": 500})] = None


class StatusChange(Body):
    """Documents the body; the view checks it by hand, for its own messages (``to`` before ``note``)."""

    to: one_of(OrderStatus.PROCESSING, OrderStatus.CANCELLED)
    note: described(StrictStr | None, "required (3-500 characters) for cancelled") = None
