"""The program office's impact dashboard at /admin/dampak (routes on the admin blueprint).

For a chosen period (WIB days, both included; the last 30 days by default): the city's totals,
a table per kecamatan and per kelurahan, monthly trends as charts and a map of the 56 kelurahan,
all drawn on the server. Every table downloads as CSV from /admin/dampak.csv.
"""
from __future__ import annotations

from datetime import date

from flask import Response, abort, render_template, request
from flask_babel import format_date
from flask_babel import lazy_gettext as _l

from orders.impact import charts, choropleth, export
from orders.impact.period import PeriodError, parse_period
from orders.impact.queries import impact_report
from shop.admin.access import admin_required
from shop.admin.views import bp
from shop.extensions import db

PERIOD_MESSAGES = {
    "invalid_date": _l("Enter the dates as YYYY-MM-DD."),
    "date_out_of_range": _l("Choose dates from the year 2000 to 2100."),
    "reversed_range": _l("The end date is before the start date."),
    "range_too_long": _l("Choose a period of at most five years."),
}
TREND_CHARTS = (("orders", False), ("gmv_idr", False), ("active_members", True), ("paid_out_idr", False))
MAP_VALUE_NAMES = {
    "gmv_idr": _l("Gross merchandise value"), "orders": _l("Orders"), "active_members": _l("Active members"),
    "buyers": _l("Buyers"), "partner_gmv_idr": _l("Partner (B2B) value"), "earned_idr": _l("Earned"),
    "paid_out_idr": _l("Paid out"),
}


def month_label(key: str) -> str:
    """ "2025-03" -> "Mar 25" in the page's language (short, so a year of labels fits a phone)."""
    year, month = key.split("-")
    return format_date(date(int(year), int(month), 1), "MMM yy")


@bp.get("/dampak")
@admin_required
def impact_dashboard():
    """The dashboard for ``?from=&to=`` (YYYY-MM-DD), its map shaded by ``?peta=`` (a figure, GMV by
    default; an unknown one shows GMV). A malformed, reversed or too long period: 400."""
    try:
        period = parse_period(request.args.get("from"), request.args.get("to"))
    except PeriodError as error:
        return render_template(
            "impact/dashboard.html", report=None, error=PERIOD_MESSAGES[error.code],
            chosen={"from": request.args.get("from", ""), "to": request.args.get("to", "")},
        ), 400
    report = impact_report(period)
    db.session.commit()  # the order facts it brought up to date
    return render_template(
        "impact/dashboard.html", report=report, error=None,
        chosen={"from": period.first.isoformat(), "to": period.last.isoformat()},
        trends=[charts.monthly_chart(report.monthly, key, line=line, label=month_label)
                for key, line in TREND_CHARTS],
        kelurahan_map=choropleth.kelurahan_map(report.kelurahan, request.args.get("peta", "")),
        map_values=MAP_VALUE_NAMES,
    )


@bp.get("/dampak.csv")
@admin_required
def impact_csv():
    """``?table=kelurahan|kecamatan|monthly&from=&to=`` as CSV. :raise 400: unknown table or bad period."""
    table = request.args.get("table", "kelurahan")
    if table not in export.TABLES:
        abort(400)
    try:
        period = parse_period(request.args.get("from"), request.args.get("to"))
    except PeriodError:
        abort(400)
    filename = f"dampak-{table}-{period.first.isoformat()}-{period.last.isoformat()}.csv"
    report = impact_report(period)
    db.session.commit()
    return Response(
        export.table_csv(report, table), mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"},
    )
