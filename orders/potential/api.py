"""The potential map in the JSON API (on ``shop.api.bp``).

``GET /api/v1/admin/potential?from=&to=``: the office's figures for every kelurahan and the city
(an admin's token; the same period rules and 400s as ``/api/v1/admin/impact``).
``GET /api/v1/kelola/<slug>/opportunities?from=&to=``: a sentra's opportunities (its members).
"""
from __future__ import annotations

from typing import Any

from flask import g, jsonify, request

from orders.impact.period import PeriodError, parse_period
from orders.potential import opportunities
from orders.potential.api_schemas import PERIOD_PARAMS, Opportunities, Potential
from orders.potential.kelola_views import sentra_period
from orders.potential.queries import PotentialReport, place_json, potential_report
from shop.api import bp
from shop.api.auth import api_login_required, api_sentra_required
from shop.api.operations import ERROR_DESCRIPTION, operation
from shop.errors import api_error
from shop.i18n import current_language

PERIOD_ERRORS = ("invalid_date (not a YYYY-MM-DD day), date_out_of_range (before 2000 or after 2100), "
                 "reversed_range (to before from), range_too_long (more than five years); fields name the parameter")


def report_json(report: PotentialReport) -> dict[str, Any]:
    return {"from": report.period.first.isoformat(), "to": report.period.last.isoformat(),
            "min_searchers": report.min_searchers,
            "kelurahan": [place_json(row) for row in report.kelurahan], "city": place_json(report.city)}


@bp.get("/admin/potential")
@operation("The potential and needs map for a period: every kelurahan's supply, its residents' demand "
           "(searches, orders, orders elsewhere), the searches that found nothing and the latest field survey; "
           "and the city. Read from the daily rollup the worker keeps", security=True, params=PERIOD_PARAMS,
           responses={200: (Potential, "The figures"), 400: PERIOD_ERRORS, 401: ERROR_DESCRIPTION,
                      403: "forbidden: the token's user is not program-office staff (admin)"})
@api_login_required
def admin_potential():
    """All 56 kelurahan and the city. :raise 401: no token. :raise 403: not an admin. :raise 400: a bad period."""
    if not g.api_user.is_admin:
        return api_error(403, "forbidden", "Only the program office may read the potential map.")
    try:
        period = parse_period(request.args.get("from"), request.args.get("to"))
    except PeriodError as error:
        return api_error(error.status, error.code, error.message, error.fields)
    return jsonify(report_json(potential_report(period)))


@bp.get("/kelola/<sentra_slug>/opportunities")
@operation("What people living near the sentra looked for and found nowhere (its kelurahan and kecamatan), and "
           "what they bought from other sentras (without from: the 90 days that end on to)", security=True, params=PERIOD_PARAMS,
           responses={200: (Opportunities, "The opportunities"), 400: PERIOD_ERRORS, 401: ERROR_DESCRIPTION,
                      403: ERROR_DESCRIPTION, 404: "not a member of this sentra"})
@api_sentra_required("member")
def sentra_opportunities(sentra_slug: str):
    """The sentra's opportunities. :raise 404: not a member. :raise 400: a bad period."""
    try:
        period = sentra_period(request.args.get("from"), request.args.get("to"))
    except PeriodError as error:
        return api_error(error.status, error.code, error.message, error.fields)
    found = opportunities.sentra_opportunities(g.sentra, period)
    return jsonify(opportunities.opportunities_json(found, current_language()))
