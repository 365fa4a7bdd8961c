"""The shapes and parameters of the search API (catalog/search/api.py)."""
from __future__ import annotations

from typing import Annotated, Literal, NotRequired, Required

from pydantic import Field
from typing_extensions import TypedDict

from catalog.search.types import MAX_TEXT, Sort
from shop.api.operations import query
from shop.api.paging import MAX_PAGE, MAX_PER_PAGE
from shop.api.schemas import MAX_BODY_INT, PER_PAGE, Place, When, described

Price = Annotated[int, Field(ge=0, le=MAX_BODY_INT)]
SEARCH_PARAMS = [
    query("q", str, f"free text, cut to its first {MAX_TEXT} characters; typos, spelling variants and place "
                    "aliases are tolerated", allow_empty=True),
    query("subsector", list[str], "subsector codes (repeat for several: any of them)"),
    query("kecamatan", list[str], "kecamatan codes, e.g. 32.75.08"),
    query("kelurahan", list[str], "kelurahan codes, e.g. 32.75.08.1001"),
    query("sentra", list[str], "sentra slugs"),
    query("min_price", Price, "whole rupiah, against the product's lowest active variant price; empty: no bound; "
                              "the search page's spellings (50.000, Rp50.000, 50.000,00) are read too, sen or an "
                              "unclear grouping is a 400", allow_empty=True),
    query("max_price", Price, "whole rupiah, read as min_price", allow_empty=True),
    query("in_stock", bool, "only products in stock"),
    query("made_to_order", bool, "true: only made to order; false: only ready stock; absent: both"),
    query("sort", Sort, allow_empty=True, default=Sort.RELEVANCE.value),
    query("page", Annotated[int, Field(ge=1, le=MAX_PAGE)], allow_empty=True, default=1),
    query("per_page", Annotated[int, Field(ge=1, le=MAX_PER_PAGE)], "empty: the default, as on the /search page",
          allow_empty=True, default=PER_PAGE.default),
]


class HitSentra(TypedDict, total=False):
    slug: str
    name: str


class SearchHit(TypedDict, total=False):
    id: int
    title: str
    url: described(str, "the public product page")
    sentra: HitSentra
    kelurahan: Place
    kecamatan: Place
    subsector: described(str, "subsector code")
    price_min_idr: described(int, "lowest active variant price")
    price_max_idr: described(int, "highest active variant price")
    in_stock: bool
    made_to_order: bool
    thumbnail_url: described(str | None, "320 px wide thumbnail of the first photo")


class Facet(TypedDict):
    value: str
    label: str
    count: int


class Facets(TypedDict, total=False):
    """counts that respect the other active filters"""

    subsector: list[Facet]
    kecamatan: list[Facet]
    sentra: list[Facet]


class Session(TypedDict):
    starts_at: When
    ends_at: When


class Sentra(TypedDict):
    slug: str
    name: str
    kelurahan_code: str | None


class ClassSummary(TypedDict):
    """A class as GET /api/v1/classes lists it (the orders package fills it; its API extends it)."""

    id: int
    sentra: Sentra
    title: str
    sessions: list[Session]
    capacity: int
    seats_left: int
    price_idr: int
    audience: Literal["public", "youth"]


class SearchResult(TypedDict):
    hits: list[SearchHit]
    total: int
    page: int
    per_page: int
    facets: Facets
    suggestion: described(str | None, "did you mean, when the text looked misspelt")
    classes: NotRequired[described(list[ClassSummary], "upcoming classes whose title holds the text, as GET "
                                   "/api/v1/classes lists them; on the first page only, else empty")]


class Suggestion(TypedDict):
    type: Annotated[str, Field(json_schema_extra={"enum": ["product", "sentra"]})]
    label: str
    url: str
    sentra_name: NotRequired[str]  # products only: the sentra that sells it
    thumbnail_url: NotRequired[str | None]  # products only: the first photo's 320 px thumbnail


class Suggestions(TypedDict, total=False):
    items: Annotated[list[Suggestion], Field(max_length=9)]


__all__ = ["Required"]
