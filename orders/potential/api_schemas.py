"""The shapes of the potential map in the API (orders/potential/api.py)."""
from __future__ import annotations

from typing import Annotated, Any, Literal, Required

from pydantic import Field
from typing_extensions import TypedDict

from orders.impact.api_schemas import KELURAHAN_IN_THE_CITY, PERIOD_PARAMS
from orders.potential.models import CITY
from orders.potential.queries import CITY_NAME
from shop.api.schemas import Day, described

__all__ = ["PERIOD_PARAMS", "Potential", "Opportunities"]


class UnmetTerm(TypedDict):
    term: described(str, "the search text, lower case, spaces collapsed")
    searches: described(int, "searches of it that found nothing (no filters, no results)")
    searchers: described(int, "distinct people among them; at least POTENTIAL_MIN_SEARCHERS (default 5), else "
                              "the term is not shown")


class Supply(TypedDict):
    products: described(int, "active products of the kelurahan's active sentra (today)")
    products_in_stock: described(int, "those with a variant in stock, or made to order")
    subsectors: described(list[str], "the subsector codes of those products")


class Demand(TypedDict):
    searches: described(int, "searches by residents in the period (first pages with a text; robots not counted)")
    searchers: described(int, "distinct residents among them")
    orders_by_residents: described(int, "counted orders placed in the period by people living there")
    orders_by_residents_elsewhere: described(int, "of them, orders at another kelurahan's sentra")


UNMET = described(Annotated[list[UnmetTerm], Field(max_length=10)], "up to 10, most searchers first")
SURVEY = described(dict[str, Any] | None, "the latest field survey of the kelurahan, or null")

class PotentialKelurahan(TypedDict):
    code: described(str, "Kemendagri code, e.g. 32.75.12.1003")
    name: str
    supply: Supply
    demand: Demand
    unmet: UNMET
    survey: SURVEY


class PotentialCity(TypedDict):
    code: Literal[CITY]
    name: Literal[CITY_NAME]
    supply: Supply
    demand: Demand
    unmet: UNMET
    survey: SURVEY


Potential = TypedDict("Potential", {  # type: ignore[misc]
    "from": Required[Day], "to": Required[Day],
    "min_searchers": described(int, "POTENTIAL_MIN_SEARCHERS: fewer distinct searchers and a term is not shown"),
    "kelurahan": Required[described(
        Annotated[list[PotentialKelurahan], Field(min_length=KELURAHAN_IN_THE_CITY, max_length=KELURAHAN_IN_THE_CITY)],
        "every kelurahan of Kota Bekasi, zeros included, by kecamatan then name")],
    "city": Required[PotentialCity]}, total=False)


class Count(TypedDict):
    orders: described(int, "orders that included it")


class SubsectorCount(Count):
    code: str
    name: str


class ProductCount(Count):
    title: described(str, "the product's title as bought")


class BoughtElsewhere(TypedDict):
    subsectors: list[SubsectorCount]
    products: list[ProductCount]


class PlaceUnmet(TypedDict):
    code: str
    name: str
    unmet: UNMET


Opportunities = TypedDict("Opportunities", {  # type: ignore[misc]
    "from": Required[Day], "to": Required[Day],
    "kelurahan": Required[described(PlaceUnmet, "what people living in the sentra's kelurahan looked for and "
                                                "found nowhere")],
    "kecamatan": Required[described(PlaceUnmet, "the same for its kecamatan")],
    "bought_elsewhere": Required[described(BoughtElsewhere, "what they bought at other kelurahan's sentras, "
                                                            "counts only, most first (up to 10 each)")]},
    total=False)
