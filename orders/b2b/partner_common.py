"""What every page of the partner area (/mitra/) shares: access, rendering, page numbers, messages.

Used by :mod:`orders.b2b.partner_views` (the dashboard and requests for quote),
:mod:`orders.b2b.partner_quote_views` (quote decisions, approvals) and
:mod:`orders.b2b.partner_order_views` (orders, invoices, handover), which all add routes to the
``b2b_partner`` blueprint.
"""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort, current_app, g, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from orders.b2b.access import acting_membership, can_approve
from orders.b2b.errors import ApprovalNotAllowedError, B2bError, NotPartnerError
from orders.b2b.invoices import today_wib
from orders.core.errors import OrderError
from shop.i18n import rupiah

PER_PAGE = 20

# What the partner reads when an action is refused, by the error's code.
ERROR_MESSAGES = {
    "already_accepted": _l("This quote was already accepted."),
    "quote_superseded": _l("The sentra sent a newer revision of this quote. Look at the newest one."),
    "quote_declined": _l("This quote was declined."),
    "rfq_closed": _l("This request is closed (accepted, declined or withdrawn)."),
    "quote_expired": _l("This quote is past its validity date. Ask the sentra for a new one in the comments."),
    "terms_unavailable": _l("Payment terms are not enabled for your organisation. Pay by bank transfer."),
    "overdue_invoices": _l("An invoice is overdue. Pay it before buying on payment terms again."),
    "insufficient_stock": _l("The sentra no longer has enough stock for a line of this quote. "
                             "Ask them to revise it."),
    "validation_error": _l("Choose bank transfer or payment terms."),
    "approval_decided": _l("This approval was already decided."),
    "handover_not_possible": _l("The goods are not on their way yet, or this order is already delivered."),
    "invalid_event": _l("The goods are not on their way yet, or this order is already delivered."),
}
NOT_A_MANAGER = _l("Only a manager or the owner approves purchases above the threshold.")
NOT_OWN = _l("A manager other than the person who prepared it must approve.")


def partner_required(view: Callable) -> Callable:
    """Log in, then act for the user's verified partner (``g.membership``, ``g.partner``). :raise 403:"""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any):
        try:
            g.membership = acting_membership(current_user)
        except NotPartnerError:
            abort(403)
        g.partner = g.membership.partner
        return view(*args, **kwargs)

    wrapped.partner_scoped = True  # type: ignore[attr-defined]
    return login_required(wrapped)


def endpoint_exists(name: str) -> bool:
    return name in current_app.view_functions


def render(template: str, code: int = 200, **context: Any):
    membership = g.membership
    return render_template(
        template, membership=membership, partner=membership.partner, may_approve=can_approve(membership),
        endpoint_exists=endpoint_exists, today=today_wib(), **context,
    ), code


def page_number() -> int:
    page = request.args.get("page", "1")
    return int(page) if page.isascii() and page.isdigit() and 0 < int(page) < 100_000 else 1


def error_message(error: B2bError | OrderError) -> str:
    if error.code == "credit_limit_exceeded":
        left = int(getattr(error, "fields", {}).get("available_idr") or 0)
        return _("This is over your credit limit: %(left)s of it is left. Pay by bank transfer or pay "
                 "open invoices first.", left=rupiah(left))
    if isinstance(error, ApprovalNotAllowedError):
        return str(NOT_A_MANAGER if not can_approve(g.membership) else NOT_OWN)
    return str(ERROR_MESSAGES.get(error.code, _l("This could not be done; nothing was changed.")))
