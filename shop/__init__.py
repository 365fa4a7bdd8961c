"""Pasar Sentra: the marketplace shell and its app factory (the composition root)."""
from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from shop.startup import collector_paused

with collector_paused():  # Flask, SQLAlchemy's ORM and the extensions: objects kept for good (shop.startup)
    import click
    from flask import Flask

    from shop import extensions as ext  # not `import db`: the name shop.db is the ORM module
    from shop import migrating, wiring
    from shop.config import ROOT, build_config
    from shop.routing import LazyBuildRule
    from shop.wiring import DeferredWiringFlask


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the application; ``config`` overrides what the environment says.

    A CLI process (a click context is running) wires the models and the pages when it first
    needs them (:mod:`shop.wiring`), so ``flask --app shop --help`` imports neither.
    """
    app = DeferredWiringFlask(
        __name__,
        instance_path=str(ROOT / "instance"),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.url_rule_class = LazyBuildRule
    app.config.update(build_config(ROOT / "instance", config))
    _configure_logging(app)
    if app.config.get("PROXY_COUNT"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = int(app.config["PROXY_COUNT"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]

    from shop import cli, i18n

    ext.db.init_app(app)
    migrating.init_app(app, ext.db)  # `flask db ...`, with Flask-Migrate loaded only when it runs
    ext.csrf.init_app(app)
    ext.babel.init_app(app, locale_selector=i18n.select_locale)
    ext.limiter.init_app(app)
    ext.login_manager.init_app(app)
    cli.init_app(app)  # the commands alone: listing them imports no model and no view
    app.wire([(wiring.MODELS, _wire_models), (wiring.WEB, _wire_web)],
             later=click.get_current_context(silent=True) is not None)
    return app


def _wire_models(app: Flask) -> None:
    """What every command and request needs: the models, their receivers, providers and background work.

    The mappers are configured here, while the stage's collector is paused (:mod:`shop.startup`),
    rather than by the first query: every command and request queries, and configuring them is
    as much work as importing the ORM.
    """
    from sqlalchemy.orm import configure_mappers

    from shop import cli, database

    _import_models()
    configure_mappers()
    database.init_app(app)
    _provide_domain(app)
    cli.init_background(app)
    _wire_search_health(app)


def _wire_web(app: Flask) -> None:
    """What pages, ``url_for`` and templates need: the blueprints, the request hooks and template helpers."""
    from shop import caching, errors, i18n, pagecache, security, sessions, templating
    from shop.outbox import after_request

    _register_blueprints(app)
    i18n.init_app(app)
    templating.init_app(app)
    security.init_app(app)
    sessions.init_app(app)
    caching.init_app(app)
    pagecache.init_app(app)
    errors.init_app(app)
    after_request.init_app(app)  # the embedded default: drain what a request enqueued, after it
    _remember_sync_checks(app)


def _provide_domain(app: Flask) -> None:
    """Seams the domain code asks of the app, filled by the package built on top (commands use them too)."""
    from catalog.storefront import popularity
    from orders.b2b.cart_approval import PURCHASER as partner_purchaser
    from orders.checkout import purchasers
    from orders.core.sales import units_sold_since

    purchasers.provide(app, partner_purchaser)  # a partner's member checks out for the partner
    popularity.provide_sales(app, units_sold_since)  # the home page's popular products


class _SyncCallables(dict):
    """``Flask.ensure_sync`` remembered per callable: its answer for a view or hook never changes.

    Flask asks it of every view and hook on every request (a dozen times a page), and each
    answer costs an ``inspect.iscoroutinefunction`` (five Python calls); a remembered one is a
    dict lookup. Bounded like the template memos, in case callables are made per request.
    """

    def __init__(self, ensure_sync: Any) -> None:
        super().__init__()
        self._ensure_sync = ensure_sync

    def __missing__(self, func: Any) -> Any:
        if len(self) >= 4096:
            self.clear()
        sync = self[func] = self._ensure_sync(func)
        return sync


def _remember_sync_checks(app: Flask) -> None:
    app.ensure_sync = _SyncCallables(app.ensure_sync).__getitem__  # type: ignore[method-assign]


def _wire_search_health(app: Flask) -> None:
    """/healthz reports "degraded" when Meilisearch is configured but unreachable."""
    from catalog.search.meili import search_health

    app.extensions["search_health"] = lambda: search_health(app.config)


def _configure_logging(app: Flask) -> None:
    level = getattr(logging, str(app.config["LOG_LEVEL"]).upper(), logging.INFO)
    if not logging.getLogger().handlers:
        logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app.logger.setLevel(level)
    logging.getLogger("shop").setLevel(level)


def _register_blueprints(app: Flask) -> None:
    """Each package lists its own routes; the shell's go last, as catalog and orders add to its API and office."""
    from catalog import blueprints as catalog_blueprints
    from orders import blueprints as orders_blueprints
    from shop import blueprints as shop_blueprints

    for package in (catalog_blueprints, orders_blueprints, shop_blueprints):
        package.init_app(app)


def _import_models() -> None:
    """Every table is known to SQLAlchemy (and Alembic) before the first query."""
    import catalog.products.listed  # noqa: F401  (keeps product.listed in step with the variants at every flush)
    import catalog.products.models  # noqa: F401
    import catalog.reviews.models  # noqa: F401
    import catalog.search.indexing  # noqa: F401  (keeps the search index in step at every flush)
    import catalog.search.log  # noqa: F401
    import catalog.search.models  # noqa: F401
    import catalog.storefront.freshness  # noqa: F401  (notes what each change means for the page cache)
    import orders.b2b.invoices  # noqa: F401  (voids or pays an order's invoice: order signal receivers)
    import orders.b2b.models  # noqa: F401
    import orders.b2b.terms  # noqa: F401  (registers the payment_terms provider)
    import orders.cart.models  # noqa: F401
    import orders.classes.models  # noqa: F401
    import orders.classes.signals  # noqa: F401  (a paid booking follows its order: order signal receivers)
    import orders.core.models  # noqa: F401
    import orders.core.payments  # noqa: F401
    import orders.delivery.models  # noqa: F401
    import orders.facilities.models  # noqa: F401
    import orders.facilities.signals  # noqa: F401  (a paid facility booking follows its order)
    import orders.impact.facts  # noqa: F401  (marks buyers whose order facts are stale at every flush)
    import orders.impact.models  # noqa: F401
    import orders.ledger.models  # noqa: F401
    import orders.ledger.services  # noqa: F401  (posts an order's ledger entries: order signal receivers)
    import orders.mentoring.models  # noqa: F401
    import orders.mentoring.privacy  # noqa: F401  (mentoring notes in the account export and deletion)
    import orders.openings.models  # noqa: F401
    import orders.openings.notify  # noqa: F401  (registers the application messages' outbox handlers)
    import orders.openings.privacy  # noqa: F401  (applications in the account's data export and deletion)
    import orders.payments.bank_transfer  # noqa: F401
    import orders.payments.midtrans  # noqa: F401  (QRIS, GoPay, ShopeePay, virtual accounts)
    import orders.payments.pickup  # noqa: F401

    # Payment providers register themselves; this order is the order buyers see them in.
    import orders.payments.stripe  # noqa: F401
    import orders.potential.models  # noqa: F401
    import orders.potential.stale  # noqa: F401  (marks the order rollup's days stale at every flush)
    import orders.shipping.models  # noqa: F401
    import shop.accounts.loader  # noqa: F401
    import shop.accounts.models  # noqa: F401
    import shop.audit.models  # noqa: F401
    import shop.outbox.models  # noqa: F401
    import shop.pagecache.models  # noqa: F401
    import shop.partners.models  # noqa: F401
    import shop.partners.privacy  # noqa: F401  (a partner's memberships in the account export and deletion)
    import shop.places.models  # noqa: F401
    import shop.sentras.models  # noqa: F401
    import shop.sentras.privacy  # noqa: F401  (a sentra's memberships in the account export and deletion)
