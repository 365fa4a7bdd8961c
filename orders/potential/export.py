"""The office table of the potential map as CSV (``/admin/potensi.csv``)."""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from orders.potential.queries import PlaceRow, PotentialReport
from shop.spreadsheet import csv_text

HEADER = ["code", "name", "kecamatan_name", "products", "products_in_stock", "subsectors", "searches", "searchers",
          "orders_by_residents", "orders_by_residents_elsewhere", "unmet"]


def _row(row: PlaceRow) -> list[Any]:
    return [row.code, row.name, row.kecamatan_name, row.supply.products, row.supply.products_in_stock,
            " ".join(row.supply.subsectors), row.demand.searches, row.demand.searchers,
            row.demand.orders_by_residents, row.demand.orders_by_residents_elsewhere,
            "; ".join(f"{t.term} ({t.searchers})" for t in row.unmet)]


def table_csv(report: PotentialReport) -> str:
    """The 56 kelurahan rows then the city's; ``unmet`` lists the shown terms with their searchers."""
    def rows() -> Iterator[list[Any]]:
        for row in report.kelurahan:
            yield _row(row)
        yield _row(report.city)

    return csv_text(HEADER, rows())
