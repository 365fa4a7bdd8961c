"""The program office edits the search synonym groups ("kripik, keripik").

Every change queues a ``search.settings`` job, so Meilisearch gets the new synonyms
(the sql backend reads the table on each search).
"""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from catalog.search.meili import enqueue_settings_sync
from catalog.search.models import SearchSynonym
from catalog.search.synonyms import parse_group, seed_synonyms, shipped_groups
from shop.extensions import db

MAX_WORDS = 20


class SynonymGroupError(ValueError):
    """A group the search cannot use: fewer than two different words, or too many."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def synonym_rows() -> list[SearchSynonym]:
    """The editable groups, oldest first (empty until the first change: the shipped groups apply)."""
    return list(db.session.scalars(select(SearchSynonym).order_by(SearchSynonym.id)))


def default_groups() -> list[list[str]]:
    return shipped_groups()


def _normalised(text: str) -> str:
    group = parse_group(text or "")
    if len(group) < 2:
        raise SynonymGroupError(_("Give at least two different words, separated by commas."))
    if len(group) > MAX_WORDS:
        raise SynonymGroupError(_("A group holds at most %(n)s words.", n=MAX_WORDS))
    words = ", ".join(group)
    if len(words) > 500:
        raise SynonymGroupError(_("The group is too long."))
    return words


def add_synonym_group(text: str) -> SearchSynonym:
    """Add a group from comma-separated words (the shipped groups are copied in first). Flushes.

    :raise SynonymGroupError: fewer than two words, or too many.
    """
    words = _normalised(text)
    seed_synonyms()
    row = SearchSynonym(words=words)
    db.session.add(row)
    db.session.flush()
    enqueue_settings_sync()
    return row


def update_synonym_group(row: SearchSynonym, text: str) -> SearchSynonym:
    """Replace a group's words. Flushes. :raise SynonymGroupError: as :func:`add_synonym_group`."""
    row.words = _normalised(text)
    db.session.flush()
    enqueue_settings_sync()
    return row


def delete_synonym_group(row: SearchSynonym) -> None:
    """Remove a group. Flushes."""
    db.session.delete(row)
    db.session.flush()
    enqueue_settings_sync()
