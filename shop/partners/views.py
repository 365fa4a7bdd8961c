"""The partner area at /mitra: the programme page, registration, and an organisation's own page."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from shop import dashboards
from shop.extensions import db
from shop.partners import services
from shop.partners.forms import (
    IN_BEKASI,
    AddColleagueForm,
    ColleagueRoleForm,
    EmptyForm,
    PartnerRegistrationForm,
    ThresholdForm,
)
from shop.partners.models import Partner, PartnerMembership, PartnerRole
from shop.places.services import kelurahan_choices

bp = Blueprint("partners", __name__)


@bp.get("/mitra/")
def home():
    """What the partner programme is; a member sees their organisations.

    A member of a verified partner gets the partner's dashboard instead, when the B2B
    area offers one (:data:`shop.dashboards.PARTNER`, provided by orders.blueprints).
    """
    memberships = services.memberships_of(current_user) if current_user.is_authenticated else []
    dashboard = dashboards.provided(dashboards.PARTNER)
    if dashboard is not None and any(m.partner.is_verified for m in memberships):
        return dashboard()
    return render_template("shop/partners/home.html", memberships=memberships)


@bp.route("/mitra/daftar", methods=["GET", "POST"])
@login_required
def register():
    """Register a UMKM partner organisation. :raise 403: the email is not verified yet."""
    if not current_user.is_verified:
        return render_template("shop/partners/verify_first.html"), 403
    form = PartnerRegistrationForm(kelurahan_choices=kelurahan_choices())
    if not form.validate_on_submit():
        status = 422 if form.is_submitted() else 200
        return render_template("shop/partners/register.html", form=form), status
    in_bekasi = form.place.data == IN_BEKASI
    details = services.PartnerDetails(
        name=form.name.data,
        nib=form.nib.data,
        npwp=form.npwp.data or None,
        street=form.street.data,
        kelurahan_code=form.kelurahan_code.data if in_bekasi else None,
        city=None if in_bekasi else form.city.data,
        postal_code=None if in_bekasi else form.postal_code.data,
    )
    try:
        partner = services.register_partner(current_user, details)
    except services.PartnerDetailsError as error:
        db.session.rollback()
        getattr(form, error.field or "name").errors.append(error.message)
        return render_template("shop/partners/register.html", form=form), 422
    db.session.commit()
    flash(_("Thank you! The program office will check %(name)s and email you.", name=partner.name), "success")
    return redirect(url_for("partners.detail", partner_id=partner.id))


def _load(partner_id: int) -> tuple[Partner, PartnerMembership]:
    """The partner and the caller's membership. :raise 404: not a member (or no such partner)."""
    membership = services.membership_for(current_user, partner_id)
    if membership is None:
        abort(404)
    return membership.partner, membership


def _render_detail(partner: Partner, membership: PartnerMembership, add_form=None, status: int = 200,
                   threshold_form=None):
    is_owner = membership.role == PartnerRole.OWNER
    if threshold_form is None:
        threshold_form = ThresholdForm(formdata=None)
        threshold_form.threshold.data = "" if partner.approval_threshold_idr is None else \
            f"{partner.approval_threshold_idr:,}".replace(",", ".")
    return (
        render_template(
            "shop/partners/detail.html",
            partner=partner,
            membership=membership,
            is_owner=is_owner,
            members=services.partner_members(partner),
            add_form=add_form or AddColleagueForm(formdata=None),
            threshold_form=threshold_form,
        ),
        status,
    )


@bp.get("/mitra/<int:partner_id>/")
@login_required
def detail(partner_id: int):
    """The organisation's page: status, reason, colleagues. :raise 404: not a member."""
    partner, membership = _load(partner_id)
    return _render_detail(partner, membership)


@bp.post("/mitra/<int:partner_id>/anggota")
@login_required
def add_member(partner_id: int):
    """The owner adds a colleague by the email of a registered account. :raise 404: not a member."""
    partner, membership = _load(partner_id)
    form = AddColleagueForm()
    if not form.validate_on_submit():
        return _render_detail(partner, membership, form, 422)
    try:
        added = services.add_partner_member(partner, current_user, form.email.data, form.role.data)
    except services.PartnerPermissionError:
        db.session.rollback()
        abort(403)
    except services.PartnerMemberError as error:
        db.session.rollback()
        getattr(form, error.field or "email").errors.append(error.message)
        return _render_detail(partner, membership, form, 422)
    db.session.commit()
    flash(_("%(name)s has joined %(partner)s.", name=added.user.name, partner=partner.name), "success")
    return redirect(url_for("partners.detail", partner_id=partner.id))


@bp.post("/mitra/<int:partner_id>/anggota/<int:membership_id>/peran")
@login_required
def change_role(partner_id: int, membership_id: int):
    """The owner changes a colleague's role. :raise 404: not a member."""
    partner, membership = _load(partner_id)
    form = ColleagueRoleForm()
    if not form.validate_on_submit():
        flash(_("Choose staff or manager."), "error")
        return redirect(url_for("partners.detail", partner_id=partner.id))
    try:
        services.change_partner_member_role(partner, current_user, membership_id, form.role.data)
    except services.PartnerPermissionError:
        db.session.rollback()
        abort(403)
    except services.PartnerMemberError as error:
        db.session.rollback()
        flash(error.message, "error")
        return _render_detail(partner, membership, status=409)
    db.session.commit()
    flash(_("Role changed."), "success")
    return redirect(url_for("partners.detail", partner_id=partner.id))


@bp.post("/mitra/<int:partner_id>/anggota/<int:membership_id>/hapus")
@login_required
def remove_member(partner_id: int, membership_id: int):
    """The owner removes a colleague (never the owner). :raise 404: not a member."""
    partner, membership = _load(partner_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        services.remove_partner_member(partner, current_user, membership_id)
    except services.PartnerPermissionError:
        db.session.rollback()
        abort(403)
    except services.PartnerMemberError as error:
        db.session.rollback()
        flash(error.message, "error")
        return _render_detail(partner, membership, status=409)
    db.session.commit()
    flash(_("Colleague removed."), "success")
    return redirect(url_for("partners.detail", partner_id=partner.id))


@bp.post("/mitra/<int:partner_id>/ambang")
@login_required
def set_threshold(partner_id: int):
    """The owner sets the approval threshold in rupiah (empty: none). :raise 404: not a member. :raise 403:"""
    partner, membership = _load(partner_id)
    form = ThresholdForm()
    if not form.validate_on_submit():
        return _render_detail(partner, membership, status=422, threshold_form=form)
    try:
        services.set_approval_threshold(partner, current_user, form.threshold.data)
    except services.PartnerPermissionError:
        db.session.rollback()
        abort(403)
    except services.PartnerDetailsError as error:
        db.session.rollback()
        form.threshold.errors.append(error.message)
        return _render_detail(partner, membership, status=422, threshold_form=form)
    db.session.commit()
    flash(_("Approval threshold saved."), "success")
    return redirect(url_for("partners.detail", partner_id=partner.id))
