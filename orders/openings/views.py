"""The openings pages: residents find openings at /lowongan, apply, and follow and withdraw their
applications at /lowongan/lamaran; a sentra's managers post openings and decide on applications under
/kelola/<slug>/lowongan. Every /kelola view needs a manager (applications are the managers' to see);
another sentra's opening or application is a 404.
"""
from __future__ import annotations

from datetime import datetime

from flask import (
    Blueprint,
    Response,
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
from flask_login import current_user, login_required

from orders.classes.forms import ActionForm, show_errors
from orders.openings import applications, services
from orders.openings.errors import OpeningError, OpeningNotFoundError
from orders.openings.forms import ApplicationForm, DecisionForm, OpeningForm
from orders.openings.labels import all_labels, hours_labels, pay_labels, role_labels
from orders.openings.models import (
    DECISIONS,
    ApplicationStatus,
    JobApplication,
    Opening,
    OpeningStatus,
)
from orders.rows import or_404
from shop.db import WIB
from shop.extensions import db
from shop.i18n import current_language
from shop.places.services import all_kecamatan, kelurahan_choices, subsector_choices
from shop.security import FILE_CSP
from shop.sentras.access import sentra_required
from shop.sentras.models import Role

bp = Blueprint("openings", __name__)
kelola = Blueprint("openings_kelola", __name__, url_prefix="/kelola/<sentra_slug>/lowongan")

PER_PAGE = 20


def _page() -> int:
    try:
        return max(1, min(int(request.args.get("page", 1)), 10_000))
    except ValueError:
        return 1


def _photo_response(data: bytes) -> Response:
    response = Response(data, mimetype="image/webp")
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Disposition"] = "inline"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = FILE_CSP
    return response


# --- residents ----------------------------------------------------------------------------------------


@bp.get("/lowongan")
def index():
    """Open openings of the city with filters (kecamatan, kelurahan, subsector, role), 20 a page."""
    filters, problems = services.parse_filters(request.args)
    for message in problems.values():
        flash(message, "error")
    page = _page()
    items, total = services.find_openings(filters, page, PER_PAGE)
    return render_template(
        "openings/index.html", openings=items, total=total, page=page, pages=max(1, -(-total // PER_PAGE)),
        args=request.args, kecamatan=all_kecamatan(), kelurahan=kelurahan_choices(),
        subsectors=subsector_choices(current_language()), labels=all_labels(),
    )


def _application_form(opening: Opening) -> ApplicationForm:
    form = ApplicationForm()
    form.skills.choices = [(skill, skill) for skill in opening.skills]
    form.kelurahan_code.choices = [("", _("Choose your kelurahan"))] + kelurahan_choices()
    if request.method == "GET" and current_user.is_authenticated and current_user.phone:
        form.phone.data = current_user.phone
    return form


@bp.route("/lowongan/<int:opening_id>", methods=["GET", "POST"])
def detail(opening_id: int):
    """An opening and, for a signed-in resident, the application form. :raise 404:"""
    opening = or_404(services.load_public_opening, opening_id)
    form = _application_form(opening)
    status = 200
    if request.method == "POST":
        if not current_user.is_authenticated:
            return current_app.login_manager.unauthorized()
        if form.validate_on_submit():
            try:
                upload = request.files.get(form.portfolio_photo.name)
                data = upload.stream.read(applications.MAX_PHOTO_BYTES + 1) if upload else b""
                photo = applications.process_photo(data) if data else None
                skills = [*(form.skills.data or []), *(form.other_skills.data or "").split(",")]
                application = applications.apply_to_opening(current_user, opening.id, applications.ApplicationInput(
                    motivation=form.motivation.data, skills=skills, birth_year=form.birth_year.data,
                    kelurahan_code=form.kelurahan_code.data, phone=form.phone.data,
                    portfolio_url=form.portfolio_url.data), photo)
            except OpeningError as error:
                db.session.rollback()
                show_errors(form, error)
                status = error.status
            else:
                db.session.commit()
                flash(_("Your application is sent. The sentra will answer here and by message."), "success")
                return redirect(url_for("openings.my_applications", _anchor=f"application-{application.id}"))
        else:
            status = 422
    mine = applications.application_of(current_user, opening) if current_user.is_authenticated else None
    return render_template("openings/detail.html", opening=opening, form=form, mine=mine, labels=all_labels(),
                           is_open=opening.is_open(services.today_wib())), status


@bp.get("/lowongan/lamaran")
@login_required
def my_applications():
    """The signed-in resident's applications and their states."""
    return render_template("openings/my_applications.html", applications=applications.applications_of(current_user),
                           labels=all_labels(), live=set(applications.LIVE), form=ActionForm())


def _own(application_id: int) -> JobApplication:
    return or_404(applications.load_own_application, current_user, application_id)


@bp.route("/lowongan/lamaran/<int:application_id>/tarik", methods=["GET", "POST"])
@login_required
def withdraw(application_id: int):
    """Withdraw an application: a confirmation page, then the withdrawal. :raise 404: someone else's."""
    application = _own(application_id)
    form = ActionForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        try:
            applications.withdraw(current_user, application.id)
        except OpeningError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(_("Your application is withdrawn."), "success")
        return redirect(url_for("openings.my_applications"))
    return render_template("openings/withdraw.html", application=application, form=form, labels=all_labels())


@bp.get("/lowongan/lamaran/<int:application_id>/portofolio")
@login_required
def my_portfolio(application_id: int):
    """The applicant's own portfolio photo (private). :raise 404: someone else's, or none."""
    return _photo_response(or_404(applications.read_portfolio, _own(application_id)))


# --- the sentra's managers ----------------------------------------------------------------------------


@kelola.get("/", endpoint="index")
@sentra_required(Role.MANAGER)
def manage_index(sentra_slug: str):
    """The sentra's openings, how many of each one's places are filled, and how many applications wait."""
    openings = services.sentra_openings(g.sentra.id)
    _, waiting = applications.sentra_applications(g.sentra.id, ApplicationStatus.SUBMITTED, 1, 1)
    return render_template("openings/kelola/index.html", sentra=g.sentra, openings=openings, waiting=waiting,
                           accepted=services.accepted_counts([o.id for o in openings]), labels=all_labels(),
                           today=services.today_wib(), form=ActionForm())


@kelola.route("/baru", methods=["GET", "POST"])
@sentra_required(Role.MANAGER)
def create(sentra_slug: str):
    """Post an opening."""
    form = OpeningForm()
    form.role.choices = [("", _("Choose a role"))] + list(role_labels().items())
    form.hours.choices = list(hours_labels().items())
    form.pay.choices = list(pay_labels().items())
    if not form.hours.data:
        form.hours.data = "part_time"
    if not form.pay.data:
        form.pay.data = "sales_share"
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                services.post_opening(g.sentra, current_user, services.OpeningInput(
                    title=form.title.data, role=form.role.data, description=form.description.data,
                    skills=form.skills.data or "", positions=form.positions.data, hours=form.hours.data,
                    pay=form.pay.data, closes_on=form.closes_on.data))
            except OpeningError as error:
                db.session.rollback()
                show_errors(form, error)
                status = error.status
            else:
                db.session.commit()
                flash(_("The opening is posted."), "success")
                return redirect(url_for("openings_kelola.index", sentra_slug=g.sentra.slug))
        else:
            status = 422
    return render_template("openings/kelola/form.html", sentra=g.sentra, form=form), status


@kelola.post("/<int:opening_id>/tutup")
@sentra_required(Role.MANAGER)
def close(sentra_slug: str, opening_id: int):
    """Stop taking applications. :raise 404: another sentra's opening."""
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        services.close_opening(g.sentra, opening_id)
    except OpeningNotFoundError:
        abort(404)
    except OpeningError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("The opening is closed."), "success")
    return redirect(url_for("openings_kelola.index", sentra_slug=g.sentra.slug))


@kelola.get("/lamaran")
@sentra_required(Role.MANAGER)
def applications_list(sentra_slug: str):
    """Applications to the sentra's openings (``?status=``), waiting longest first, 20 a page."""
    chosen = (request.args.get("status") or "").strip()
    if chosen not in set(ApplicationStatus):
        chosen = ""
    page = _page()
    items, total = applications.sentra_applications(g.sentra.id, chosen or None, page, PER_PAGE)
    return render_template("openings/kelola/applications.html", sentra=g.sentra, applications=items, total=total,
                           page=page, pages=max(1, -(-total // PER_PAGE)), chosen=chosen, labels=all_labels())


def _sentra_application(application_id: int) -> JobApplication:
    return or_404(applications.load_sentra_application, g.sentra.id, application_id)


def _decision_choices(application: JobApplication) -> list[tuple[str, str]]:
    words = {ApplicationStatus.SHORTLISTED: _("Shortlist"), ApplicationStatus.TRIAL: _("Invite to a trial day"),
             ApplicationStatus.ACCEPTED: _("Accept as a member"), ApplicationStatus.REJECTED: _("Reject")}
    return [(decision, words[decision]) for decision, before in DECISIONS.items() if application.status in before]


@kelola.route("/lamaran/<int:application_id>", methods=["GET", "POST"])
@sentra_required(Role.MANAGER)
def application(sentra_slug: str, application_id: int):
    """One application and the decision form. :raise 404: another sentra's application."""
    found = _sentra_application(application_id)
    form = DecisionForm()
    form.decision.choices = _decision_choices(found)
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            trial_at = form.trial_at.data
            when = datetime.combine(trial_at.date(), trial_at.time(), tzinfo=WIB) if trial_at else None
            was_open = found.opening.status == OpeningStatus.OPEN
            try:
                decided = applications.decide(g.sentra, found.id, form.decision.data, form.note.data or "", when)
            except OpeningError as error:
                db.session.rollback()
                show_errors(form, error)
                status = error.status
            else:
                filled = was_open and decided.opening.status == OpeningStatus.CLOSED
                db.session.commit()
                flash(_("Saved. The applicant is told."), "success")
                if filled:
                    flash(_("Every place of this opening is filled, so it is closed: it takes no more "
                            "applications. Those already made still wait for your answer."), "success")
                return redirect(url_for("openings_kelola.application", sentra_slug=g.sentra.slug,
                                        application_id=found.id))
        else:
            status = 422
        found = _sentra_application(application_id)
    return render_template("openings/kelola/application.html", sentra=g.sentra, application=found, form=form,
                           labels=all_labels()), status


@kelola.get("/lamaran/<int:application_id>/portofolio")
@sentra_required(Role.MANAGER)
def portfolio(sentra_slug: str, application_id: int):
    """An applicant's portfolio photo (private). :raise 404: another sentra's application, or none."""
    return _photo_response(or_404(applications.read_portfolio, _sentra_application(application_id)))
