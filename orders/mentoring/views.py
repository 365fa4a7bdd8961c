"""The mentoring pages: a mentor's own area at /pendamping (slots, sessions, notes), and the sentra's at
/kelola/<slug>/pendampingan (open slots, booking, history, ticking action items; managers only: the
notes are for the mentor, the sentra's managers and the office). Either side may cancel a booked
session before it starts, after a confirmation page. Another sentra's session is a 404."""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import wraps
from typing import Any

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from orders.classes.forms import ActionForm, show_errors
from orders.mentoring import services
from orders.mentoring.errors import CancelClosedError, MentoringError, MentoringNotFoundError
from orders.mentoring.forms import BookForm, NotesForm, SlotForm, TickForm
from orders.mentoring.models import MentoringSession
from orders.rows import or_404
from shop.db import WIB
from shop.extensions import db, login_manager
from shop.paging import Page
from shop.places.models import Subsector
from shop.sentras.access import sentra_required
from shop.sentras.models import Role

bp = Blueprint("mentoring", __name__, url_prefix="/pendamping")
kelola = Blueprint("mentoring_kelola", __name__, url_prefix="/kelola/<sentra_slug>/pendampingan")


def place_errors(form, error: MentoringError, names: dict[str, str] | None = None) -> None:
    """Show a domain error's fields under the form's fields (the shared :func:`show_errors`), with "slot_taken"
    in words; the rest as a flash."""
    if "slot_taken" in error.fields.values():
        error.fields = {name: _("Another sentra has just booked this slot.") if message == "slot_taken" else message
                        for name, message in error.fields.items()}
    show_errors(form, error, names)


def mentor_required(view: Callable) -> Callable:
    """Sets ``g.mentor``. Anonymous visitors go to the login page. :raise 403: not a mentor."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        g.mentor = services.mentor_for(current_user)
        if g.mentor is None:
            if services.pending_invitation(current_user) is not None:
                return render_template("mentoring/accept.html")
            abort(403)
        return view(*args, **kwargs)

    return wrapper


# --- the mentor ------------------------------------------------------------------------------------


@bp.route("/", methods=["GET", "POST"])
@mentor_required
def home():
    """The mentor's open slots (and the form to publish one) and their sessions. :raise 403: not a mentor."""
    form = SlotForm()
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            day = form.day.data
            try:
                services.publish_slot(g.mentor, services.SlotInput(
                    datetime.combine(day, form.starts.data, tzinfo=WIB),
                    datetime.combine(day, form.ends.data, tzinfo=WIB), form.mode.data, form.link.data or "",
                    form.place.data or ""))
            except MentoringError as error:
                db.session.rollback()
                place_errors(form, error, {"starts_at": "starts", "ends_at": "ends"})
                status = 422
            else:
                db.session.commit()
                flash(_("The slot is published."), "success")
                return redirect(url_for("mentoring.home"))
        else:
            status = 422
    return render_template("mentoring/home.html", mentor=g.mentor, form=form, slots=services.mentor_slots(g.mentor),
                           sessions=services.mentor_sessions(g.mentor), labels=services.TOPIC_LABELS), status


@bp.post("/terima")
def accept():
    """Accept the office's invitation: the account becomes a mentor's. :raise 404: no invitation."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not TickForm().validate_on_submit():
        abort(400)
    try:
        services.accept_invitation(current_user)
    except MentoringNotFoundError:
        abort(404)
    db.session.commit()
    flash(_("Welcome, mentor. Publish the times you are free."), "success")
    return redirect(url_for("mentoring.home"))


@bp.post("/slot/<int:slot_id>/tarik")
@mentor_required
def withdraw(slot_id: int):
    """Take back an open slot of one's own. :raise 404: another mentor's or a booked slot."""
    if not TickForm().validate_on_submit():
        abort(400)
    try:
        services.withdraw_slot(g.mentor, slot_id)
    except MentoringNotFoundError:
        abort(404)
    db.session.commit()
    flash(_("The slot is withdrawn."), "success")
    return redirect(url_for("mentoring.home"))


@bp.route("/sesi/<int:session_id>", methods=["GET", "POST"], endpoint="session")
@mentor_required
def mentor_session(session_id: int):
    """A session of the mentor's: the sentra's question, and the notes and action items form.
    :raise 404: another mentor's session."""
    found = or_404(services.load_mentor_session, g.mentor, session_id)
    form = NotesForm()
    status = 200
    if request.method == "GET":
        form.notes.data = found.notes
        form.actions.data = "\n".join(a.text for a in found.actions)
    elif form.validate_on_submit():
        try:
            services.write_notes(g.mentor, found.id, services.NotesInput(
                form.notes.data, tuple((form.actions.data or "").splitlines())))
        except MentoringError as error:
            db.session.rollback()
            place_errors(form, error)
            status = 422
        else:
            db.session.commit()
            flash(_("The notes are saved; the sentra sees them."), "success")
            return redirect(url_for("mentoring.session", session_id=found.id))
    else:
        status = 422
    return render_template("mentoring/session.html", session=found, form=form, labels=services.TOPIC_LABELS,
                           side="mentor", can_cancel=services.can_cancel(found)), status


def _cancel(found: MentoringSession, by: str, back: str, done: str):
    """The confirmation page of cancelling ``found`` (GET), or the cancellation (POST): back to the session
    when it has started, else to ``done`` with the news that the other side is told."""
    if not services.can_cancel(found):
        flash(_("This session has started; it can no longer be cancelled."), "error")
        return redirect(back)
    form = ActionForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        try:
            services.cancel_session(found, by, current_user)
        except MentoringNotFoundError:
            abort(404)
        except CancelClosedError as error:
            db.session.rollback()
            flash(error.message, "error")
            return redirect(back)
        db.session.commit()
        flash(_("The session is cancelled and the slot is open again. The mentor is told.") if by == "sentra"
              else _("The session is cancelled and the slot is open again; withdraw it if you cannot make that "
                     "time. The sentra is told."), "success")
        return redirect(done)
    return render_template("mentoring/cancel.html", session=found, form=form, back=back, action=request.path,
                           labels=services.TOPIC_LABELS)


@bp.route("/sesi/<int:session_id>/batal", methods=["GET", "POST"])
@mentor_required
def cancel(session_id: int):
    """Cancel a session of the mentor's before it starts, after a confirmation page. :raise 404: another
    mentor's session."""
    found = or_404(services.load_mentor_session, g.mentor, session_id)
    return _cancel(found, "mentor", url_for("mentoring.session", session_id=found.id), url_for("mentoring.home"))


# --- the sentra ------------------------------------------------------------------------------------


def _subsector_choices() -> list[tuple[str, str]]:
    return [(s.code, s.name_id) for s in db.session.scalars(db.select(Subsector).order_by(Subsector.name_id))]


@kelola.get("/", endpoint="index")
@sentra_required(Role.MEMBER)
def manage_index(sentra_slug: str):
    """Open slots to book (``?topic=&subsector=&from=``) and the sentra's sessions, latest first. Every
    member sees both; only managers book and open a session (its question and notes are theirs)."""
    filters, problems = services.parse_slot_filters(request.args)
    page = max(1, request.args.get("page", 1, type=int) or 1)
    slots, total = services.open_slots(filters, page, 20)
    return render_template("mentoring/kelola/index.html", sentra=g.sentra, slots=Page(slots, total, page, 20),
                           filters=filters, problems=problems,
                           can_manage=Role(g.membership.role).rank >= Role.MANAGER.rank,
                           sessions=services.sentra_sessions(g.sentra.id), labels=services.TOPIC_LABELS,
                           topics=services.topic_choices(), subsectors=_subsector_choices())


@kelola.route("/slot/<int:slot_id>", methods=["GET", "POST"])
@sentra_required(Role.MANAGER)
def book(sentra_slug: str, slot_id: int):
    """Book an open slot with a topic and a question. :raise 404: no such open slot."""
    slot = or_404(services.load_open_slot, slot_id)
    form = BookForm()
    form.topic.choices = [("", _("Choose a topic")), *services.topic_choices(slot.mentor.topic_list)]
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                booked = services.book_slot(g.sentra, current_user, slot.id, form.topic.data, form.question.data)
            except MentoringError as error:
                db.session.rollback()
                place_errors(form, error)
                status = error.status
            else:
                db.session.commit()
                flash(_("Booked. The mentor is told; you get a reminder a day before."), "success")
                return redirect(url_for("mentoring_kelola.session", sentra_slug=g.sentra.slug, session_id=booked.id))
        else:
            status = 422
    return render_template("mentoring/kelola/book.html", sentra=g.sentra, slot=slot, form=form,
                           labels=services.TOPIC_LABELS), status


def _load(session_id: int) -> MentoringSession:
    return or_404(services.load_sentra_session, g.sentra.id, session_id)


@kelola.get("/<int:session_id>", endpoint="session")
@sentra_required(Role.MANAGER)
def manage_session(sentra_slug: str, session_id: int):
    """A session of the sentra's: where and when, the question, the mentor's notes and action items.
    :raise 404: another sentra's session."""
    found = _load(session_id)
    return render_template("mentoring/session.html", session=found, form=TickForm(), labels=services.TOPIC_LABELS,
                           side="sentra", sentra=g.sentra, can_cancel=services.can_cancel(found))


@kelola.post("/<int:session_id>/tindakan/<int:action_id>")
@sentra_required(Role.MANAGER)
def tick(sentra_slug: str, session_id: int, action_id: int):
    """Tick an action item off (``done=1``) or back on (``done=0``). :raise 404: another sentra's."""
    found = _load(session_id)
    form = TickForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        services.tick_action(g.sentra, current_user, found.id, action_id, form.done.data != "0")
    except MentoringNotFoundError:
        abort(404)
    db.session.commit()
    return redirect(url_for("mentoring_kelola.session", sentra_slug=g.sentra.slug, session_id=found.id)
                    + f"#tindakan-{action_id}")


@kelola.route("/<int:session_id>/batal", methods=["GET", "POST"], endpoint="cancel")
@sentra_required(Role.MANAGER)
def manage_cancel(sentra_slug: str, session_id: int):
    """Cancel a session the sentra booked, before it starts, after a confirmation page. :raise 404: another
    sentra's session."""
    found = _load(session_id)
    return _cancel(found, "sentra", url_for("mentoring_kelola.session", sentra_slug=g.sentra.slug, session_id=found.id),
                   url_for("mentoring_kelola.index", sentra_slug=g.sentra.slug))
