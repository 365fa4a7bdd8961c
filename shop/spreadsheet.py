"""The one CSV writer every download uses, safe to open in a spreadsheet.

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and, in
some programs, a tab or carriage return) as a formula: a product titled
``=HYPERLINK(...)`` would become a link in the office's copy of the file. Every
text cell that starts with one of those characters is written with a leading
``'``, which spreadsheets show as plain text. Numbers are written as they are
(``-5`` stays a number).

The neutralisation can be undone exactly: :func:`read_cell` strips the quote
again, so a file we wrote and a user re-imports (the product CSV) changes
nothing. To keep that exact, text that already starts with quotes before such a
character (``'=x``) gets one more quote, which :func:`read_cell` removes too.
"""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NEUTRALISED = re.compile(r"^'+[=+\-@\t\r]")
_NEEDS_QUOTE = re.compile(r"^'*[=+\-@\t\r]")
BOM = "\ufeff"


def safe_cell(value: Any) -> Any:
    """``value`` as written to a CSV cell: text a spreadsheet would run as a formula starts with ``'``."""
    if isinstance(value, str) and _NEEDS_QUOTE.match(value):
        return "'" + value
    return value


def read_cell(text: str) -> str:
    """A cell of a file we wrote, as it was before :func:`safe_cell`: the added ``'`` is removed."""
    if _NEUTRALISED.match(text):
        return text[1:]
    return text


def csv_lines(header: Iterable[str], rows: Iterable[Iterable[Any]], *, bom: bool = False) -> Iterator[str]:
    """The CSV text line by line (CRLF, as spreadsheets write it), for streaming a long download.

    ``bom`` starts the file with a UTF-8 byte-order mark, so spreadsheet programs read accents right.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    if bom:
        buffer.write(BOM)
    writer.writerow([safe_cell(name) for name in header])
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


def csv_text(header: Iterable[str], rows: Iterable[Iterable[Any]], *, bom: bool = False) -> str:
    """The whole CSV as one string (see :func:`csv_lines`)."""
    return "".join(csv_lines(header, rows, bom=bom))
