"""Pasar Sentra: the marketplace shell and its app factory (the composition root)."""
from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from flask import Flask

from shop import extensions as ext  # not `import db`: the name shop.db is the ORM module
from shop.config import ROOT, build_config


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the application; ``config`` overrides what the environment says."""
    app = Flask(
        __name__,
        instance_path=str(ROOT / "instance"),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.update(build_config(ROOT / "instance", config))
    _configure_logging(app)
    if app.config.get("PROXY_COUNT"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = int(app.config["PROXY_COUNT"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]

    from shop import i18n

    ext.db.init_app(app)
    ext.migrate.init_app(app, ext.db, directory=str(ROOT / "migrations"), render_as_batch=True)
    ext.csrf.init_app(app)
    ext.babel.init_app(app, locale_selector=i18n.select_locale)
    ext.limiter.init_app(app)
    ext.login_manager.init_app(app)

    _import_models()
    _register_blueprints(app)

    from shop import caching, cli, database, errors, security, templating

    database.init_app(app)
    i18n.init_app(app)
    templating.init_app(app)
    security.init_app(app)
    caching.init_app(app)
    errors.init_app(app)
    cli.init_app(app)
    _wire_search_health(app)
    return app


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


def _import_models() -> None:
    """Every table is known to SQLAlchemy (and Alembic) before the first query."""
    import catalog.products.models  # noqa: F401
    import catalog.reviews.models  # noqa: F401
    import catalog.search.indexing  # noqa: F401  (keeps the search index in step at every flush)
    import catalog.search.models  # noqa: F401
    import orders.b2b.invoices  # noqa: F401  (voids or pays an order's invoice: order signal receivers)
    import orders.b2b.models  # noqa: F401
    import orders.b2b.terms  # noqa: F401  (registers the payment_terms provider)
    import orders.cart.models  # noqa: F401
    import orders.core.models  # noqa: F401
    import orders.delivery.models  # noqa: F401
    import orders.impact.facts  # noqa: F401  (marks buyers whose order facts are stale at every flush)
    import orders.impact.models  # noqa: F401
    import orders.ledger.models  # noqa: F401
    import orders.ledger.services  # noqa: F401  (posts an order's ledger entries: order signal receivers)
    import orders.payments.bank_transfer  # noqa: F401
    import orders.payments.models  # noqa: F401
    import orders.payments.pickup  # noqa: F401

    # Payment providers register themselves; this order is the order buyers see them in.
    import orders.payments.stripe  # noqa: F401
    import orders.shipping.models  # noqa: F401
    import shop.accounts.loader  # noqa: F401
    import shop.accounts.models  # noqa: F401
    import shop.audit.models  # noqa: F401
    import shop.outbox.models  # noqa: F401
    import shop.partners.models  # noqa: F401
    import shop.places.models  # noqa: F401
    import shop.sentras.models  # noqa: F401


def _register_blueprints(app: Flask) -> None:
    import catalog.api  # noqa: F401  (adds catalog routes to the API blueprint)
    import catalog.products.csv_views  # noqa: F401  (adds the CSV routes to the products blueprint)
    import catalog.reviews.api  # noqa: F401  (adds /api/v1/products/<id>/reviews)
    import catalog.search.api  # noqa: F401  (adds /api/v1/search and /api/v1/search/suggest)
    import orders.api  # noqa: F401  (orders endpoints on the API blueprint)
    import orders.b2b.api  # noqa: F401  (/api/v1/mitra/...: the partner's side of B2B)
    import orders.b2b.partner_order_views  # noqa: F401  (orders, invoices, handover on the b2b_partner blueprint)
    import orders.b2b.partner_quote_views  # noqa: F401  (quote decisions, approvals on the b2b_partner blueprint)
    import orders.b2b.sentra_api  # noqa: F401  (/api/v1/kelola/<slug>/rfqs: the sentra's requests for quote)
    import orders.cart.api  # noqa: F401
    import orders.checkout.api  # noqa: F401
    import orders.impact.api  # noqa: F401  (GET /api/v1/admin/impact)
    import orders.impact.views  # noqa: F401  (the impact dashboard /admin/dampak on the admin blueprint)
    import orders.shipping.api  # noqa: F401  (tracking events and handovers for sentras)
    import orders.shipping.track_api  # noqa: F401  (GET /api/v1/track/<number>)
    import shop.admin.audit_views  # noqa: F401  (the audit log of office actions, /admin/audit)
    import shop.admin.b2b_views  # noqa: F401  (partner terms, PKP sentras, invoices on terms in /admin)
    import shop.admin.ledger_views  # noqa: F401  (balances due, payouts, adjustments, commission in /admin)
    import shop.admin.payments_views  # noqa: F401  (payment confirmations and refunds in /admin)
    import shop.admin.problems_views  # noqa: F401  (problems after delivery and late orders in /admin)
    import shop.admin.reviews_views  # noqa: F401  (hiding reviews in /admin)
    from catalog.products.views import bp as products_bp
    from catalog.reviews.views import bp as reviews_bp
    from catalog.search.views import bp as search_bp
    from catalog.storefront.views import bp as storefront_bp
    from orders.b2b.catalogue_views import bp as b2b_catalogue_bp
    from orders.b2b.papers import bp as b2b_papers_bp
    from orders.b2b.partner_views import bp as b2b_partner_bp
    from orders.b2b.sentra_views import bp as b2b_sentra_bp
    from orders.cart.views import bp as cart_bp
    from orders.checkout.views import bp as checkout_bp
    from orders.delivery.views import bp as delivery_bp
    from orders.ledger.views import bp as ledger_bp
    from orders.payments.transfer_views import bp as transfers_bp
    from orders.payments.views import bp as payments_bp
    from orders.payments.webhooks import bp as webhooks_bp
    from orders.review_views import bp as order_reviews_bp
    from orders.sentra_views import bp as orders_kelola_bp
    from orders.shipping.track_views import bp as tracking_bp
    from orders.shipping.views import bp as shipping_bp
    from orders.views import bp as orders_bp
    from shop.accounts.views import bp as accounts_bp
    from shop.admin.views import bp as admin_bp
    from shop.api import bp as api_bp
    from shop.main import bp as main_bp
    from shop.partners.views import bp as partners_bp
    from shop.sentras.views import bp as sentras_bp

    for blueprint in (main_bp, accounts_bp, sentras_bp, partners_bp, admin_bp, storefront_bp, products_bp, search_bp,
                      cart_bp, checkout_bp, delivery_bp, payments_bp, transfers_bp, orders_bp, orders_kelola_bp, webhooks_bp,
                      tracking_bp):
        app.register_blueprint(blueprint)
    for blueprint in (reviews_bp, order_reviews_bp):
        app.register_blueprint(blueprint)
    for blueprint in (b2b_partner_bp, b2b_sentra_bp, b2b_papers_bp, b2b_catalogue_bp):
        app.register_blueprint(blueprint)  # B2B: partner area, quote inbox, papers, wholesale catalogue
    app.register_blueprint(shipping_bp)  # fulfilment under /kelola/<slug>/ (orders.shipping.views)
    app.register_blueprint(ledger_bp)  # the sentra's money under /kelola/<slug>/keuangan
    ext.csrf.exempt(webhooks_bp)  # Stripe signs its webhooks; there is no browser session
    app.register_blueprint(api_bp, url_prefix="/api/v1")
    ext.csrf.exempt(api_bp)  # bearer tokens, no cookies: see shop.api.auth
