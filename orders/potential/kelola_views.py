"""``/kelola/<slug>/peluang``: a sentra's opportunities ("Peluang"), for its members.

What people living in the sentra's kelurahan and kecamatan looked for and found nowhere, and what
they bought from other sentras; each with a button that starts a new product draft titled with it.
"""
from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, g, render_template, request

from orders.impact.period import PeriodError, parse_period, today_wib
from orders.impact.views import PERIOD_MESSAGES
from orders.potential.opportunities import sentra_opportunities
from orders.potential.queries import min_searchers
from shop.i18n import current_language
from shop.sentras.access import sentra_required
from shop.sentras.models import Role

bp = Blueprint("potential_kelola", __name__, url_prefix="/kelola/<sentra_slug>/peluang")
DEFAULT_DAYS = 90  # a sentra plans over a season: a month has too few searchers to pass the threshold


def sentra_period(first: str | None, last: str | None):
    """The period a sentra asks for; without ``from``: the 90 days ending on ``to`` (today by default).

    :raise PeriodError: as :func:`orders.impact.period.parse_period`.
    """
    if not first:
        end = parse_period(last, last).last if last else today_wib()
        first = (end - timedelta(days=DEFAULT_DAYS - 1)).isoformat()
    return parse_period(first, last)


@bp.get("", endpoint="index")
@sentra_required(Role.MEMBER)
def opportunities(sentra_slug: str):
    """The opportunities for ``?from=&to=``. A bad period: 400 with a message."""
    try:
        period = sentra_period(request.args.get("from"), request.args.get("to"))
    except PeriodError as error:
        return render_template("potential/kelola.html", sentra=g.sentra, found=None, error=PERIOD_MESSAGES[error.code],
                               chosen={"from": request.args.get("from", ""), "to": request.args.get("to", "")}), 400
    found = sentra_opportunities(g.sentra, period)
    return render_template("potential/kelola.html", sentra=g.sentra, found=found, error=None,
                           chosen={"from": period.first.isoformat(), "to": period.last.isoformat()},
                           locale=current_language(), min_searchers=min_searchers())
