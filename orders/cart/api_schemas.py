"""The shapes of the cart API (orders/cart/api.py)."""
from __future__ import annotations

from typing import Annotated, Required

from pydantic import Field
from typing_extensions import TypedDict

from orders.cart.services import MAX_QUANTITY
from shop.api.schemas import Body, BodyInt, described

# The range is the service's rule (a 422 invalid_quantity); the model only wants a whole number.
Quantity = Annotated[BodyInt, Field(json_schema_extra={"minimum": 1, "maximum": MAX_QUANTITY})]


class CartItem(TypedDict, total=False):
    id: Required[int]
    variant_id: Required[int]
    product_id: Required[int]
    title: Required[str]
    variant_label: Required[described(str, "e.g. \"Ukuran: M\"; empty for a single variant")]
    sku: str
    quantity: Required[Annotated[int, Field(ge=1, le=MAX_QUANTITY)]]
    unit_price_idr: Required[described(int, "today's unit price for this buyer and quantity (a verified "
                                            "partner's tier price where one applies)")]
    seen_unit_price_idr: described(int, "the unit price when added or last accepted")
    line_total_idr: Required[int]
    sentra: Required[described(str, "the sentra's slug")]
    price_changed: Required[described(bool, "unit_price_idr differs from seen_unit_price_idr")]
    stock_short: Required[described(bool, "fewer units in stock than the quantity")]
    available_stock: described(int | None, "null for made-to-order variants")
    unavailable: Required[described(bool, "archived variant, or product or sentra not active: cannot be bought")]


class CartSentra(TypedDict, total=False):
    sentra: Required[str]
    name: str
    subtotal_idr: Required[int]


class Cart(TypedDict):
    items: list[CartItem]
    sentras: described(list[CartSentra], "subtotal per sentra (unavailable items left out)")
    total_idr: int
    item_count: described(int, "units in the cart")


class CartItemInput(Body):
    variant_id: BodyInt
    quantity: described(Quantity, "added to the item's quantity if the variant is already there") = 1


class CartQuantity(Body):
    quantity: Quantity

