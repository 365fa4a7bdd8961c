"""The search page /search: a GET form that works without JavaScript.

Filters are links with counts (subsector, kecamatan, sentra), checkboxes and a
price range; each active filter shows as a chip that links to the same search
without it. A bad parameter is dropped and named in a message, never a 500.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import quote_plus

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.datastructures import iter_multi_items

from catalog.search import log as search_log
from catalog.search import search
from catalog.search.forms import GuestHomeForm, kelurahan_codes
from catalog.search.params import LIST_FILTERS, ParsedSearch, parse_search_args, query_args
from catalog.search.types import FACETS, Hit, SearchQuery, SearchResult, Sort
from catalog.storefront.display import Stock, Texts, media_prefix
from catalog.storefront.freshness import SEARCH, SENTRAS, sentra_scope
from catalog.storefront.popularity import popular_products
from catalog.storefront.queries import SentraView, public_sentras, reference
from shop import dashboards
from shop.caching import public_page, public_until
from shop.i18n import current_language
from shop.i18n import gettext as _
from shop.paging import Page
from shop.records import quick_init
from shop.storage import get_storage

bp = Blueprint("search", __name__)

POPULAR = 8
SENTRA_MATCHES = 4


@quick_init
@dataclass(frozen=True)
class HitCard:
    """A hit ready to print with the storefront's product-card markup."""

    hit: Hit
    url: str
    price: str
    stock: Stock
    photo_url: str | None


@quick_init
@dataclass(frozen=True)
class Link:
    label: str
    url: str
    count: int | None = None
    active: bool = False


@bp.get("/search")
def results():
    parsed = parse_search_args(request.args)
    # A first page with a text goes into the search log (catalog.search.log): built here, it is logged
    # here; kept by the page cache, each answer the cache gives is logged there (count_cached_answers).
    searched_text = search_log.is_searched_text(parsed.query)
    logged = searched_text and search_log.is_logged_request()
    cacheable = current_app.config["SEARCH_BACKEND"] == "sql"
    if cacheable:
        # The sql index changes in the transaction of each change (SEARCH moves with it); Meilisearch
        # is brought up to date by the worker, after the commit, so its answers are not kept. The
        # sentras that match the text (above the products) are the directory's: SENTRAS.
        public_page(SEARCH, SENTRAS)
    result = search(parsed.query)
    if logged:
        search_log.log_search(parsed.query, result.total,
                              current_user if current_user.is_authenticated else None)
    if searched_text and cacheable:  # even when a robot asked: the next person is counted from the cache
        search_log.count_cached_answers(parsed.query, result.total)
    # Nothing found: the most sold available products instead of a blank page (never unsold new ones first).
    popular = [] if result.hits else popular_products(POPULAR, available_only=True)
    if popular and cacheable:
        public_page(SEARCH, SENTRAS, *sorted({sentra_scope(card.sentra_id) for card in popular}))
    texts = Texts()
    storage = get_storage()
    media = media_prefix(storage)
    query = parsed.query
    return render_template(
        "catalog/search/results.html",
        query=query,
        result=result,
        cards=_cards(result.hits, texts, media),
        popular=texts.cards(popular, storage),
        sentras=_matching_sentras(query, result),
        classes=_matching_classes(query, result),
        facets=_facet_links(query, result),
        chips=_chips(parsed),
        problems=parsed.errors,
        sorts=_sorts(),
        pages=Page(items=result.hits, total=result.total, page=result.page, per_page=result.per_page),
        page_args=query_args(query, page=None),
        suggestion_url=url_for("search.results", **query_args(query, q=result.suggestion, page=None))
        if result.suggestion else None,
        # A link, not the form: the form's CSRF token would make the page personal, never kept.
        home_url=url_for("search.home_form", q=query.text)
        if searched_text and current_app.config.get("SEARCH_LOG", True) and not current_user.is_authenticated
        else None,
    )


@bp.get("/search/tempat-tinggal")
def home_form():
    """A guest's "where do you live?" (optional), linked from under a text search."""
    text = request.args.get("q", "").strip()[:200]
    form = GuestHomeForm(formdata=None, q=text, kelurahan_code=search_log.guest_kelurahan() or "")
    form.fill_choices()
    return render_template("catalog/search/home.html", home_form=form,
                           back_url=url_for("search.results", q=text) if text else url_for("search.results"))


@bp.post("/search/tempat-tinggal")
def choose_home():
    """A guest says which kelurahan they live in (or nothing): their later searches count there."""
    form = GuestHomeForm()
    form.fill_choices()
    if form.validate_on_submit() and search_log.choose_guest_kelurahan(form.kelurahan_code.data, kelurahan_codes()):
        flash(_("Thank you: your searches now count for your kelurahan."), "success")
    else:
        flash(_("Choose a kelurahan from the list."), "error")
    text = (form.q.data or "").strip()[:200]
    return redirect(url_for("search.results", q=text) if text else url_for("search.results"))


def _matching_sentras(query: SearchQuery, result: SearchResult) -> list[SentraView]:
    """Sentras whose name or place holds the text, shown above the products on the first page."""
    if not query.text or result.page != 1:
        return []
    return public_sentras(text=query.text)[:SENTRA_MATCHES]


def _matching_classes(query: SearchQuery, result: SearchResult) -> list[Any]:
    """Upcoming classes whose title holds the text, shown above the products on the first page
    (the orders package provides them; the catalog does not read orders)."""
    provided = dashboards.provided(dashboards.SEARCH_CLASSES)
    if provided is None or not query.text or result.page != 1:
        return []
    classes = provided(query.text)
    if classes:  # an ended class leaves the list without a write: a cached copy lasts until then
        public_until(min(klass.ends_at for klass in classes))
    return classes


def _cards(hits: list[Hit], texts: Texts, media: str) -> list[HitCard]:
    root = request.script_root
    return [
        HitCard(
            hit=hit,
            url=f"{root}/p/{hit.product_id}-{hit.slug}",
            price=texts.price(hit.price_min_idr, hit.price_max_idr),
            stock=_stock(hit),
            photo_url=media + hit.thumb_key if hit.thumb_key else None,
        )
        for hit in hits
    ]


def _stock(hit: Hit) -> Stock:
    if hit.made_to_order:
        return Stock("made-to-order", _("Made to order"))
    if hit.in_stock:
        return Stock("in", _("In stock"))
    return Stock("out", _("Out of stock"))


# What Werkzeug leaves unescaped in a query string (werkzeug.urls._urlencode), so links read as url_for's.
_QUERY_SAFE = "!$'()*,/:;?@"


def _search_url(base: str, args: dict[str, Any]) -> str:
    """``url_for("search.results", **args)``, given that URL without arguments as ``base``.

    A search page links to itself about a hundred times (every facet value, every chip);
    building each through the URL map cost more than the search.
    """
    return _joined(base, _items(args))


def _items(args: dict[str, Any]) -> list[str]:
    """``args`` as quoted ``key=value`` parts of a query string, in order (a list gives one part per value)."""
    return [f"{_quoted(str(key))}={_quoted(str(value))}" for key, value in iter_multi_items(args) if value is not None]


def _joined(base: str, items: list[str]) -> str:
    return f"{base}?{'&'.join(items)}" if items else base


@lru_cache(maxsize=4096)
def _quoted(text: str) -> str:
    """A query-string part as ``urlencode(..., safe=_QUERY_SAFE)`` writes it; the same few codes,
    slugs and words recur in every link of a page, so each is quoted once."""
    return quote_plus(text, safe=_QUERY_SAFE)


def _facet_links(query: SearchQuery, result: SearchResult) -> dict[str, list[Link]]:
    """Each facet value links to the search with it added, or (when chosen) removed."""
    base = url_for("search.results")
    args = query_args(query, page=None)
    links: dict[str, list[Link]] = {}
    for name in FACETS:
        chosen = list(getattr(query, name))
        # The same links as _search_url(base, query_args(query, **{name: values or None}, page=None)),
        # a hundred of them: only this facet's values differ, written where query_args puts them
        # (in place when the facet is chosen, else last); the other arguments are quoted once.
        keys = list(args)
        at = keys.index(name) if name in args else len(keys)
        before = _items({key: args[key] for key in keys[:at]})
        after = _items({key: args[key] for key in keys[at + 1:]})
        key = _quoted(name)
        links[name] = []
        for facet in result.facets.get(name, []):
            active = facet.value in chosen
            values = [v for v in chosen if v != facet.value] if active else [*chosen, facet.value]
            url = _joined(base, [*before, *(f"{key}={_quoted(str(v))}" for v in values if v is not None), *after])
            links[name].append(Link(facet.label, url, facet.count, active))
    return links


def _chips(parsed: ParsedSearch) -> list[Link]:
    """One chip per active filter, linking to the same search without it."""
    query = parsed.query
    ref = reference()
    locale = current_language()
    labels: dict[str, Any] = {
        "subsector": lambda code: ref.subsectors[code].name_for(locale),
        "kecamatan": lambda code: _("Kecamatan %(name)s", name=ref.kecamatan[code].name),
        "kelurahan": lambda code: _("Kelurahan %(name)s", name=ref.kelurahan[code].name),
        "sentra": lambda slug: parsed.sentra_names.get(slug, slug),
    }
    chips = []
    for name in LIST_FILTERS:
        chosen = list(getattr(query, name))
        for value in chosen:
            rest = [v for v in chosen if v != value] or None
            chips.append(Link(labels[name](value), _url(query, **{name: rest})))
    texts = Texts()
    if query.min_price is not None:
        chips.append(Link(_("From %(price)s", price=texts.idr(query.min_price)), _url(query, min_price=None)))
    if query.max_price is not None:
        chips.append(Link(_("Up to %(price)s", price=texts.idr(query.max_price)), _url(query, max_price=None)))
    if query.in_stock:
        chips.append(Link(_("In stock"), _url(query, in_stock=None)))
    if query.made_to_order is not None:
        label = _("Made to order") if query.made_to_order else _("Ready stock only")
        chips.append(Link(label, _url(query, made_to_order=None)))
    return chips


def _url(query: SearchQuery, **changes: Any) -> str:
    return _search_url(url_for("search.results"), query_args(query, **changes, page=None))


def _sorts() -> list[tuple[str, str]]:
    return [
        (Sort.RELEVANCE, _("Most relevant, in stock first")),
        (Sort.PRICE_ASC, _("Price: low to high")),
        (Sort.PRICE_DESC, _("Price: high to low")),
        (Sort.NEWEST, _("Newest")),
        (Sort.RATING, _("Best rated")),
    ]
