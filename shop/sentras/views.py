"""Sentra pages: applying (/buka-sentra), invitations (/undangan) and /kelola/<slug>/...

Every view under /kelola/ is decorated with :func:`sentra_required`; the
tenant-isolation test fails for one that is not.
"""
from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select

from shop import dashboards
from shop.db import WIB, utcnow
from shop.extensions import db
from shop.i18n import current_language
from shop.imaging import BAD_SHAPE_MESSAGE
from shop.places.services import kelurahan_choices, subsector_choices
from shop.sentras import members as member_services
from shop.sentras import services
from shop.sentras.access import membership_for, sentra_required
from shop.sentras.forms import (
    ROLE_LABELS,
    BirthYearForm,
    InviteForm,
    RoleForm,
    SentraApplyForm,
    SentraProfileForm,
    TransferForm,
)
from shop.sentras.images import InvalidImageError
from shop.sentras.models import Role, Sentra, SentraMembership, SentraStatus
from shop.storage import get_storage

bp = Blueprint("sentras", __name__)

IMAGE_ERRORS = {
    "too_large": _l("The logo is larger than 5 MB."),
    "too_many_pixels": _l("The logo has too many pixels (at most 20 megapixels)."),
    "bad_shape": BAD_SHAPE_MESSAGE,
    "not_an_image": _l("The logo must be a JPEG, PNG or WebP image."),
}


@bp.app_context_processor
def _nav():
    def nav_memberships():
        """The current user's memberships with their sentra: one query, once per request."""
        if not current_user.is_authenticated:
            return []
        if "_nav_memberships" not in g:
            g._nav_memberships = member_services.memberships_of(current_user)
        return g._nav_memberships

    def birth_year_question() -> BirthYearForm | None:
        """The once-only birth-year question for a member of the sentra in view who never answered it."""
        membership = g.get("membership")  # the partner area keeps a partner's membership under the same name
        if not isinstance(membership, SentraMembership) or g.get("sentra") is None:
            return None
        if membership.birth_year is not None or membership.birth_year_asked_at is not None:
            return None
        return BirthYearForm(formdata=None)

    return {"nav_memberships": nav_memberships, "role_labels": ROLE_LABELS, "birth_year_question": birth_year_question}


def _logo_url(sentra: Sentra) -> str | None:
    return get_storage().url(sentra.logo_key) if sentra.logo_key else None


def _subsector_choices(form: SentraProfileForm) -> None:
    form.subsectors.choices = subsector_choices(current_language())


def _image_error(form: SentraProfileForm, error: InvalidImageError) -> None:
    form.logo.errors = [*form.logo.errors, IMAGE_ERRORS[error.reason]]


def _subsector_error(form: SentraProfileForm) -> None:
    form.subsectors.errors = [*form.subsectors.errors, _("Choose between 1 and 3 subsectors.")]


# --- applying -----------------------------------------------------------------------------


@bp.route("/buka-sentra", methods=["GET", "POST"])
@login_required
def apply():
    """Apply to open the sentra of a kelurahan that has none (verified email required)."""
    if not current_user.is_verified:
        return render_template("shop/sentras/verify_first.html"), 403
    form = SentraApplyForm()
    form.kelurahan.choices = [("", _("Choose a kelurahan"))] + kelurahan_choices(
        services.free_kelurahan_codes()
    )
    _subsector_choices(form)
    status = 200
    if form.validate_on_submit():
        try:
            sentra = services.apply_for_sentra(
                current_user, form.kelurahan.data, form.profile(), form.logo_bytes()
            )
        except services.KelurahanTakenError:
            db.session.rollback()
            form.kelurahan.errors = [_("This kelurahan already has a sentra.")]
            status = 409
        except services.UnknownKelurahanError:
            form.kelurahan.errors = [_("Choose a kelurahan that has no sentra yet.")]
            status = 400
        except services.SubsectorChoiceError:
            _subsector_error(form)
            status = 400
        except InvalidImageError as error:
            _image_error(form, error)
            status = 400
        else:
            db.session.commit()
            flash(_("Your application has been sent. The program office will review it."), "success")
            return redirect(url_for("sentras.manage_home", sentra_slug=sentra.slug))
    elif form.is_submitted():
        status = 400
    return render_template("shop/sentras/apply.html", form=form), status


@bp.get("/sentra/<slug>/logo")
def logo(slug: str):
    """The sentra's logo file. :raise 404: no logo, or the sentra is not public and not yours."""
    sentra = db.session.scalar(select(Sentra).where(Sentra.slug == slug))
    if sentra is None or not sentra.logo_key:
        abort(404)
    if sentra.status != SentraStatus.ACTIVE and not (
        current_user.is_authenticated and membership_for(current_user.id, sentra.id)
    ):
        abort(404)
    return redirect(get_storage().url(sentra.logo_key))


# --- invitations for the logged-in user ---------------------------------------------------


@bp.get("/undangan")
@login_required
def invitations():
    """Invitations waiting for the current user's verified address."""
    if not current_user.is_verified:
        return render_template("shop/sentras/verify_first.html"), 403
    return render_template("shop/sentras/invitations.html", invites=member_services.invites_for(current_user))


@bp.post("/undangan/<int:invite_id>/terima")
@login_required
def accept_invite(invite_id: int):
    if not current_user.is_verified:
        return render_template("shop/sentras/verify_first.html"), 403
    birth_year = _birth_year_given()
    if birth_year is False:
        return redirect(url_for("sentras.invitations"))
    try:
        membership = member_services.accept_invite(current_user, invite_id)
        if birth_year is not None:
            member_services.record_birth_year(membership, birth_year)
    except services.InviteNotFoundError:
        abort(404)
    except services.AlreadyMemberError:
        db.session.commit()  # the stale invitation is gone
        flash(_("You are already a member of that sentra."), "warning")
        return redirect(url_for("sentras.invitations"))
    db.session.commit()
    flash(_("Welcome to %(name)s.", name=membership.sentra.name), "success")
    return redirect(url_for("sentras.manage_home", sentra_slug=membership.sentra.slug))


def _birth_year_given() -> int | None | bool:
    """The optional birth year posted with a form: the year, None when left empty, or False (flashed) when
    it is not a year from 1940 to this year."""
    raw = (request.form.get("birth_year") or "").strip()
    if not raw:
        return None
    year = int(raw) if raw.isdigit() and len(raw) == 4 else raw
    problem = member_services.birth_year_problem(year, utcnow().astimezone(WIB).year)
    if problem:
        flash(_("Birth year: %(problem)s", problem=problem), "error")
        return False
    return year


@bp.post("/kelola/<sentra_slug>/tahun-lahir")
@sentra_required()
def birth_year(sentra_slug: str):
    """The member answers the once-only birth-year question, or dismisses it ("not now"); either way it is
    not asked again. Back to the page it was asked on."""
    if not BirthYearForm().validate_on_submit():
        abort(400)
    back = request.form.get("next") or ""
    if not back.startswith(f"/kelola/{g.sentra.slug}/") or "//" in back or "\\" in back:
        back = url_for("sentras.manage_home", sentra_slug=g.sentra.slug)
    later = request.form.get("action") == "later"
    year = None if later else _birth_year_given()
    if year is False:
        return redirect(back)
    if not later and year is None:
        flash(_("Enter your birth year, or choose Not now."), "error")
        return redirect(back)
    member_services.record_birth_year(g.membership, year)
    db.session.commit()
    flash(_("Thank you.") if year else _("We will not ask again."), "success")
    return redirect(back)


@bp.post("/undangan/<int:invite_id>/tolak")
@login_required
def decline_invite(invite_id: int):
    try:
        member_services.decline_invite(current_user, invite_id)
    except services.InviteNotFoundError:
        abort(404)
    db.session.commit()
    flash(_("Invitation declined."), "success")
    return redirect(url_for("sentras.invitations"))


# --- the sentra's own area ----------------------------------------------------------------


@bp.get("/kelola/<sentra_slug>/")
@sentra_required()
def manage_home(sentra_slug: str):
    """Status of the sentra (pending, suspended with its reason, active) and quick links.

    An active sentra also gets its dashboard, when the orders package provides one
    (:data:`shop.dashboards.SENTRA`, :mod:`orders.dashboard.sentra`): what needs doing now,
    sales of the last 30 days, top products, rating, balance and the last payout.
    """
    sentra = g.sentra
    dashboard = dashboards.provided(dashboards.SENTRA)
    return render_template(
        "shop/sentras/manage_home.html",
        sentra=sentra,
        membership=g.membership,
        logo_url=_logo_url(sentra),
        board=dashboard(sentra) if dashboard is not None and sentra.status == SentraStatus.ACTIVE else None,
        endpoint_exists=lambda name: name in current_app.view_functions,
    )


@bp.route("/kelola/<sentra_slug>/profil", methods=["GET", "POST"])
@sentra_required()
def profile(sentra_slug: str):
    """Edit the public profile (any member); the kelurahan cannot change."""
    sentra = g.sentra
    form = SentraProfileForm(obj=None if _is_post() else sentra)
    _subsector_choices(form)
    if not _is_post():
        form.subsectors.data = [s.code for s in sentra.subsectors]
    status = 200
    if form.validate_on_submit():
        try:
            services.update_profile(sentra, form.profile(), form.logo_bytes())
        except services.SubsectorChoiceError:
            _subsector_error(form)
            status = 400
        except InvalidImageError as error:
            _image_error(form, error)
            status = 400
        else:
            db.session.commit()
            flash(_("Profile saved."), "success")
            return redirect(url_for("sentras.profile", sentra_slug=sentra.slug))
    elif form.is_submitted():
        status = 400
    return render_template(
        "shop/sentras/profile.html", form=form, sentra=sentra, logo_url=_logo_url(sentra)
    ), status


def _is_post() -> bool:
    return request.method == "POST"


def _members_page(invite_form: InviteForm | None = None, status: int = 200):
    sentra, membership = g.sentra, g.membership
    roles = member_services.invitable_roles(membership)
    if invite_form is None and roles:
        invite_form = InviteForm()
    if invite_form is not None:
        invite_form.role.choices = [(r.value, ROLE_LABELS[r]) for r in roles]
    return render_template(
        "shop/sentras/members.html",
        sentra=sentra,
        membership=membership,
        members=member_services.members_of(sentra),
        invites=member_services.pending_invites(sentra),
        invite_form=invite_form,
        role_form=RoleForm(),
        Role=Role,
    ), status


@bp.get("/kelola/<sentra_slug>/anggota")
@sentra_required()
def members(sentra_slug: str):
    """Members with their roles and the pending invitations."""
    return _members_page()


@bp.post("/kelola/<sentra_slug>/anggota/undang")
@sentra_required(Role.MANAGER)
def invite(sentra_slug: str):
    """Invite someone by email (managers invite members; the owner also managers)."""
    form = InviteForm()
    form.role.choices = [(r.value, ROLE_LABELS[r]) for r in member_services.invitable_roles(g.membership)]
    if not form.validate_on_submit():
        return _members_page(form, 400)
    try:
        member_services.invite_member(g.sentra, g.membership, form.email.data, Role(form.role.data))
    except services.PermissionDeniedError:
        abort(403)
    except services.AlreadyMemberError:
        form.email.errors = [_("This person is already a member.")]
        return _members_page(form, 409)
    except services.InviteExistsError:
        form.email.errors = [_("This address has already been invited.")]
        return _members_page(form, 409)
    db.session.commit()
    flash(_("Invitation sent to %(email)s.", email=form.email.data.strip().lower()), "success")
    return redirect(url_for("sentras.members", sentra_slug=sentra_slug))


@bp.post("/kelola/<sentra_slug>/anggota/<int:membership_id>/peran")
@sentra_required(Role.OWNER)
def change_role(sentra_slug: str, membership_id: int):
    """Make a member a manager or back (owner only)."""
    form = RoleForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        member_services.change_role(g.sentra, g.membership, membership_id, Role(form.role.data))
    except services.MemberNotFoundError:
        abort(404)
    except (services.PermissionDeniedError, services.OwnerRequiredError):
        abort(403)
    db.session.commit()
    flash(_("Role changed."), "success")
    return redirect(url_for("sentras.members", sentra_slug=sentra_slug))


@bp.post("/kelola/<sentra_slug>/anggota/<int:membership_id>/hapus")
@sentra_required()
def remove_member(sentra_slug: str, membership_id: int):
    """Remove a member (owner; managers remove plain members) or leave the sentra."""
    leaving = membership_id == g.membership.id
    try:
        member_services.remove_member(g.sentra, g.membership, membership_id)
    except services.MemberNotFoundError:
        abort(404)
    except (services.PermissionDeniedError, services.OwnerRequiredError):
        abort(403)
    db.session.commit()
    if leaving:
        flash(_("You have left %(name)s.", name=g.sentra.name), "success")
        return redirect(url_for("storefront.home"))
    flash(_("Member removed."), "success")
    return redirect(url_for("sentras.members", sentra_slug=sentra_slug))


@bp.post("/kelola/<sentra_slug>/undangan/<int:invite_id>/batal")
@sentra_required(Role.MANAGER)
def cancel_invite(sentra_slug: str, invite_id: int):
    try:
        member_services.cancel_invite(g.sentra, invite_id)
    except services.InviteNotFoundError:
        abort(404)
    db.session.commit()
    flash(_("Invitation cancelled."), "success")
    return redirect(url_for("sentras.members", sentra_slug=sentra_slug))


@bp.route("/kelola/<sentra_slug>/anggota/serah-terima", methods=["GET", "POST"])
@sentra_required(Role.OWNER)
def transfer(sentra_slug: str):
    """Hand ownership to another member after re-entering the password (owner only)."""
    sentra = g.sentra
    form = TransferForm()
    form.new_owner.choices = [
        (m.id, f"{m.user.name} ({m.user.email})")
        for m in member_services.members_of(sentra)
        if m.id != g.membership.id
    ]
    status = 200
    if form.validate_on_submit():
        try:
            member_services.transfer_ownership(sentra, g.membership, form.new_owner.data, form.password.data)
        except services.WrongPasswordError:
            form.password.errors = [_("That is not your password.")]
            status = 400
        except services.MemberNotFoundError:
            form.new_owner.errors = [_("Choose a member of this sentra.")]
            status = 400
        except services.PermissionDeniedError:
            abort(403)
        else:
            db.session.commit()
            flash(_("Ownership transferred. You are now a manager."), "success")
            return redirect(url_for("sentras.members", sentra_slug=sentra_slug))
    elif form.is_submitted():
        status = 400
    return render_template("shop/sentras/transfer.html", form=form, sentra=sentra), status
