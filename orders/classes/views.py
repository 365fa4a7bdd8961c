"""The classes pages: residents find and book classes at /kelas; a sentra's managers publish,
edit and cancel them, and members check attendees in at the door, under /kelola/<slug>/kelas.

Every /kelola view is decorated with :func:`sentra_required` (managers publish, edit and
cancel; members check in); another sentra's class is a 404.
"""
from __future__ import annotations

from datetime import datetime

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
from flask_login import current_user, login_required

from orders.classes import bookings, services, waitlist
from orders.classes.certificates import load_certificate
from orders.classes.errors import (
    ClassError,
    ClassNotFoundError,
    TooManyWrongCodesError,
    WrongCodeError,
)
from orders.classes.forms import (
    SESSION_ROWS,
    ActionForm,
    BookingForm,
    CancelClassForm,
    CheckInForm,
    ClassForm,
    offer_methods,
    show_errors,
)
from orders.classes.models import Audience, TrainingClass
from orders.core.providers import PaymentError
from shop.db import WIB
from shop.extensions import db
from shop.i18n import current_language
from shop.places.services import all_kecamatan, kelurahan_choices, subsector_choices
from shop.sentras.access import sentra_required
from shop.sentras.models import Role

bp = Blueprint("classes", __name__)
kelola = Blueprint("classes_kelola", __name__, url_prefix="/kelola/<sentra_slug>/kelas")

PER_PAGE = 20


# --- residents ----------------------------------------------------------------------------------------


@bp.get("/kelas")
def index():
    """Upcoming classes with filters (kecamatan, subsector, day range, free or paid, audience)."""
    filters, problems = services.parse_filters(request.args)
    for message in problems.values():
        flash(message, "error")
    try:
        page = max(1, min(int(request.args.get("page", 1)), 10_000))
    except ValueError:
        page = 1
    items, total = services.find_classes(filters, page, PER_PAGE)
    return render_template(
        "classes/index.html", classes=items, total=total, page=page, pages=max(1, -(-total // PER_PAGE)),
        filters=filters, args=request.args, kecamatan=all_kecamatan(),
        subsectors=subsector_choices(current_language()),
    )


def _public_class(class_id: int) -> TrainingClass:
    try:
        return services.load_public_class(class_id)
    except ClassNotFoundError:
        abort(404)


def _booking_form(klass: TrainingClass) -> BookingForm:
    form = BookingForm()
    form.kelurahan_code.choices = [("", _("Choose your kelurahan"))] + kelurahan_choices()
    return offer_methods(form, bookings.payment_methods_for_classes(current_app.config) if klass.price_idr else [])


@bp.route("/kelas/<int:class_id>", methods=["GET", "POST"])
def detail(class_id: int):
    """A class with its sessions and the booking form; posting the form books (signed-in residents)."""
    klass = _public_class(class_id)
    form = _booking_form(klass)
    status = 200
    if request.method == "POST":
        if not current_user.is_authenticated:
            return current_app.login_manager.unauthorized()
        if form.validate_on_submit():
            data = bookings.BookingInput(idempotency_key=form.key.data, seats=form.seats.data,
                                         birth_year=form.birth_year.data, kelurahan_code=form.kelurahan_code.data,
                                         payment_method=form.payment_method.data or None)
            try:
                result = bookings.book_class(current_user, klass.id, data, current_app.config)
            except ClassError as error:
                show_errors(form, error)
                status = error.status
            except PaymentError as error:
                flash(_("The payment could not be started: %(message)s", message=error.message), "error")
                status = 422
            else:
                booking = result.booking
                checkout = bookings.checkout_of(booking)
                if checkout is not None and checkout.payment_method != "pay_on_pickup" \
                        and booking.status == "pending_payment":
                    return redirect(url_for("checkout.payment", checkout_id=checkout.id))
                flash(_("Your seat is booked. Show the attendance code at the door."), "success")
                return redirect(url_for("classes.booking", booking_id=booking.id))
        else:
            status = 422
        db.session.rollback()
        klass = _public_class(class_id)
    return _detail_page(klass, form, status)


def _detail_page(klass: TrainingClass, form: BookingForm, status: int = 200):
    entry = waitlist.entry_of(current_user.id, klass.id) if current_user.is_authenticated else None
    offer = waitlist.live_offer(current_user.id, klass.id) if entry is not None else None
    return render_template("classes/detail.html", klass=klass, form=form, deadline=bookings.cancel_deadline(klass),
                           entry=entry, offer=offer), status


@bp.post("/kelas/<int:class_id>/antre")
@login_required
def join_waitlist(class_id: int):
    """Join a full class's waiting list; freed seats are offered in order. :raise 404: no such class."""
    klass = _public_class(class_id)
    form = _booking_form(klass)
    if not form.validate_on_submit():
        abort(400)
    try:
        waitlist.join_waitlist(current_user, klass.id, form.seats.data)
    except waitlist.SeatsAvailableError as error:
        db.session.rollback()
        flash(error.message, "info")
        return redirect(url_for("classes.detail", class_id=class_id, _anchor="book"))
    except ClassError as error:
        db.session.rollback()
        show_errors(form, error)
        return _detail_page(_public_class(class_id), form, error.status)
    db.session.commit()
    flash(_("You are on the waiting list. We email you when a seat is free."), "success")
    return redirect(url_for("classes.detail", class_id=class_id, _anchor="book"))


@bp.get("/sertifikat/<code>")
def certificate(code: str):
    """A certificate of attendance, printable on A4; anyone holding the code may check it. :raise 404:"""
    found = load_certificate(code)
    if found is None:
        abort(404)
    return render_template("classes/certificate.html", certificate=found)


@bp.get("/kelas/pesanan")
@login_required
def my_bookings():
    """The signed-in resident's bookings, the latest class first."""
    return render_template("classes/my_bookings.html", bookings=bookings.buyer_bookings(current_user.id))


@bp.get("/kelas/pesanan/<int:booking_id>")
@login_required
def booking(booking_id: int):
    """One of the resident's bookings with its attendance code. :raise 404: someone else's."""
    try:
        found = bookings.load_buyer_booking(current_user.id, booking_id)
    except ClassNotFoundError:
        abort(404)
    return render_template("classes/booking.html", booking=found, klass=found.training_class,
                           checkout=bookings.checkout_of(found), can_cancel=bookings.can_cancel(found),
                           deadline=bookings.cancel_deadline(found.training_class), form=ActionForm())


@bp.post("/kelas/pesanan/<int:booking_id>/batal")
@login_required
def cancel_booking(booking_id: int):
    """The resident cancels before the deadline (paid seats are refunded). :raise 404: someone else's."""
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        bookings.cancel_booking(current_user, booking_id, current_app.config)
    except ClassNotFoundError:
        abort(404)
    except (ClassError, PaymentError) as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("classes.booking", booking_id=booking_id))
    db.session.commit()
    flash(_("Your booking is cancelled."), "success")
    return redirect(url_for("classes.booking", booking_id=booking_id))


# --- the sentra -------------------------------------------------------------------------------------------


def _load(class_id: int) -> TrainingClass:
    try:
        return services.load_sentra_class(g.sentra.id, class_id)
    except ClassNotFoundError:
        abort(404)


def _class_form(klass: TrainingClass | None = None) -> ClassForm:
    if request.method == "POST":
        form = ClassForm()
    elif klass is not None:
        form = ClassForm(formdata=None, data=_initial(klass))
    else:
        form = ClassForm(formdata=None, data={"sessions": [{}] * SESSION_ROWS, "cancel_hours": 24,
                                              "audience": Audience.PUBLIC.value})
    form.subsector_code.choices = [("", _("Choose a subsector"))] + subsector_choices(current_language())
    return form


def _initial(klass: TrainingClass) -> dict:
    sessions = [{"day": s.starts_at.astimezone(WIB).date(), "starts": s.starts_at.astimezone(WIB).time(),
                 "ends": s.ends_at.astimezone(WIB).time()} for s in klass.sessions]
    trainer = klass.trainer.email if klass.trainer is not None else klass.trainer_name
    return {"title": klass.title, "description": klass.description, "subsector_code": klass.subsector_code,
            "sessions": sessions + [{}], "capacity": klass.capacity, "price_idr": klass.price_idr,
            "audience": klass.audience, "location": klass.location, "bring": klass.bring, "trainer": trainer,
            "cancel_hours": klass.cancel_hours}


def _class_input(form: ClassForm) -> services.ClassInput:
    sessions = []
    for row in form.sessions:
        day, starts, ends = row.day.data, row.starts.data, row.ends.data
        if day is None and starts is None and ends is None:
            continue
        sessions.append(services.SessionInput(
            datetime.combine(day, starts, tzinfo=WIB) if day and starts else None,
            datetime.combine(day, ends, tzinfo=WIB) if day and ends else None))
    return services.ClassInput(
        title=form.title.data, description=form.description.data or "", subsector_code=form.subsector_code.data,
        sessions=sessions, capacity=form.capacity.data, price_idr=form.price_idr.data or 0,
        audience=form.audience.data, location=form.location.data or "", bring=form.bring.data or "",
        trainer=form.trainer.data or "",
        cancel_hours=form.cancel_hours.data if form.cancel_hours.data is not None else 24,
    )


def _show_class_errors(form: ClassForm, error: ClassError) -> None:
    for name, message in error.fields.items():
        if name.startswith("sessions.") and name.split(".")[1].isdigit():
            # The service numbers the sessions given; the form's empty rows are skipped there.
            given = [row for row in form.sessions if row.day.data or row.starts.data or row.ends.data]
            index = int(name.split(".")[1])
            target = given[index].day if index < len(given) else None
        elif name == "sessions":
            target = None
        else:
            target = form[name] if name in form._fields else None
        if target is None:
            form.form_errors.append(message)
        else:
            target.errors = [*target.errors, message]


def _more_rows(form: ClassForm) -> bool:
    if request.form.get("action") == "add_session":
        if len(form.sessions) < form.sessions.max_entries:
            form.sessions.append_entry()
        return True
    return False


@kelola.get("/", endpoint="index")
@sentra_required(Role.MEMBER)
def manage_index(sentra_slug: str):
    """The sentra's classes, upcoming first."""
    return render_template("classes/kelola/index.html", sentra=g.sentra, classes=services.sentra_classes(g.sentra.id),
                           can_manage=Role(g.membership.role).rank >= Role.MANAGER.rank)


@kelola.route("/baru", methods=["GET", "POST"])
@sentra_required(Role.MANAGER)
def create(sentra_slug: str):
    """Publish a class (managers and owners)."""
    form = _class_form()
    status = 200
    if request.method == "POST" and not _more_rows(form):
        if form.validate_on_submit():
            try:
                klass = services.publish_class(g.sentra, current_user, _class_input(form))
            except ClassError as error:
                db.session.rollback()
                _show_class_errors(form, error)
                status = 422
            else:
                db.session.commit()
                flash(_("The class is published."), "success")
                return redirect(url_for("classes_kelola.edit", sentra_slug=g.sentra.slug, class_id=klass.id))
        else:
            status = 422
    return render_template("classes/kelola/form.html", sentra=g.sentra, form=form, klass=None), status


@kelola.route("/<int:class_id>", methods=["GET", "POST"])
@sentra_required(Role.MANAGER)
def edit(sentra_slug: str, class_id: int):
    """Change a class (managers and owners). :raise 404: another sentra's."""
    klass = _load(class_id)
    form = _class_form(klass)
    status = 200
    if request.method == "POST" and not _more_rows(form):
        if form.validate_on_submit():
            try:
                services.edit_class(g.sentra, class_id, _class_input(form))
            except ClassError as error:
                db.session.rollback()
                _show_class_errors(form, error)
                status = error.status
            else:
                db.session.commit()
                flash(_("The class is saved."), "success")
                return redirect(url_for("classes_kelola.edit", sentra_slug=g.sentra.slug, class_id=class_id))
        else:
            status = 422
        klass = _load(class_id)
    return render_template("classes/kelola/form.html", sentra=g.sentra, form=form, klass=klass,
                           cancel_form=CancelClassForm()), status


@kelola.post("/<int:class_id>/batal")
@sentra_required(Role.MANAGER)
def cancel(sentra_slug: str, class_id: int):
    """Cancel the whole class: bookings end, paid seats are refunded, everyone is told. :raise 404:"""
    _load(class_id)
    form = CancelClassForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        bookings.cancel_class(g.sentra, current_user, class_id, form.reason.data or "", current_app.config)
    except PaymentError as error:
        db.session.rollback()
        flash(_("A refund was refused, so nothing was cancelled: %(message)s", message=error.message), "error")
        return redirect(url_for("classes_kelola.edit", sentra_slug=g.sentra.slug, class_id=class_id))
    db.session.commit()
    flash(_("The class is cancelled; everyone who booked is told."), "success")
    return redirect(url_for("classes_kelola.index", sentra_slug=g.sentra.slug))


@kelola.route("/<int:class_id>/hadir", methods=["GET", "POST"])
@sentra_required(Role.MEMBER)
def attendance(sentra_slug: str, class_id: int):
    """The door: check attendees in by code, or from the list. :raise 404: another sentra's class."""
    klass = _load(class_id)
    form = CheckInForm()
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                checked = bookings.check_in_by_code(g.sentra, class_id, form.code.data, current_user)
            except (WrongCodeError, TooManyWrongCodesError) as error:
                db.session.rollback()
                form.code.errors = [*form.code.errors, error.message]
                status = error.status
            else:
                db.session.commit()
                name = checked.booking.buyer.name
                if checked.changed:
                    flash(_("%(name)s is checked in (%(n)d seats).", name=name, n=checked.booking.seats), "success")
                else:
                    flash(_("%(name)s was already checked in.", name=name), "info")
                return redirect(url_for("classes_kelola.attendance", sentra_slug=g.sentra.slug, class_id=class_id))
        else:
            status = 422
    return render_template("classes/kelola/attendance.html", sentra=g.sentra, klass=klass, form=form,
                           bookings=bookings.class_bookings(klass), action_form=ActionForm()), status


@kelola.post("/<int:class_id>/hadir/<int:booking_id>")
@sentra_required(Role.MEMBER)
def check_in(sentra_slug: str, class_id: int, booking_id: int):
    """Check one attendee in from the list. :raise 404: not a booking of this sentra's class."""
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        bookings.check_in_booking(g.sentra, class_id, booking_id, current_user)
    except ClassNotFoundError:
        abort(404)
    db.session.commit()
    return redirect(url_for("classes_kelola.attendance", sentra_slug=g.sentra.slug, class_id=class_id,
                            _anchor=f"booking-{booking_id}"))

