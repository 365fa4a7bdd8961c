"""Text the public pages show for prices and stock, worked out once per request.

A product grid shows 24 prices and stock states; formatting each through a
template macro and Babel's number formatter cost more than the page's queries,
so the language is read once and the texts are made here, in plain Python.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from babel.numbers import get_group_symbol
from flask import request

from catalog.storefront.queries import Photo, ProductCard
from shop.i18n import current_language, ngettext, rating
from shop.i18n import gettext as _
from shop.records import quick_init


@lru_cache(maxsize=8)
def _group_symbol(locale: str) -> str:
    return get_group_symbol(locale)


@quick_init
@dataclass(frozen=True)
class Stock:
    kind: str  # "in", "out" or "made-to-order": the CSS class stock-<kind>
    text: str


@quick_init
@dataclass(frozen=True)
class CardView:
    """A product card ready to print: its link, texts and thumbnail."""

    card: ProductCard
    url: str
    price: str
    stock: Stock
    photo_url: str | None
    photo_height: int


def media_prefix(storage) -> str:
    """The URL of stored files up to their key.

    Keys are server-made ([a-z0-9/._-], nothing to escape), so a stored file's URL
    is this prefix plus its key: no URL is built per photo (and, for local files, the
    prefix itself comes from the URL memo, not a url_for on every page).
    """
    return storage.url_prefix()


def photo_urls(photo: Photo, media: str) -> dict[str, str]:
    """What catalog.images.image_urls() gives (``full``, ``w320``, ``w960``), from the media prefix."""
    return {"full": media + photo.key, "w320": media + photo.thumb_320_key, "w960": media + photo.thumb_960_key}


class Texts:
    """Formats prices and stock states in the request's language (make one per request)."""

    def __init__(self) -> None:
        self.locale = current_language()
        self._group = _group_symbol(self.locale)
        self._in_stock = _("Stock %(num)d")  # the translated pattern, filled in per item
        self._out_of_stock = _("Out of stock")

    def idr(self, amount: int) -> str:
        """``Rp150.000`` (``Rp150,000`` in English), as shop.i18n.rupiah shows whole rupiah."""
        sign = "-" if amount < 0 else ""
        return f"{sign}Rp{abs(amount):,}".replace(",", self._group)

    def rating(self, average: float) -> str:
        """An average rating with one decimal: ``4,5`` (``4.5`` in English)."""
        return rating(average, self.locale)

    def price(self, low: int, high: int | None = None) -> str:
        """One price, or a range ``Rp15.000 – Rp30.000`` when the variants' prices differ."""
        if high is None or high == low:
            return self.idr(low)
        return f"{self.idr(low)} – {self.idr(high)}"

    def stock(self, stock: int, made_to_order: bool = False, lead_time_days: int | None = None) -> Stock:
        if made_to_order:
            days = lead_time_days or 0
            return Stock("made-to-order", ngettext("Made to order, ready in %(num)d day",
                                                   "Made to order, ready in %(num)d days", days))
        if stock > 0:
            return Stock("in", self._in_stock % {"num": stock})
        return Stock("out", self._out_of_stock)

    def cards(self, cards: list[ProductCard], storage) -> list[CardView]:
        """Cards with their texts; ``storage`` (shop.storage.get_storage()) gives the thumbnails' URLs."""
        root = request.script_root
        media = media_prefix(storage)
        return [
            CardView(
                card=card,
                # The route's own shape (/p/<id>-<slug>): url_for for 24 cards costs more than the query.
                url=f"{root}/p/{card.id}-{card.slug}",
                price=self.price(card.price_min_idr, card.price_max_idr),
                stock=self.stock(card.stock, card.made_to_order, card.lead_time_days),
                photo_url=media + card.photo.thumb_320_key if card.photo else None,
                photo_height=card.photo.height_at(320) if card.photo else 320,
            )
            for card in cards
        ]
