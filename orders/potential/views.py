"""The office's potential and needs map at /admin/potensi (routes on the admin blueprint).

For a chosen period (WIB days, both included; the last 30 days by default): a map of the 56
kelurahan shaded by unmet demand (people who searched for what no sentra offers) or, for a chosen
subsector, by the gap between residents' demand and local supply (their purchases in that subsector
at other kelurahan's sentras); the table below it (its CSV at /admin/potensi.csv); and a page per
kelurahan. Everything is read from the worker's rollup.
"""
from __future__ import annotations

from flask import Response, abort, render_template, request
from flask_babel import lazy_gettext as _l

from orders.impact import choropleth
from orders.impact.period import PeriodError, parse_period
from orders.impact.views import PERIOD_MESSAGES
from orders.potential import export
from orders.potential.queries import (
    PotentialReport,
    bought_elsewhere,
    elsewhere_by_subsector,
    potential_report,
)
from shop.admin.access import admin_required
from shop.admin.survey_views import survey_form
from shop.admin.views import bp
from shop.extensions import db
from shop.i18n import current_language
from shop.places import surveys
from shop.places.models import Kelurahan, Subsector
from shop.places.services import all_subsectors


def _period_or_error():
    try:
        return parse_period(request.args.get("from"), request.args.get("to")), None
    except PeriodError as error:
        return None, PERIOD_MESSAGES[error.code]


def unmet_value(row) -> int:
    """What the unmet map shades: people who searched the kelurahan's shown unmet terms (a person
    who searched two of them counts twice)."""
    return sum(term.searchers for term in row.unmet)


def _map(report: PotentialReport, subsector: Subsector | None):
    if subsector is None:
        return choropleth.shaded_map(report.kelurahan, [unmet_value(row) for row in report.kelurahan],
                                     "unmet", False), _l("people who searched for what no sentra offers")
    gap = elsewhere_by_subsector(report.period, subsector.code)
    name = subsector.name_for(current_language())
    return (choropleth.shaded_map(report.kelurahan, [gap.get(row.code, 0) for row in report.kelurahan],
                                  "gap", False),
            _l("purchases of %(subsector)s from other kelurahan's sentras", subsector=name))


@bp.get("/potensi")
@admin_required
def potential_map():
    """The map and table for ``?from=&to=``, shaded for ``?subsektor=`` (a subsector code; none or an
    unknown one: unmet demand). A malformed, reversed or too long period: 400."""
    period, error = _period_or_error()
    chosen = {"from": request.args.get("from", ""), "to": request.args.get("to", "")}
    if period is None:
        return render_template("potential/map.html", report=None, error=error, chosen=chosen), 400
    chosen = {"from": period.first.isoformat(), "to": period.last.isoformat()}
    code = request.args.get("subsektor", "")
    subsectors = all_subsectors()
    subsector = next((s for s in subsectors if s.code == code), None)
    report = potential_report(period)
    kelurahan_map, map_name = _map(report, subsector)
    return render_template("potential/map.html", report=report, error=None, chosen=chosen,
                           kelurahan_map=kelurahan_map, map_name=map_name, subsectors=subsectors,
                           subsector=subsector, locale=current_language())


@bp.get("/potensi.csv")
@admin_required
def potential_csv():
    """The table as CSV for ``?from=&to=``. :raise 400: a bad period."""
    period, error = _period_or_error()
    if period is None:
        abort(400)
    filename = f"potensi-{period.first.isoformat()}-{period.last.isoformat()}.csv"
    return Response(export.table_csv(potential_report(period)), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"})


@bp.get("/potensi/<code>")
@admin_required
def potential_kelurahan(code: str):
    """One kelurahan: its figures, unmet terms, what its residents buy elsewhere, and the field survey.

    :raise 404: not a kelurahan of Kota Bekasi. 400: a bad period.
    """
    period, error = _period_or_error()
    if period is None:
        return render_template("potential/kelurahan.html", row=None, error=error,
                               chosen={"from": request.args.get("from", ""), "to": request.args.get("to", "")},
                               code=code), 400
    report = potential_report(period)
    row = next((r for r in report.kelurahan if r.code == code), None)
    if row is None:
        abort(404)
    names = {s.code: s.name_for(current_language()) for s in all_subsectors()}
    kelurahan = db.session.get(Kelurahan, code)
    survey = surveys.survey_page(kelurahan)
    return render_template("potential/kelurahan.html", row=row, report=report, error=None, code=code,
                           chosen={"from": period.first.isoformat(), "to": period.last.isoformat()},
                           elsewhere=bought_elsewhere(period, code), subsector_names=names,
                           kelurahan=kelurahan, survey=survey, form=survey_form(kelurahan, survey))
