"""Synonym groups: shipped in data/synonyms.txt, editable by the program office (SearchSynonym rows)."""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from catalog.search.models import SearchSynonym
from catalog.search.text import words
from shop.extensions import db

SHIPPED = Path(__file__).parent / "data" / "synonyms.txt"


def parse_group(line: str) -> list[str]:
    """``"kaos, kaus, T-Shirt"`` -> ``["kaos", "kaus", "t shirt"]`` (normalised, duplicates dropped)."""
    members = (" ".join(words(part)) for part in line.split(","))
    return list(dict.fromkeys(m for m in members if m))


def shipped_groups() -> list[list[str]]:
    lines = SHIPPED.read_text(encoding="utf-8").splitlines()
    return [group for line in lines if line.strip() and not line.lstrip().startswith("#")
            if (group := parse_group(line))]


def seed_synonyms() -> int:
    """Insert the shipped groups when there are none yet. Idempotent; flushes. Returns how many were added."""
    if db.session.scalar(select(SearchSynonym.id).limit(1)) is not None:
        return 0
    groups = shipped_groups()
    db.session.add_all(SearchSynonym(words=", ".join(group)) for group in groups)
    db.session.flush()
    return len(groups)


def synonym_groups() -> list[list[str]]:
    """The groups in force: the table's, or the shipped file's while the table is still empty."""
    rows = list(db.session.scalars(select(SearchSynonym.words).order_by(SearchSynonym.id)))
    if not rows:
        return shipped_groups()
    return [group for row in rows if (group := parse_group(row))]


def synonyms_of(word: str, groups: list[list[str]]) -> list[str]:
    """The other members of every group ``word`` belongs to (members may be phrases: "t shirt")."""
    out: list[str] = []
    for group in groups:
        if word in group:
            out.extend(m for m in group if m != word and m not in out)
    return out
