"""What a search asks and what it answers, shared by every backend."""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from shop.records import quick_init


class Sort(StrEnum):
    RELEVANCE = "relevance"
    PRICE_ASC = "price_asc"  # by the product's lowest active variant price
    PRICE_DESC = "price_desc"
    NEWEST = "newest"
    RATING = "rating"


FACETS = ("subsector", "kecamatan", "sentra")
MAX_PER_PAGE = 100
MAX_TEXT = 200  # longer queries are cut, not refused


@quick_init
@dataclass(frozen=True)
class SearchQuery:
    """A search: free text plus filters. Every filter narrows; several values of one filter widen (OR)."""

    text: str = ""
    subsector: tuple[str, ...] = ()
    kecamatan: tuple[str, ...] = ()  # kecamatan codes, e.g. "32.75.08"
    kelurahan: tuple[str, ...] = ()  # kelurahan codes
    sentra: tuple[str, ...] = ()  # sentra slugs
    min_price: int | None = None  # rupiah, against the lowest active variant price
    max_price: int | None = None
    in_stock: bool = False
    made_to_order: bool | None = None
    sort: Sort = Sort.RELEVANCE
    page: int = 1
    per_page: int = 20

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page

    def filters(self) -> dict[str, object]:
        """The active filters, for chips and the API's echo."""
        out: dict[str, object] = {}
        for name in ("subsector", "kecamatan", "kelurahan", "sentra"):
            if getattr(self, name):
                out[name] = list(getattr(self, name))
        for name in ("min_price", "max_price", "made_to_order"):
            if getattr(self, name) is not None:
                out[name] = getattr(self, name)
        if self.in_stock:
            out["in_stock"] = True
        return out


@quick_init
@dataclass(frozen=True)
class Hit:
    product_id: int
    title: str
    slug: str
    sentra_slug: str
    sentra_name: str
    kelurahan_code: str
    kelurahan_name: str
    kecamatan_code: str
    kecamatan_name: str
    subsector_code: str
    price_min_idr: int
    price_max_idr: int
    in_stock: bool
    made_to_order: bool
    thumb_key: str | None = None  # storage key of the first photo's 320 px thumbnail


@quick_init
@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int


@quick_init
@dataclass(frozen=True)
class SearchResult:
    hits: list[Hit]
    total: int
    page: int
    per_page: int
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    suggestion: str | None = None  # "did you mean", when the text looked misspelt
    backend: str = "sql"
