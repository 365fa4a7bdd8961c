"""Every route of the shell, in one place; the app factory calls :func:`init_app` last.

The API blueprint (/api/v1) and the office's (/admin) also carry routes that ``catalog``
and ``orders`` add (see their ``blueprints`` modules), so they are registered after those
packages' modules were imported.
"""
from __future__ import annotations

from flask import Blueprint, Flask

from shop.accounts.views import bp as accounts_bp
from shop.admin import (
    audit_views,
    b2b_views,
    ledger_views,
    openings_views,
    payments_views,
    problems_views,
    reviews_views,
)
from shop.admin.views import bp as admin_bp
from shop.api import bp as api_bp
from shop.extensions import csrf
from shop.main import bp as main_bp
from shop.partners.views import bp as partners_bp
from shop.sentras.views import bp as sentras_bp

ADMIN_ROUTES = (  # on the office's blueprint, under /admin
    audit_views,  # the audit log of office actions
    b2b_views,  # partner terms, PKP sentras, invoices on terms
    ledger_views,  # balances due, payouts, adjustments, commission
    openings_views,  # openings and applications per kelurahan, and how long applications wait
    payments_views,  # payment confirmations and refunds
    problems_views,  # problems after delivery and late orders
    reviews_views,  # hiding reviews
)
BLUEPRINTS: tuple[Blueprint, ...] = (main_bp, accounts_bp, sentras_bp, partners_bp, admin_bp)


def init_app(app: Flask) -> None:
    """Register the shell's blueprints on ``app``, the API last under /api/v1."""
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    app.register_blueprint(api_bp, url_prefix="/api/v1")
    csrf.exempt(api_bp)  # bearer tokens, no cookies: see shop.api.auth
