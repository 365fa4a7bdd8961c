"""Words out of text, the same way for indexing and for queries, whatever the input."""
from __future__ import annotations

import re
import unicodedata

from catalog.search.types import MAX_TEXT

MAX_WORDS = 10
MAX_WORD_LENGTH = 40
_WORD = re.compile(r"[a-z0-9]+")


def words(text: str | None) -> list[str]:
    """Lowercase ASCII letters and digits, accents folded; anything else separates words."""
    if not text:
        return []
    folded = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode("ascii").lower()
    return [w[:MAX_WORD_LENGTH] for w in _WORD.findall(folded)]


def query_words(text: str | None) -> list[str]:
    """The words of a search text: cut to MAX_TEXT characters and MAX_WORDS words."""
    return words((text or "")[:MAX_TEXT])[:MAX_WORDS]


def padded(parts: list[str]) -> str:
    """``" a b c "``: words joined and space padded, so ``" w "`` finds a whole word."""
    return " " + " ".join(parts) + " "
