"""The programme office's mentoring pages (routes on the admin blueprint): the roster of mentors at
/admin/pendamping, where the office invites one; and /admin/pendampingan, sessions per sentra and per
mentor, the sentras with none in the last 90 days, and every session with its notes."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from orders.mentoring import office, services
from orders.mentoring.errors import MentoringError, MentoringNotFoundError
from orders.mentoring.forms import MentorForm, TickForm
from orders.mentoring.models import MentoringSession
from orders.mentoring.views import place_errors
from shop.admin.access import admin_required
from shop.admin.views import bp
from shop.extensions import db
from shop.paging import Page
from shop.places.models import Subsector

PER_PAGE = 30


@bp.route("/pendamping", methods=["GET", "POST"])
@admin_required
def mentors():
    """The roster; the form adds a mentor and emails the invitation."""
    form = MentorForm()
    form.topics.choices = services.topic_choices()
    form.subsectors.choices = [(s.code, s.name_id) for s in db.session.scalars(
        db.select(Subsector).order_by(Subsector.name_id))]
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                services.invite_mentor(current_user, services.MentorInput(
                    name=form.name.data, email=form.email.data, headline=form.headline.data or "",
                    contact=form.contact.data or "", subsectors=tuple(form.subsectors.data or ()),
                    topics=tuple(form.topics.data or ())))
            except MentoringError as error:
                db.session.rollback()
                place_errors(form, error)
                status = error.status
            else:
                db.session.commit()
                flash(_("The mentor is on the roster and has been emailed an invitation."), "success")
                return redirect(url_for("admin.mentors"))
        else:
            status = 422
    return render_template("mentoring/office/mentors.html", form=form, mentors=services.roster(),
                           per_mentor={t.id: t for t in office.sessions_per_mentor()},
                           labels=services.TOPIC_LABELS, toggle=TickForm()), status


@bp.post("/pendamping/<int:mentor_id>/status")
@admin_required
def mentor_status(mentor_id: int):
    """Take a mentor off the roster (``done=0``; their open slots are withdrawn) or back on (``done=1``)."""
    form = TickForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        services.set_active(mentor_id, form.done.data != "0")
    except MentoringNotFoundError:
        abort(404)
    db.session.commit()
    return redirect(url_for("admin.mentors"))


@bp.get("/pendampingan")
@admin_required
def mentoring_overview():
    """Sessions per sentra and per mentor, quiet sentras, and every session (paginated)."""
    page = max(1, request.args.get("page", 1, type=int) or 1)
    items, total = office.all_sessions(page, PER_PAGE)
    return render_template("mentoring/office/overview.html", per_sentra=office.sessions_per_sentra(),
                           per_mentor=office.sessions_per_mentor(), quiet=office.quiet_sentras(),
                           quiet_days=office.QUIET_DAYS, sessions=Page(items, total, page, PER_PAGE),
                           labels=services.TOPIC_LABELS)


@bp.get("/pendampingan/<int:session_id>")
@admin_required
def mentoring_session(session_id: int):
    """One session with its notes and action items. :raise 404:"""
    found = db.session.get(MentoringSession, session_id)
    if found is None:
        abort(404)
    return render_template("mentoring/session.html", session=found, form=TickForm(), labels=services.TOPIC_LABELS,
                           side="office")
