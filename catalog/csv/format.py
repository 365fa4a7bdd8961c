"""The CSV format's columns, the import's results and errors, and the plan an import is checked into."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from catalog.products.services import ProductDraft, VariantDraft

COLUMNS = (
    "product_ref", "title", "description", "subsector", "category", "status", "made_to_order",
    "lead_time_days", "weight_grams", "sku", "variant", "price_idr", "stock", "wholesale_tiers",
    "min_wholesale_qty",
)
# Must be the same on every row of one product.
PRODUCT_COLUMNS = ("title", "description", "subsector", "category", "status", "made_to_order", "lead_time_days")


@dataclass(frozen=True, order=True)
class RowError:
    """One problem: ``row`` counts the header as 1 (None: the whole file); ``column`` may be None."""

    row: int | None
    column: str | None
    message: str


class CsvImportError(Exception):
    """The file was refused; ``errors`` lists every problem. Nothing was written."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(f"{len(errors)} error(s) in the CSV file")
        self.errors = errors


@dataclass
class ImportSummary:
    products_created: int = 0
    products_updated: int = 0
    products_unchanged: int = 0
    variants_created: int = 0
    variants_updated: int = 0
    stock_corrections: int = 0


@dataclass
class Row:
    number: int
    product: dict[str, Any]  # parsed product-level values
    variant: VariantDraft
    stock_given: bool


@dataclass
class Existing:
    """A product of the sentra as read (plain rows, no ORM objects): most rows of a re-import change nothing."""

    product: Any
    variants: list[Any] = field(default_factory=list)  # ordered by position, id; archived ones too
    tiers: dict[int, list[tuple[int, int]]] = field(default_factory=dict)  # variant id -> (min_qty, price)

    @property
    def active_variants(self) -> list[Any]:
        return [v for v in self.variants if not v.archived]


@dataclass
class Plan:
    """One product of the file: its rows, the matching product (if any) and the merged draft."""

    ref: str
    rows: list[Row] = field(default_factory=list)
    existing: Existing | None = None
    draft: ProductDraft | None = None
    row_of_index: list[int | None] = field(default_factory=list)  # draft variant -> row (None: not in file)


class ErrorList:
    """Collects errors; the first message for a (row, column) wins, so one cause is told once."""

    def __init__(self) -> None:
        self._by_cell: dict[tuple[int | None, str | None], str] = {}

    def add(self, row: int | None, column: str | None, message: Any) -> None:
        self._by_cell.setdefault((row, column), str(message))

    def has(self, row: int, column: str) -> bool:
        return (row, column) in self._by_cell

    def __bool__(self) -> bool:
        return bool(self._by_cell)

    def sorted(self) -> list[RowError]:
        return sorted(
            (RowError(row, column, message) for (row, column), message in self._by_cell.items()),
            key=lambda e: (e.row or 0, COLUMNS.index(e.column) if e.column in COLUMNS else -1, e.message),
        )
