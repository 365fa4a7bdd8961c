"""The dashboard's tables as plain rows: for the CSV downloads and the JSON API."""
from __future__ import annotations

from typing import Any

from orders.impact.queries import FIGURE_NAMES, ImpactReport
from shop.spreadsheet import csv_text

CITY_CODE = "32.75"  # Kemendagri code of Kota Bekasi
CITY_NAME = "Kota Bekasi"
TABLES = ("kelurahan", "kecamatan", "monthly")
MONTH_FIELDS = ("month", "orders", "gmv_idr", "active_members", "paid_out_idr")


def kelurahan_items(report: ImpactReport) -> list[dict[str, Any]]:
    return [{"code": row.code, "name": row.name, "kecamatan_code": row.kecamatan_code,
             "kecamatan_name": row.kecamatan_name, **row.figures.as_dict()} for row in report.kelurahan]


def kecamatan_items(report: ImpactReport) -> list[dict[str, Any]]:
    return [{"code": row.code, "name": row.name, **row.figures.as_dict()} for row in report.kecamatan]


def monthly_items(report: ImpactReport) -> list[dict[str, Any]]:
    return [{name: getattr(month, name) for name in MONTH_FIELDS} for month in report.monthly]


def as_json(report: ImpactReport) -> dict[str, Any]:
    """The API's body: the period, 56 kelurahan rows, the kecamatan rows, the city and the months."""
    return {
        "from": report.period.first.isoformat(),
        "to": report.period.last.isoformat(),
        "kelurahan": kelurahan_items(report),
        "kecamatan": kecamatan_items(report),
        "city": {"code": CITY_CODE, "name": CITY_NAME, **report.city.as_dict()},
        "monthly": monthly_items(report),
    }


def table_csv(report: ImpactReport, table: str) -> str:
    """One table as CSV (the kecamatan table ends with the city's row). ``table`` is one of TABLES."""
    if table == "kelurahan":
        header = ["code", "name", "kecamatan_code", "kecamatan_name", *FIGURE_NAMES]
        rows: list[dict[str, Any]] = kelurahan_items(report)
    elif table == "kecamatan":
        header = ["code", "name", *FIGURE_NAMES]
        rows = [*kecamatan_items(report), {"code": CITY_CODE, "name": CITY_NAME, **report.city.as_dict()}]
    elif table == "monthly":
        header, rows = list(MONTH_FIELDS), monthly_items(report)
    else:
        raise ValueError(f"unknown table {table!r}")
    return csv_text(header, ([row[name] for name in header] for row in rows))

