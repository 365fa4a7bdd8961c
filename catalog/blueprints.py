"""Every route of the catalog, in one place; the app factory calls :func:`init_app`.

The catalog's pages have their own blueprints. Its JSON routes live on the shell's API
blueprint (``api.*`` under /api/v1: those endpoint names and URLs are a contract), so the
modules that add them are listed here and must be imported before the shell registers that
blueprint (``shop.create_app`` calls this first).
"""
from __future__ import annotations

from flask import Blueprint, Flask

from catalog import api as catalog_api
from catalog.listings import csv_views
from catalog.listings.views import bp as products_bp
from catalog.reviews import api as reviews_api
from catalog.reviews.views import bp as reviews_bp
from catalog.search import api as search_api
from catalog.search import log as search_log
from catalog.search.views import bp as search_bp
from catalog.storefront.views import bp as storefront_bp
from shop import pagecache

API_ROUTES = (catalog_api, reviews_api, search_api)  # /api/v1/products..., /reviews, /search
EXTRA_ROUTES = (csv_views,)  # the CSV import and export, on the products blueprint
BLUEPRINTS: tuple[Blueprint, ...] = (storefront_bp, products_bp, search_bp, reviews_bp)


def init_app(app: Flask) -> None:
    """Register the catalog's blueprints on ``app``, and the search log's counting of kept search pages."""
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    pagecache.on_hit(app, search_log.CACHED_SEARCH, search_log.log_cached_search)
