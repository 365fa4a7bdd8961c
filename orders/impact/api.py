"""``GET /api/v1/admin/impact?from=&to=``: the office dashboard's figures as JSON (on ``shop.api.bp``).

An admin's bearer token: none or an invalid one is a 401, a token of a user without the admin
flag a 403. ``from`` and ``to`` are WIB days, both included (the last 30 days by default); a
malformed day, a reversed range or one longer than five years is a 400 in the error shape.
"""
from __future__ import annotations

from flask import g, jsonify, request

from orders.impact import export
from orders.impact.period import PeriodError, parse_period
from orders.impact.queries import impact_report
from shop.api import bp
from shop.api.auth import api_login_required
from shop.errors import api_error
from shop.extensions import db


@bp.get("/admin/impact")
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
