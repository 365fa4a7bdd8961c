"""The facilities pages: residents and members book at /fasilitas/<id> and find (and cancel) their
bookings under /fasilitas/pesanan; a sentra's managers add
facilities and block times, and every member reads the day or week schedule, under
/kelola/<slug>/fasilitas. Another sentra's facility is a 404."""
from __future__ import annotations

from datetime import date, datetime, timedelta

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

from orders.classes.bookings import payment_methods_for_classes
from orders.classes.forms import ActionForm, offer_methods, show_errors
from orders.core.providers import PaymentError
from orders.facilities import services
from orders.facilities.errors import FacilityError, FacilityNotFoundError
from orders.facilities.forms import FacilityForm, SlotForm
from orders.facilities.models import Facility, FacilityBooking
from shop.db import WIB, utcnow
from shop.extensions import db
from shop.sentras.access import membership_for, sentra_required
from shop.sentras.models import Role

bp = Blueprint("facilities", __name__)
kelola = Blueprint("facilities_kelola", __name__, url_prefix="/kelola/<sentra_slug>/fasilitas")


def _slot_form(with_methods: bool) -> SlotForm:
    return offer_methods(SlotForm(), payment_methods_for_classes(current_app.config) if with_methods else [])


def _slot(form: SlotForm, key: str) -> services.SlotInput:
    day = form.day.data
    return services.SlotInput(key, datetime.combine(day, form.starts.data, tzinfo=WIB),
                              datetime.combine(day, form.ends.data, tzinfo=WIB),
                              form.payment_method.data or None, form.note.data or "")


def _place_errors(form, error: FacilityError) -> None:
    if error.fields.get("starts_at") == "slot_taken":
        error.fields["starts_at"] = _("Every unit is booked at some moment of that time.")
    show_errors(form, error, {"starts_at": "starts", "ends_at": "ends"})


@bp.get("/fasilitas")
def index():
    """Equipment and workspace of the active sentras (``?sentra=<slug>``: one sentra's)."""
    return render_template("facilities/index.html",
                           facilities=services.public_facilities((request.args.get("sentra") or "").strip() or None))


@bp.route("/fasilitas/<int:facility_id>", methods=["GET", "POST"])
def detail(facility_id: int):
    """A facility with the week's bookings and the booking form (signed in). :raise 404:"""
    try:
        facility = services.load_public_facility(facility_id)
    except FacilityNotFoundError:
        abort(404)
    member = current_user.is_authenticated and membership_for(current_user.id, facility.sentra_id) is not None
    form = _slot_form(with_methods=facility.hourly_price_idr > 0 and not member)
    status = 200
    if request.method == "POST":
        if not current_user.is_authenticated:
            return current_app.login_manager.unauthorized()
        if form.validate_on_submit():
            try:
                result = services.book_facility(current_user, facility.id, _slot(form, form.key.data),
                                                current_app.config)
            except FacilityError as error:
                _place_errors(form, error)
                status = error.status
            except PaymentError as error:
                flash(_("The payment could not be started: %(message)s", message=error.message), "error")
                status = 422
            else:
                booking = result.booking
                if booking.order is not None and booking.status == "pending_payment":
                    return redirect(url_for("checkout.payment", checkout_id=booking.order.checkout_id))
                flash(_("Booked: %(name)s, %(when)s.", name=facility.name,
                        when=booking.starts_at.astimezone(WIB).strftime("%d-%m-%Y %H:%M")), "success")
                return redirect(url_for("facilities.booking", booking_id=booking.id))
        else:
            status = 422
        db.session.rollback()
    today = utcnow().astimezone(WIB).date()
    return render_template("facilities/detail.html", facility=facility, form=form, member=member,
                           week=services.schedule(facility, today, 7)), status


@bp.get("/fasilitas/pesanan")
@login_required
def my_bookings():
    """The signed-in user's facility bookings, the latest first."""
    return render_template("facilities/my_bookings.html", bookings=services.user_bookings(current_user.id))


def _own_booking(booking_id: int) -> FacilityBooking:
    try:
        return services.load_user_booking(current_user.id, booking_id)
    except FacilityNotFoundError:
        abort(404)


@bp.get("/fasilitas/pesanan/<int:booking_id>")
@login_required
def booking(booking_id: int):
    """One of the user's bookings; until it starts, a way to cancel it. :raise 404: someone else's."""
    found = _own_booking(booking_id)
    return render_template("facilities/booking.html", booking=found, facility=found.facility,
                           can_cancel=services.can_cancel(found))


@bp.get("/fasilitas/pesanan/<int:booking_id>/batal")
@login_required
def cancel_confirm(booking_id: int):
    """Ask before cancelling. :raise 404: someone else's booking."""
    found = _own_booking(booking_id)
    if not services.can_cancel(found):
        flash(_("This booking can no longer be cancelled."), "error")
        return redirect(url_for("facilities.booking", booking_id=booking_id))
    return render_template("facilities/cancel.html", booking=found, facility=found.facility, form=ActionForm())


@bp.post("/fasilitas/pesanan/<int:booking_id>/batal")
@login_required
def cancel_booking(booking_id: int):
    """Cancel before the booking starts: the unit is free again, a paid booking refunded. :raise 404:"""
    _own_booking(booking_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        services.cancel_booking(current_user, booking_id, current_app.config)
    except FacilityNotFoundError:
        abort(404)
    except (FacilityError, PaymentError) as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("facilities.booking", booking_id=booking_id))
    db.session.commit()
    flash(_("Your booking is cancelled."), "success")
    return redirect(url_for("facilities.booking", booking_id=booking_id))


# --- the sentra -------------------------------------------------------------------------------------


@kelola.route("/", methods=["GET", "POST"], endpoint="index")
@sentra_required(Role.MEMBER)
def manage_index(sentra_slug: str):
    """The sentra's facilities; managers add one here."""
    can_manage = Role(g.membership.role).rank >= Role.MANAGER.rank
    form = FacilityForm()
    status = 200
    if request.method == "POST":
        if not can_manage:
            abort(403)
        if form.validate_on_submit():
            try:
                services.create_facility(g.sentra, services.FacilityInput(
                    name=form.name.data, description=form.description.data or "",
                    hourly_price_idr=form.hourly_price_idr.data or 0, units=form.units.data,
                    opening_hours=form.opening_hours.data or None))
            except FacilityError as error:
                db.session.rollback()
                _place_errors(form, error)
                status = 422
            else:
                db.session.commit()
                flash(_("The facility is added."), "success")
                return redirect(url_for("facilities_kelola.index", sentra_slug=g.sentra.slug))
        else:
            status = 422
    return render_template("facilities/kelola/index.html", sentra=g.sentra, form=form, can_manage=can_manage,
                           facilities=services.sentra_facilities(g.sentra.id)), status


def _load(facility_id: int) -> Facility:
    try:
        return services.load_sentra_facility(g.sentra.id, facility_id)
    except FacilityNotFoundError:
        abort(404)


def _first_day() -> date:
    raw = request.args.get("hari") or ""
    try:
        return date.fromisoformat(raw)
    except ValueError:
        return utcnow().astimezone(WIB).date()


@kelola.route("/<int:facility_id>", methods=["GET", "POST"])
@sentra_required(Role.MEMBER)
def schedule(sentra_slug: str, facility_id: int):
    """The schedule of a facility for a day or a week (``?hari=YYYY-MM-DD&minggu=1``); managers block
    times for maintenance here. :raise 404: another sentra's facility."""
    facility = _load(facility_id)
    can_manage = Role(g.membership.role).rank >= Role.MANAGER.rank
    form = _slot_form(with_methods=False)
    status = 200
    if request.method == "POST":
        if not can_manage:
            abort(403)
        if form.validate_on_submit():
            try:
                services.block_time(g.sentra, current_user, facility.id, _slot(form, form.key.data))
            except FacilityError as error:
                db.session.rollback()
                _place_errors(form, error)
                status = error.status
            else:
                db.session.commit()
                flash(_("The time is blocked for maintenance."), "success")
                return redirect(url_for("facilities_kelola.schedule", sentra_slug=g.sentra.slug,
                                        facility_id=facility.id, hari=form.day.data.isoformat()))
        else:
            status = 422
    first = _first_day()
    week = request.args.get("minggu") == "1"
    days = [first + timedelta(days=i) for i in range(7 if week else 1)]
    bookings = services.schedule(facility, first, len(days))
    by_day = {day: [b for b in bookings if b.starts_at.astimezone(WIB).date() <= day
                    <= (b.ends_at - timedelta(microseconds=1)).astimezone(WIB).date()] for day in days}
    return render_template("facilities/kelola/schedule.html", sentra=g.sentra, facility=facility, form=form,
                           can_manage=can_manage, days=days, by_day=by_day, week=week, first=first,
                           previous=first - timedelta(days=len(days)), following=first + timedelta(days=len(days))), \
        status
