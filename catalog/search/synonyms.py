"""Synonym groups: shipped in data/synonyms.txt, editable by the program office (SearchSynonym rows)."""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from catalog.search.models import SearchSynonym
from catalog.search.text import words
from shop.database import prebuilt_rows
from shop.extensions import db

SHIPPED = Path(__file__).parent / "data" / "synonyms.txt"


def parse_group(line: str) -> list[str]:
    """``"kaos, kaus, T-Shirt"`` -> ``["kaos", "kaus", "t shirt"]`` (normalised, duplicates dropped)."""
    members = (" ".join(words(part)) for part in line.split(","))
    return list(dict.fromkeys(m for m in members if m))


def shipped_groups() -> list[list[str]]:
    return _groups_of_file(SHIPPED.read_text(encoding="utf-8"))


def _groups_of_file(text: str) -> list[list[str]]:
    return [group for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")
            if (group := parse_group(line))]


def seed_synonyms() -> int:
    """Insert the shipped groups when there are none yet. Idempotent; flushes. Returns how many were added."""
    if db.session.scalar(select(SearchSynonym.id).limit(1)) is not None:
        return 0
    groups = shipped_groups()
    db.session.add_all(SearchSynonym(words=", ".join(group)) for group in groups)
    db.session.flush()
    return len(groups)


# Every search reads the groups: the statement is built once, and the groups are parsed again only
# when what they come from differs from the last time: the table's rows, or the shipped file's text.
_GROUP_ROWS = select(SearchSynonym.words).order_by(SearchSynonym.id)
_parsed: dict[str, tuple[object, tuple[list[str], ...]]] = {}


def synonym_groups() -> list[list[str]]:
    """The groups in force: the table's, or the shipped file's while the table is still empty.

    The groups themselves are shared between calls: read them, do not change them.
    """
    rows = tuple(row.words for row in prebuilt_rows(_GROUP_ROWS))
    source, read_from = ("table", rows) if rows else ("shipped", SHIPPED.read_text(encoding="utf-8"))
    cached = _parsed.get(source)
    if cached is None or cached[0] != read_from:
        groups = [group for row in rows if (group := parse_group(row))] if rows else _groups_of_file(read_from)
        cached = _parsed[source] = (read_from, tuple(groups))
    return list(cached[1])


def synonyms_of(word: str, groups: list[list[str]]) -> list[str]:
    """The other members of every group ``word`` belongs to (members may be phrases: "t shirt")."""
    out: list[str] = []
    for group in groups:
        if word in group:
            out.extend(m for m in group if m != word and m not in out)
    return out
