"""The shapes of the checkout API (orders/checkout/api.py)."""
from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, StrictStr
from typing_extensions import TypedDict

from orders.core.models import DeliveryMethod
from orders.core.payments import PaymentMethod
from shop.api.schemas import MAX_BODY_INT, Body, When, described


class AddressInput(Body):
    """A Kota Bekasi address gives kelurahan_code; outside the city give city and postal_code."""

    recipient: StrictStr
    phone: StrictStr
    street: StrictStr
    kelurahan_code: StrictStr | None = None
    city: StrictStr | None = None
    postal_code: Annotated[StrictStr | None, Field(pattern="^[0-9]{5}$")] = None


class DeliveryChoice(Body):
    method: DeliveryMethod


class CheckoutInput(Body):
    """Documents the body; the view checks it by hand (its field messages predate the model)."""

    payment_method: PaymentMethod
    address: AddressInput
    deliveries: described(dict[str, DeliveryChoice], "sentra slug -> the delivery chosen for its order")
    expected_total_idr: described(
        int, "The total (delivery fees included) the buyer agreed to pay. When it is today's total the checkout "
             "goes ahead even if prices changed; any other total is a 409 price_changed. Without it, every cart "
             "item must be at the price the buyer last saw (GET /cart shows a change once and from then on "
             "counts it as seen).", ge=0, le=MAX_BODY_INT) = None


class OrderDelivery(TypedDict, total=False):
    method: str


class OrderSummary(TypedDict, total=False):
    number: str
    sentra: str
    status: str
    payment_status: str
    subtotal_idr: int
    delivery_fee_idr: int
    total_idr: int
    delivery: OrderDelivery


class CheckoutPayment(TypedDict, total=False):
    method: str
    status: str
    amount_idr: int
    client_secret: described(str, "stripe_card: for stripe.confirmCardPayment")
    publishable_key: str
    instructions: described(dict[str, Any], "bank_transfer: bank, account, amount with code; qris, gopay, "
                                             "shopeepay: qr_string and/or qr_url, deeplink_url (e-wallets); va_*: bank "
                                             "and va_number (va_mandiri: biller_code and bill_key); always expires_at")


class CheckoutBody(TypedDict, total=False):
    id: int
    total_idr: int
    expires_at: When | None
    payment: CheckoutPayment
    orders: list[OrderSummary]


class Checkout(TypedDict, total=False):
    checkout: CheckoutBody
