"""``GET /api/v1/track/<number>?code=``: public tracking in the JSON API (on ``shop.api.bp``).

The same projection as the /track page (:func:`orders.shipping.tracking.public_tracking`):
status, delivery method, courier and waybill, promised date and events, no personal data.
A missing or wrong code is a 404; the rate limit is shared with the page.
"""
from __future__ import annotations

from flask import request

from orders.core.errors import OrderNotFoundError
from orders.shipping import tracking
from orders.shipping.api_schemas import Tracking
from orders.shipping.track_views import track_rate_limit
from shop.api import bp
from shop.api.operations import operation, query
from shop.errors import api_error


@bp.get("/track/<number>")
@operation("Public tracking of an order by its number and tracking code (no authentication; limited to 30 "
           "requests a minute per address, together with the /track page)",
           params=[query("code", str, "the order's tracking code", required=True)],
           responses={200: (Tracking, "The order's tracking"),
                      404: "not_found: no such order, or the code is missing or wrong", 429: "rate_limited"})
@track_rate_limit
def track_order(number: str):
    """The order's public tracking. :raise 404: no such order, or the code is missing or wrong."""
    try:
        order = tracking.load_tracked_order(number, request.args.get("code"))
    except OrderNotFoundError:
        return api_error(404, "not_found", "No order with this number and tracking code")
    return tracking.public_tracking(order).as_json()
