"""GET /api/v1/search and GET /api/v1/search/suggest, registered on shop.api's blueprint.

The search takes the same parameters as the /search page; a parameter that
cannot be understood is a 400 in the error shape, its name in ``fields``.
"""
from __future__ import annotations

from typing import Any
from urllib.parse import urljoin

from flask import request, url_for
from flask_babel import gettext as _

from catalog.search import log as search_log
from catalog.search import search, suggest
from catalog.search.api_schemas import SEARCH_PARAMS, SearchResult, Suggestions
from catalog.search.params import parse_search_args
from catalog.search.types import FACETS, MAX_TEXT, Hit
from catalog.storefront.display import media_prefix
from shop import dashboards
from shop.api import bp
from shop.api.auth import bearer_user
from shop.api.operations import operation, query
from shop.errors import api_error
from shop.storage import get_storage

SUGGESTIONS = 8


@bp.get("/search")
@operation("Search public products, with facet counts and, on the first page, the classes whose title holds "
           "the text; the same parameters as the /search page",
           params=SEARCH_PARAMS, responses={200: (SearchResult, "A page of hits"),
                                            400: "A parameter that cannot be understood; fields names it"})
def search_products():
    """A page of public products matching ``q`` and the filters, with facet counts. :raise 400: bad parameters."""
    parsed = parse_search_args(request.args)
    if parsed.errors:
        return api_error(400, "bad_request", _("Some search parameters are not valid."), parsed.errors)
    result = search(parsed.query)
    if search_log.is_logged_search(parsed.query):
        user = bearer_user() if request.headers.get("Authorization") else None
        search_log.log_search(parsed.query, result.total, user)
    media = urljoin(request.host_url, media_prefix(get_storage()))
    return {
        "hits": [_hit_json(hit, media) for hit in result.hits],
        "total": result.total,
        "page": result.page,
        "per_page": result.per_page,
        "facets": {
            name: [{"value": f.value, "label": f.label, "count": f.count} for f in result.facets.get(name, [])]
            for name in FACETS
        },
        "suggestion": result.suggestion,
        "classes": _classes(parsed.query.text, result.page),
    }


def _classes(text: str | None, page: int) -> list[dict[str, Any]]:
    """As on the /search page: upcoming classes whose title holds the text, on the first page only
    (the orders package provides them; the catalog does not read orders)."""
    provided = dashboards.provided(dashboards.SEARCH_CLASSES_API)
    if provided is None or not text or page != 1:
        return []
    return provided(text)


@bp.get("/search/suggest")
@operation("Products and sentras for what was typed so far (fewer than 10), for search-as-you-type",
           params=[query("q", str)], responses={200: (Suggestions, "Suggestions, products first")})
def search_suggest():
    """Products and sentras for what was typed so far: fewer than 10 ``{type, label, url}``; a product
    also names its sentra (``sentra_name``) and its first photo's thumbnail (``thumbnail_url``, or null)."""
    text = " ".join(request.args.get("q", "").split())[:MAX_TEXT]
    items = []
    media = media_prefix(get_storage())
    for found in suggest(text, SUGGESTIONS) if text else []:
        if found["type"] == "product":
            url = url_for("storefront.product_detail", product_id=found["id"], slug=found["slug"])
            thumb = found.get("thumb_key")
            items.append({"type": "product", "label": found["title"], "url": url,
                          "sentra_name": found.get("sentra_name") or "",
                          "thumbnail_url": media + thumb if thumb else None})
        else:
            url = url_for("storefront.sentra_detail", slug=found["slug"])
            items.append({"type": "sentra", "label": found["name"], "url": url})
    response = {"items": items}
    return response, 200, {"Cache-Control": "public, max-age=60"}


def _hit_json(hit: Hit, media: str) -> dict[str, Any]:
    return {
        "id": hit.product_id,
        "title": hit.title,
        "url": url_for("storefront.product_detail", product_id=hit.product_id, slug=hit.slug, _external=True),
        "sentra": {"slug": hit.sentra_slug, "name": hit.sentra_name},
        "kelurahan": {"code": hit.kelurahan_code, "name": hit.kelurahan_name},
        "kecamatan": {"code": hit.kecamatan_code, "name": hit.kecamatan_name},
        "subsector": hit.subsector_code,
        "price_min_idr": hit.price_min_idr,
        "price_max_idr": hit.price_max_idr,
        "in_stock": hit.in_stock,
        "made_to_order": hit.made_to_order,
        "thumbnail_url": media + hit.thumb_key if hit.thumb_key else None,
    }
