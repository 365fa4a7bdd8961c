"""Every route of the orders package, in one place; the app factory calls :func:`init_app`.

Its pages have their own blueprints. Two kinds of route live on the shell's blueprints,
because their endpoint names and URLs are a contract: the JSON routes (``api.*`` under
/api/v1) and the office's impact dashboard (``admin.impact*`` under /admin). The modules
that add them are listed here and must be imported before the shell registers those
blueprints (``shop.create_app`` calls this before ``shop.blueprints.init_app``).

It also gives the shell the dashboards it shows from orders data (:mod:`shop.dashboards`).
"""
from __future__ import annotations

from flask import Blueprint, Flask

from orders import api as orders_api
from orders.b2b import api as b2b_api
from orders.b2b import partner_order_views, partner_quote_views, partner_views
from orders.b2b import sentra_api as b2b_sentra_api
from orders.b2b.catalogue_views import bp as b2b_catalogue_bp
from orders.b2b.papers import bp as b2b_papers_bp
from orders.b2b.sentra_views import bp as b2b_sentra_bp
from orders.cart import api as cart_api
from orders.cart.views import bp as cart_bp
from orders.checkout import api as checkout_api
from orders.checkout.views import bp as checkout_bp
from orders.classes import api as classes_api
from orders.classes import views as classes_views
from orders.classes.services import classes_matching, upcoming_for_storefront
from orders.dashboard.sentra import dashboard_for as sentra_dashboard
from orders.delivery.views import bp as delivery_bp
from orders.facilities import api as facilities_api
from orders.facilities import views as facilities_views
from orders.facilities.services import storefront_facilities
from orders.impact import api as impact_api
from orders.impact import views as impact_views
from orders.ledger.views import bp as ledger_bp
from orders.mentoring import api as mentoring_api
from orders.mentoring import office_views as mentoring_office_views
from orders.mentoring import views as mentoring_views
from orders.openings import api as openings_api
from orders.openings import views as openings_views
from orders.openings.services import openings_for_storefront
from orders.payments.midtrans_views import bp as midtrans_bp
from orders.payments.transfer_views import bp as transfers_bp
from orders.payments.views import bp as payments_bp
from orders.payments.webhooks import bp as webhooks_bp
from orders.potential import api as potential_api
from orders.potential import views as potential_views
from orders.potential.kelola_views import bp as potential_kelola_bp
from orders.review_views import bp as order_reviews_bp
from orders.sentra_views import bp as orders_kelola_bp
from orders.shipping import api as shipping_api
from orders.shipping import track_api
from orders.shipping.track_views import bp as tracking_bp
from orders.shipping.views import bp as shipping_bp
from orders.views import bp as orders_bp
from shop import dashboards
from shop.extensions import csrf

API_ROUTES = (  # on the shell's API blueprint, under /api/v1
    orders_api, cart_api, checkout_api,
    b2b_api,  # /mitra/...: the partner's side of B2B
    b2b_sentra_api,  # /kelola/<slug>/rfqs: the sentra's requests for quote
    impact_api,  # /admin/impact
    shipping_api,  # tracking events and handovers for sentras
    track_api,  # /track/<number>
    classes_api,  # /classes and /kelola/<slug>/classes: classes, bookings, attendance
    facilities_api,  # /facilities and /kelola/<slug>/facilities: equipment and workspace by the hour
    mentoring_api,  # /mentoring/slots and /kelola/<slug>/mentoring: mentoring slots and booking them
    openings_api,  # /openings and /kelola/<slug>/openings, applications: jobs at a sentra
    potential_api,  # /admin/potential and /kelola/<slug>/opportunities: the potential and needs map
)
ADMIN_ROUTES = (  # on the office's blueprint
    impact_views,  # the impact dashboard /admin/dampak
    mentoring_office_views,  # the mentors' roster /admin/pendamping and sessions /admin/pendampingan
    potential_views,  # the potential and needs map /admin/potensi
)
EXTRA_ROUTES = (partner_order_views, partner_quote_views)  # orders, invoices, quotes on b2b_partner
BLUEPRINTS: tuple[Blueprint, ...] = (
    cart_bp, checkout_bp, delivery_bp, payments_bp, transfers_bp, midtrans_bp, orders_bp, orders_kelola_bp, webhooks_bp,
    tracking_bp, order_reviews_bp,
    partner_views.bp, b2b_sentra_bp, b2b_papers_bp, b2b_catalogue_bp,  # B2B: partner area, inbox, papers, catalogue
    shipping_bp,  # fulfilment under /kelola/<slug>/
    ledger_bp,  # the sentra's money under /kelola/<slug>/keuangan
    classes_views.bp, classes_views.kelola,  # classes: /kelas for residents, /kelola/<slug>/kelas for the sentra
    facilities_views.bp, facilities_views.kelola,  # equipment and workspace: /fasilitas, /kelola/<slug>/fasilitas
    mentoring_views.bp, mentoring_views.kelola,  # mentoring: /pendamping for mentors, /kelola/<slug>/pendampingan
    openings_views.bp, openings_views.kelola,  # openings and applications: /lowongan, /kelola/<slug>/lowongan
    potential_kelola_bp,  # the sentra's opportunities: /kelola/<slug>/peluang
)


def init_app(app: Flask) -> None:
    """Register the orders blueprints on ``app`` and provide the shell's dashboards."""
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    csrf.exempt(webhooks_bp)  # Stripe signs its webhooks; there is no browser session
    dashboards.provide(app, dashboards.PARTNER, partner_views.dashboard)
    dashboards.provide(app, dashboards.SENTRA, sentra_dashboard)
    dashboards.provide(app, dashboards.STOREFRONT_CLASSES, upcoming_for_storefront)  # a storefront's classes
    dashboards.provide(app, dashboards.STOREFRONT_FACILITIES, storefront_facilities)
    dashboards.provide(app, dashboards.STOREFRONT_OPENINGS, openings_for_storefront)  # a storefront's openings
    dashboards.provide(app, dashboards.SEARCH_CLASSES, classes_matching)  # search finds classes too
    dashboards.provide(app, dashboards.SEARCH_CLASSES_API, classes_api.search_classes_json)  # and so does its API
