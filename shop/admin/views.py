"""The program office at /admin: sentra and partner decisions, and a user search.

Every view is behind :func:`shop.admin.access.admin_required`; a test enumerates
the /admin routes and proves it.
"""
from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from shop.admin import queries
from shop.admin.access import admin_required
from shop.admin.forms import DecisionForm, ReasonForm
from shop.extensions import db
from shop.partners import services as partner_services
from shop.partners.models import Partner, PartnerStatus
from shop.sentras import approval
from shop.sentras.models import Sentra, SentraStatus
from shop.storage import get_storage

bp = Blueprint("admin", __name__, url_prefix="/admin")

SENTRA_STATUSES = [s.value for s in SentraStatus]
PARTNER_STATUSES = [s.value for s in PartnerStatus]


def _page() -> int:
    return request.args.get("page", 1, type=int) or 1


def _status_filter(allowed: list[str]) -> str | None:
    status = request.args.get("status") or None
    return status if status in allowed else None


@bp.get("/")
@admin_required
def dashboard():
    return render_template("shop/admin/dashboard.html", counts=queries.dashboard_counts())


# Sentras ---------------------------------------------------------------------


@bp.get("/sentra")
@admin_required
def sentras():
    """All sentras, pending applications first; ``?status=`` narrows the list."""
    status = _status_filter(SENTRA_STATUSES)
    return render_template(
        "shop/admin/sentras.html",
        page_obj=queries.sentra_page(status, _page()),
        status=status,
        statuses=SENTRA_STATUSES,
    )


def _render_sentra(sentra: Sentra, reason_form: ReasonForm | None = None, error: str | None = None,
                   status: int = 200):
    logo_url = get_storage().url(sentra.logo_key) if sentra.logo_key else None
    return (
        render_template(
            "shop/admin/sentra_detail.html",
            sentra=sentra,
            applicant=queries.sentra_applicant(sentra),
            decided_by=queries.user_by_id(sentra.decided_by_id),
            logo_url=logo_url,
            actions=approval.allowed_actions(sentra),
            decision_form=DecisionForm(),
            reason_form=reason_form or ReasonForm(formdata=None),
            error=error,
        ),
        status,
    )


@bp.get("/sentra/<int:sentra_id>")
@admin_required
def sentra_detail(sentra_id: int):
    """An application or sentra with the decisions its status allows. :raise 404: unknown id."""
    return _render_sentra(db.get_or_404(Sentra, sentra_id))


def _decide_sentra(sentra_id: int, decide: Callable[..., Sentra], needs_reason: bool, done: str):
    sentra = db.get_or_404(Sentra, sentra_id)
    form = ReasonForm() if needs_reason else DecisionForm()
    if not form.validate_on_submit():
        if not needs_reason:
            abort(400)
        return _render_sentra(sentra, reason_form=form, status=422)
    try:
        if needs_reason:
            decide(sentra, current_user, form.reason.data)
        else:
            decide(sentra, current_user)
    except approval.SentraStateError as error:
        db.session.rollback()
        return _render_sentra(db.session.get(Sentra, sentra_id), error=error.message, status=409)
    db.session.commit()
    flash(done % {"name": sentra.name}, "success")
    return redirect(url_for("admin.sentra_detail", sentra_id=sentra.id))


@bp.post("/sentra/<int:sentra_id>/setujui")
@admin_required
def sentra_approve(sentra_id: int):
    """Approve a pending application. 409 when it is not pending (e.g. approved already)."""
    return _decide_sentra(sentra_id, approval.approve_sentra, False, _("%(name)s is approved and now public."))


@bp.post("/sentra/<int:sentra_id>/tolak")
@admin_required
def sentra_reject(sentra_id: int):
    """Reject a pending application with a reason. 422 without a reason, 409 when not pending."""
    return _decide_sentra(sentra_id, approval.reject_sentra, True, _("%(name)s is rejected."))


@bp.post("/sentra/<int:sentra_id>/bekukan")
@admin_required
def sentra_suspend(sentra_id: int):
    """Suspend an active sentra with a reason. 422 without a reason, 409 when not active."""
    return _decide_sentra(sentra_id, approval.suspend_sentra, True, _("%(name)s is suspended."))


@bp.post("/sentra/<int:sentra_id>/aktifkan")
@admin_required
def sentra_reactivate(sentra_id: int):
    """Reactivate a suspended sentra. 409 when it is not suspended."""
    return _decide_sentra(sentra_id, approval.reactivate_sentra, False, _("%(name)s is active again."))


# Partners --------------------------------------------------------------------


@bp.get("/mitra")
@admin_required
def partners():
    """All partner organisations, pending first; ``?status=`` narrows the list."""
    status = _status_filter(PARTNER_STATUSES)
    return render_template(
        "shop/admin/partners.html",
        page_obj=queries.partner_page(status, _page()),
        status=status,
        statuses=PARTNER_STATUSES,
    )


def _render_partner(partner: Partner, reason_form: ReasonForm | None = None, error: str | None = None,
                    status: int = 200):
    return (
        render_template(
            "shop/admin/partner_detail.html",
            partner=partner,
            members=partner_services.partner_members(partner),
            decided_by=queries.user_by_id(partner.decided_by_id),
            actions=partner_services.allowed_actions(partner),
            decision_form=DecisionForm(),
            reason_form=reason_form or ReasonForm(formdata=None),
            error=error,
        ),
        status,
    )


@bp.get("/mitra/<int:partner_id>")
@admin_required
def partner_detail(partner_id: int):
    """A partner organisation with its members and the decisions its status allows. :raise 404: unknown id."""
    return _render_partner(db.get_or_404(Partner, partner_id))


@bp.post("/mitra/<int:partner_id>/verifikasi")
@admin_required
def partner_verify(partner_id: int):
    """Verify a pending partner. 409 when it is not pending."""
    partner = db.get_or_404(Partner, partner_id)
    if not DecisionForm().validate_on_submit():
        abort(400)
    try:
        partner_services.verify_partner(partner, current_user)
    except partner_services.PartnerStateError as error:
        db.session.rollback()
        return _render_partner(db.session.get(Partner, partner_id), error=error.message, status=409)
    db.session.commit()
    flash(_("%(name)s is verified.", name=partner.name), "success")
    return redirect(url_for("admin.partner_detail", partner_id=partner.id))


@bp.post("/mitra/<int:partner_id>/tolak")
@admin_required
def partner_reject(partner_id: int):
    """Reject a pending partner with a reason. 422 without a reason, 409 when not pending."""
    partner = db.get_or_404(Partner, partner_id)
    form = ReasonForm()
    if not form.validate_on_submit():
        return _render_partner(partner, reason_form=form, status=422)
    try:
        partner_services.reject_partner(partner, current_user, form.reason.data)
    except partner_services.PartnerStateError as error:
        db.session.rollback()
        return _render_partner(db.session.get(Partner, partner_id), error=error.message, status=409)
    db.session.commit()
    flash(_("%(name)s is rejected.", name=partner.name), "success")
    return redirect(url_for("admin.partner_detail", partner_id=partner.id))


# Users -----------------------------------------------------------------------


@bp.get("/pengguna")
@admin_required
def users():
    """Search users by name or email; shows the admin flag, verification and memberships."""
    text = (request.args.get("q") or "").strip()[:120]
    page_obj, rows = queries.user_search(text, _page())
    return render_template("shop/admin/users.html", page_obj=page_obj, rows=rows, q=text)


import shop.admin.survey_views  # noqa: E402, F401  (adds /admin/potensi/<code>/survei to this blueprint)
import shop.admin.synonyms_views  # noqa: E402, F401  (adds /admin/sinonim to this blueprint)
