"""The office's audit log at /admin/audit (routes on the admin blueprint), and its CSV export.

Newest first, 50 a page. Filters, all optional, shared by the page and the CSV:
``action`` (a prefix: ``sentra`` matches ``sentra.approve`` and the rest of ``sentra.*``;
``sentra.approve`` matches that action), ``from`` and ``to`` (WIB days, both inclusive,
``YYYY-MM-DD``). A malformed or reversed range is a 400 with the message shown.
Events are written by :func:`shop.audit.services.record` in the transaction of each action.
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask import Response, current_app, render_template, request, stream_with_context, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from shop.admin.access import admin_required
from shop.admin.views import bp
from shop.audit.models import AuditEvent
from shop.db import WIB, utcnow
from shop.extensions import db
from shop.spreadsheet import csv_lines

PER_PAGE = 50
ACTION_PATTERN = re.compile(r"^[a-z_]+(\.[a-z_]*)?$")

# The groups offered in the filter (an action's first word), and the actions' labels.
ACTION_GROUPS = {
    "sentra": _l("Sentras"),
    "partner": _l("Partners"),
    "member": _l("Sentra members"),
    "review": _l("Reviews"),
    "payment": _l("Payments"),
    "refund": _l("Refunds"),
    "problem": _l("Problems"),
    "invoice": _l("Invoices on terms"),
    "payout": _l("Payouts"),
    "adjustment": _l("Adjustments"),
    "user": _l("Users"),
}
ACTION_LABELS = {
    "sentra.approve": _l("Sentra approved"),
    "sentra.reject": _l("Sentra rejected"),
    "sentra.suspend": _l("Sentra suspended"),
    "sentra.reactivate": _l("Sentra reactivated"),
    "sentra.tax": _l("Sentra tax status changed"),
    "sentra.commission": _l("Sentra commission changed"),
    "sentra.bank_account": _l("Sentra bank account changed"),
    "partner.verify": _l("Partner verified"),
    "partner.reject": _l("Partner rejected"),
    "partner.terms": _l("Partner terms changed"),
    "member.role": _l("Member role changed"),
    "member.ownership": _l("Ownership transferred"),
    "review.hide": _l("Review hidden"),
    "review.show": _l("Review shown again"),
    "payment.confirm": _l("Transfer confirmed"),
    "payment.reject": _l("Transfer proof rejected"),
    "refund.complete": _l("Bank refund recorded"),
    "problem.settle": _l("Problem settled"),
    "invoice.paid": _l("Invoice payment recorded"),
    "payout.record": _l("Payout recorded"),
    "payout.export": _l("Payout batch exported"),
    "adjustment.record": _l("Ledger adjustment"),
    "user.admin": _l("Admin flag granted"),
}
# target_type -> (endpoint, its id argument): where a row's target links to, when the page exists.
TARGET_LINKS = {
    "sentra": ("admin.sentra_detail", "sentra_id"),
    "partner": ("admin.partner_detail", "partner_id"),
    "payment": ("admin.payment_detail", "payment_id"),
    "problem": ("admin.problem_detail", "problem_id"),
    "invoice": ("admin.b2b_invoice", "invoice_id"),
}


class AuditFilterError(ValueError):
    code = "invalid_filter"
    status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class AuditFilter:
    action: str = ""
    day_from: date | None = None
    day_to: date | None = None

    def args(self) -> dict[str, str]:
        """The filter as query-string arguments (for links to other pages and the CSV)."""
        values = {"action": self.action, "from": self.day_from and self.day_from.isoformat(),
                  "to": self.day_to and self.day_to.isoformat()}
        return {key: value for key, value in values.items() if value}


def _day(value: str, name: str) -> date | None:
    if not value:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise AuditFilterError(_("%(name)s must be a date like 2025-01-31.", name=name)) from None
    if not date(2000, 1, 1) <= day <= date(2100, 12, 31):
        raise AuditFilterError(_("%(name)s must be a date like 2025-01-31.", name=name))
    return day


def parse_filter(args: Any) -> AuditFilter:
    """Read ``action``, ``from`` and ``to`` from query arguments. :raise AuditFilterError:"""
    action = (args.get("action") or "").strip().lower()
    if action and not ACTION_PATTERN.match(action):
        raise AuditFilterError(_("Choose an action from the list."))
    day_from = _day((args.get("from") or "").strip(), _("From"))
    day_to = _day((args.get("to") or "").strip(), _("To"))
    if day_from and day_to and day_from > day_to:
        raise AuditFilterError(_("The start date is after the end date."))
    return AuditFilter(action=action, day_from=day_from, day_to=day_to)


def _wib_start(day: date) -> datetime:
    return datetime.combine(day, time(0, 0), WIB).astimezone(UTC)


def events_query(flt: AuditFilter):
    """The events matching ``flt``, newest first, with their actors loaded."""
    query = select(AuditEvent).options(joinedload(AuditEvent.actor)).order_by(
        AuditEvent.created_at.desc(), AuditEvent.id.desc())
    if flt.action:
        if "." in flt.action:
            query = query.where(AuditEvent.action.startswith(flt.action, autoescape=True))
        else:
            query = query.where(or_(AuditEvent.action == flt.action,
                                    AuditEvent.action.startswith(f"{flt.action}.", autoescape=True)))
    if flt.day_from:
        query = query.where(AuditEvent.created_at >= _wib_start(flt.day_from))
    if flt.day_to:
        query = query.where(AuditEvent.created_at < _wib_start(flt.day_to + timedelta(days=1)))
    return query


def target_url(event: AuditEvent) -> str | None:
    """The office page of the event's target, when there is one."""
    endpoint, arg = TARGET_LINKS.get(event.target_type, (None, None))
    if endpoint is None or endpoint not in current_app.view_functions or not event.target_id.isdigit():
        return None
    return url_for(endpoint, **{arg: int(event.target_id)})


def _page() -> int:
    return max(request.args.get("page", 1, type=int) or 1, 1)


@bp.get("/audit")
@admin_required
def audit_log():
    """Office actions, newest first, 50 a page; filters ``action``, ``from``, ``to``. 400 for a bad filter."""
    try:
        flt = parse_filter(request.args)
    except AuditFilterError as error:
        return render_template("shop/admin/audit/index.html", page_obj=None, flt=AuditFilter(), error=error.message,
                               form=request.args, groups=ACTION_GROUPS, labels=ACTION_LABELS), error.status
    page_obj = db.paginate(events_query(flt), page=_page(), per_page=PER_PAGE, error_out=False, count=True)
    return render_template("shop/admin/audit/index.html", page_obj=page_obj, flt=flt, error=None,
                           form=request.args, groups=ACTION_GROUPS, labels=ACTION_LABELS, target_url=target_url)


CSV_HEADER = ["when_wib", "actor_id", "actor_email", "action", "target_type", "target_id", "summary", "details"]


def _csv_rows(flt: AuditFilter) -> Iterator[str]:
    return csv_lines(CSV_HEADER, (
        (event.created_at.astimezone(WIB).isoformat(timespec="seconds"), event.actor_id or "",
         event.actor.email if event.actor else "", event.action, event.target_type, event.target_id,
         event.summary, json.dumps(event.details or {}, ensure_ascii=False, sort_keys=True))
        for event in db.session.scalars(events_query(flt).execution_options(yield_per=500))
    ))


@bp.get("/audit.csv")
@admin_required
def audit_csv():
    """The audit log with the page's filters as CSV (UTF-8, newest first). 400 for a bad filter."""
    try:
        flt = parse_filter(request.args)
    except AuditFilterError as error:
        return Response(error.message + "\n", status=error.status, mimetype="text/plain")
    filename = f"audit-{utcnow().astimezone(WIB).date().isoformat()}.csv"
    return Response(
        stream_with_context(_csv_rows(flt)), mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"},
    )
