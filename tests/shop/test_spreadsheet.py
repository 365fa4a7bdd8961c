"""The one CSV writer of every download (issue 14, defect 3): formulas never reach a spreadsheet."""
from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from shop.spreadsheet import csv_text, read_cell, safe_cell

ROOT = Path(__file__).resolve().parents[2]
WRITER_MODULE = ROOT / "shop" / "spreadsheet.py"


@pytest.mark.nodb
@pytest.mark.parametrize("text", ["=HYPERLINK(\"http://x\")", "+62 812", "-5", "@SUM(A1)", "\tx", "\rx"])
def test_text_a_spreadsheet_would_run_as_a_formula_is_written_with_a_quote(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.nodb
@pytest.mark.parametrize("value", [-5, 0, 12_500, None, "Kaos", "'kutip biasa", ""])
def test_numbers_and_plain_text_are_written_as_they_are(value):
    assert safe_cell(value) == value


@pytest.mark.nodb
@pytest.mark.parametrize("text", ["=1+1", "-5", "- poin satu", "'=1+1", "''@x", "'biasa", "biasa", "", "@"])
def test_reading_a_written_cell_gives_back_the_original_text(text):
    assert read_cell(safe_cell(text)) == text


@pytest.mark.nodb
def test_csv_text_neutralises_every_text_cell_and_keeps_the_rows():
    text = csv_text(["a", "b"], [["=cmd|' /C calc'!A0", -3]], bom=True)

    assert text.startswith("\ufeff")
    assert list(csv.reader(io.StringIO(text[1:]))) == [["a", "b"], ["'=cmd|' /C calc'!A0", "-3"]]


@pytest.mark.nodb
def test_every_csv_download_is_written_by_the_shared_writer():
    writers = re.compile(r"csv\.(writer|DictWriter)\(")
    elsewhere = [
        str(path.relative_to(ROOT))
        for package in ("shop", "catalog", "orders")
        for path in (ROOT / package).rglob("*.py")
        if path != WRITER_MODULE and writers.search(path.read_text(encoding="utf-8"))
    ]
    assert elsewhere == []
