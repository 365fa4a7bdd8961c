"""Typo tolerance at Meilisearch's default, over the indexed vocabulary (a SymSpell-like index).

One typo (an insertion, deletion, substitution or transposition) for words of 5 letters
or more, two for 9 or more, none below 5. The vocabulary is read from ``search_term``
and rebuilt in process only when that table changes (its highest id).
"""
from __future__ import annotations

import bisect
import threading
import weakref
from collections import defaultdict

from sqlalchemy import func, select

from catalog.search.models import SearchTerm
from shop.database import prebuilt_rows
from shop.extensions import db

_lock = threading.Lock()
_cache: dict[str, tuple[tuple[int, int], Vocabulary]] = {}
_engine_keys: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def allowed_typos(word: str) -> int:
    if len(word) >= 9:
        return 2
    if len(word) >= 5:
        return 1
    return 0


def _deletes(word: str, depth: int) -> set[str]:
    out = {word}
    frontier = {word}
    for _ in range(depth):
        nxt = set()
        for w in frontier:
            for i in range(len(w)):
                nxt.add(w[:i] + w[i + 1:])
        out |= nxt
        frontier = nxt
    return out


def distance(a: str, b: str) -> int:
    """Optimal string alignment distance: insertions, deletions, substitutions, adjacent transpositions."""
    if a == b:
        return 0
    la, lb = len(a), len(b)
    prev2: list[int] = []
    prev = list(range(lb + 1))
    for i in range(1, la + 1):
        cur = [i] + [0] * lb
        for j in range(1, lb + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[lb]


class Vocabulary:
    """The indexed words, with a deletion-neighbourhood index for near-word lookups."""

    MAX_DEPTH = 2

    def __init__(self, terms: list[str]) -> None:
        self.terms = sorted(set(terms))
        self._set = set(self.terms)
        self._deletions: dict[str, list[str]] = defaultdict(list)
        for term in self.terms:
            for key in _deletes(term, self.MAX_DEPTH):
                self._deletions[key].append(term)

    def __contains__(self, word: str) -> bool:
        return word in self._set

    def has_prefix(self, prefix: str) -> bool:
        i = bisect.bisect_left(self.terms, prefix)
        return i < len(self.terms) and self.terms[i].startswith(prefix)

    def extends(self, prefix: str) -> bool:
        """Whether a longer word than ``prefix`` starts with it: else ``prefix*`` matches only ``prefix``."""
        i = bisect.bisect_right(self.terms, prefix)
        return i < len(self.terms) and self.terms[i].startswith(prefix)

    def near(self, word: str) -> list[tuple[int, str]]:
        """Indexed words within the allowed typos of ``word`` (not the word itself), nearest first."""
        depth = allowed_typos(word)
        if depth == 0:
            return []
        found: set[str] = set()
        for key in _deletes(word, depth):
            for term in self._deletions.get(key, ()):
                if term != word and term not in found and abs(len(term) - len(word)) <= depth:
                    found.add(term)
        scored = [(distance(word, term), term) for term in found]
        return sorted((d, t) for d, t in scored if d <= depth)


_TOP_TERM = select(func.max(SearchTerm.id))  # read before every search: built once


def _engine_key() -> str:
    """The database the vocabulary was read from (tests run several): its URL, worked out once per engine."""
    engine = db.engine
    key = _engine_keys.get(engine)
    if key is None:
        key = _engine_keys[engine] = str(engine.url)
    return key


def vocabulary() -> Vocabulary:
    """The current vocabulary, rebuilt only when ``search_term`` changed."""
    key = _engine_key()
    # Terms are only ever added (ids never reused), so the highest id says whether anything changed.
    top = prebuilt_rows(_TOP_TERM)[0][0]
    signature = (top or 0, 0)
    cached = _cache.get(key)
    if cached and cached[0] == signature:
        return cached[1]
    with _lock:
        cached = _cache.get(key)
        if cached and cached[0] == signature:
            return cached[1]
        built = Vocabulary(list(db.session.scalars(select(SearchTerm.term))))
        _cache[key] = (signature, built)
        return built
