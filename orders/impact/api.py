"""``GET /api/v1/admin/impact?from=&to=``: the office dashboard's figures as JSON (on ``shop.api.bp``).

An admin's bearer token: none or an invalid one is a 401, a token of a user without the admin
flag a 403. ``from`` and ``to`` are WIB days, both included (the last 30 days by default); a
malformed day, a reversed range or one longer than five years is a 400 in the error shape.
"""
from __future__ import annotations

from flask import g, jsonify, request

from orders.impact import export
from orders.impact.api_schemas import PERIOD_PARAMS, Impact
from orders.impact.period import PeriodError, parse_period
from orders.impact.queries import impact_report
from shop.api import bp
from shop.api.auth import api_login_required
from shop.api.operations import ERROR_DESCRIPTION, operation
from shop.errors import api_error
from shop.extensions import db


@bp.get("/admin/impact")
@operation("The program office's impact figures for a period: every kelurahan, every kecamatan and the city, and "
           "the months. People and buyers are counted once per row, so a kecamatan or city figure can be less than "
           "the sum of its rows; the other figures add up", security=True, params=PERIOD_PARAMS,
           responses={200: (Impact, "The figures"),
                      400: "invalid_date (not a YYYY-MM-DD day), date_out_of_range (before 2000 or after 2100), "
                           "reversed_range (to before from), range_too_long (more than five years); fields name "
                           "the parameter",
                      401: ERROR_DESCRIPTION,
                      403: "forbidden: the token's user is not program-office staff (admin)"})
@api_login_required
def admin_impact():
    """Every kelurahan (56 rows, zeros included), the kecamatan, the city and the months.

    :raise 401: no valid token. :raise 403: not an admin. :raise 400: a bad period.
    """
    if not g.api_user.is_admin:
        return api_error(403, "forbidden", "Only the program office may read the impact figures.")
    try:
        period = parse_period(request.args.get("from"), request.args.get("to"))
    except PeriodError as error:
        return api_error(error.status, error.code, error.message, error.fields)
    report = impact_report(period)
    db.session.commit()  # the order facts it brought up to date
    return jsonify(export.as_json(report))
