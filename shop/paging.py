"""A page of items for the pagination() template macro, whatever the items are."""
from __future__ import annotations

from dataclasses import dataclass, field
from math import ceil
from typing import Any

from shop.records import quick_init


@quick_init
@dataclass(frozen=True)
class Page:
    """A page of items, with what the pagination() macro reads (``per_page`` 0: everything on one page).

    ``total_is_lower_bound``: there are more than ``total`` items (a long list counts only so far).
    """

    items: list[Any]
    total: int
    page: int
    per_page: int
    total_is_lower_bound: bool = field(default=False, kw_only=True)

    @property
    def pages(self) -> int:
        if not self.per_page:
            return 1
        return max(1, ceil((self.total + 1 if self.total_is_lower_bound else self.total) / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1
