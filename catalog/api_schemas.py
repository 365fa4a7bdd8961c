"""The shapes of the catalog's API (catalog/api.py): products, variants and stock changes."""
from __future__ import annotations

from typing import Annotated, Any, Required

from pydantic import Field, StrictInt, StrictStr, field_validator
from typing_extensions import TypedDict

from catalog import stock
from catalog.products.models import ProductStatus, StockReason
from shop.api.operations import path
from shop.api.schemas import Body, When, described, one_of, page_of

PRODUCT_ID = path("product_id", int)
SENTRA_SLUG = path("sentra_slug")
MEMBER_STOCK_REASONS = (StockReason.RESTOCK, StockReason.CORRECTION, StockReason.RETURN)


class Tier(TypedDict):
    min_qty: Annotated[int, Field(ge=2)]
    unit_price_idr: Annotated[int, Field(ge=0)]


class Option(TypedDict, total=False):
    name: str
    value: str


class Variant(TypedDict, total=False):
    id: int
    sku: str
    options: list[Option]
    price_idr: described(int, "retail unit price")
    stock: int
    weight_grams: int
    min_wholesale_qty: described(int | None, "partners and the sentra only")
    tiers: described(list[Tier], "only for a verified partner's member (and the sentra's own API)")
    low_stock_threshold: described(int, "the sentra's own API only")


class Image(TypedDict, total=False):
    alt: str
    url: str
    w320: str
    w960: str


class Product(TypedDict, total=False):
    id: int
    title: str
    slug: str
    description: str
    sentra: described(str, "the sentra's slug")
    subsector: described(str, "subsector code, e.g. kuliner")
    category: str
    status: ProductStatus
    made_to_order: bool
    lead_time_days: int | None
    pirt_number: str | None
    halal_number: str | None
    shelf_life_days: int | None
    url: described(str, "the public product page")
    ref: described(str, "the sentra's own API only")
    images: list[Image]
    variants: list[Variant]


ProductList = page_of(Product, "ProductList")


class NamedOption(TypedDict):
    name: str
    value: str


Options = Annotated[
    dict[str, str] | list[NamedOption],
    Field(description="Option values in order: an object {\"Ukuran\": \"M\"} or a list of {name, value}; a name has "
                      "at most 30 characters, a value at most 40")]


class VariantInput(TypedDict, total=False):
    id: described(int, "an existing variant (PATCH); omit for a new one")
    sku: Required[str]
    options: Options
    price_idr: Required[Annotated[int, Field(ge=0)]]
    stock: described(int, "initial stock of a new variant only", ge=0)
    weight_grams: Annotated[int, Field(ge=0)]
    low_stock_threshold: Annotated[int, Field(ge=0)]
    min_wholesale_qty: Annotated[int | None, Field(ge=1)]
    tiers: list[Tier]


class ProductInput(TypedDict, total=False):
    """POST needs title, subsector and variants; PATCH changes only the fields given, and variants, if given,
    replace the list (variants left out are archived)."""

    title: str
    description: str
    subsector: str
    category: str
    status: Annotated[ProductStatus, Field(json_schema_extra={"default": ProductStatus.DRAFT.value})]
    made_to_order: bool
    lead_time_days: int | None
    pirt_number: str | None
    halal_number: str | None
    shelf_life_days: int | None
    ref: described(str | None, "the sentra's own reference, set by POST (default P-000001, ...); a PATCH may "
                                "repeat it, not change it")
    variants: list[VariantInput]


class StockChange(Body):
    delta: Annotated[StrictInt, Field(
        ge=-stock.MAX_CHANGE, le=stock.MAX_CHANGE, json_schema_extra={"not": {"const": 0}},
        description="units added (negative: removed), at most 1,000,000 either way")]
    reason: one_of(*MEMBER_STOCK_REASONS)
    note: StrictStr | None = None

    @field_validator("delta")
    @classmethod
    def _not_zero(cls, value: int) -> int:
        if value == 0:
            raise ValueError("a change of 0")
        return value


STOCK_CHANGE_MESSAGES: dict[str, Any] = {
    "delta": f"A whole number other than 0, from {-stock.MAX_CHANGE} to {stock.MAX_CHANGE}.",
    "reason": "One of: " + ", ".join(sorted(r.value for r in MEMBER_STOCK_REASONS)) + ".",
    "note": "Must be a string.",
}


class Movement(TypedDict, total=False):
    id: int
    delta: int
    reason: str
    stock_after: int
    note: str | None
    created_at: When


class StockResult(TypedDict, total=False):
    variant_id: int
    stock: int
    movement: Movement
