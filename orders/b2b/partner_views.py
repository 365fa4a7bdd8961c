"""The partner's B2B pages under /mitra/: dashboard, requests for quote, quotes, approvals.

Every route needs a login and a verified partner membership (:func:`partner_required`;
the user acts for their first verified partner, see ``orders.b2b.access``): anyone else
gets a 403. Objects are loaded by (partner, id) or (partner, number), so another
partner's request, image, quote, approval or order is a 404. Domain errors become a
flash message or form errors, never a 500. Quote decisions and approvals add their routes
to this blueprint from :mod:`orders.b2b.partner_quote_views`, orders, invoices and the
handover from :mod:`orders.b2b.partner_order_views`; what they share is in
:mod:`orders.b2b.partner_common`.
"""
from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    flash,
    g,
    redirect,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from catalog.images import MAX_BYTES
from catalog.products.models import Product, ProductStatus
from orders.b2b import catalogue, rfqs
from orders.b2b.access import acting_membership
from orders.b2b.errors import B2bError, NotFoundError
from orders.b2b.models import (
    ApprovalStatus,
    PurchaseApproval,
    RfqComment,
    RfqStatus,
)
from orders.b2b.partner_common import (
    ERROR_MESSAGES,
    PER_PAGE,
    error_message,
    page_number,
    partner_required,
    render,
)
from orders.b2b.partner_dashboard import dashboard_for
from orders.b2b.partner_forms import (
    FORM_LINES,
    CommentForm,
    ReasonForm,
    RfqForm,
)
from orders.checkout.errors import CheckoutValidationError
from orders.checkout.services import AddressInput
from orders.payments.transfer_views import proof_response
from shop.extensions import db
from shop.partners.forms import IN_BEKASI, OUTSIDE
from shop.places.services import kelurahan_choices
from shop.sentras.models import Sentra, SentraStatus
from shop.storage import StorageError

bp = Blueprint("b2b_partner", __name__, url_prefix="/mitra")

FIELD_MESSAGES = {
    "required": _l("Please fill this in."),
    "invalid": _l("This does not look right."),
    "too_long": _l("This is too long."),
    "unknown": _l("Choose one from the list."),
}
RFQ_TABS = ("", *[status.value for status in RfqStatus])


# --- loading ------------------------------------------------------------------------------------------


def _load_rfq(rfq_id: int):
    try:
        return rfqs.load_partner_rfq(g.partner.id, rfq_id)
    except NotFoundError:
        abort(404)


def to_rfq(rfq_id: int):
    """Back to the request page (a 303, so a reload does not resend the form); quote views use it too."""
    return redirect(url_for("b2b_partner.rfq_detail", rfq_id=rfq_id), 303)


# --- dashboard ----------------------------------------------------------------------------------------


def dashboard():
    """The partner's dashboard, rendered at /mitra/ by ``shop.partners.views.home`` for a verified member."""
    g.membership = acting_membership(current_user)
    g.partner = g.membership.partner
    return render("b2b/partner/dashboard.html", board=dashboard_for(g.partner))[0]


# --- requests for quote -------------------------------------------------------------------------------


@bp.get("/permintaan")
@partner_required
def rfq_list():
    """The partner's requests, by status, 20 a page. :raise 404: an unknown status tab."""
    status = request.args.get("status", "")
    if status not in RFQ_TABS:
        abort(404)
    page = rfqs.list_partner_rfqs(g.partner.id, status or None, page_number(), PER_PAGE)
    return render("b2b/partner/rfq_list.html", rfqs=page, status=status, tabs=RFQ_TABS)


def _sentra_choices() -> list[tuple[str, str]]:
    return [(slug, name) for slug, name in db.session.execute(
        select(Sentra.slug, Sentra.name).where(Sentra.status == SentraStatus.ACTIVE).order_by(Sentra.name))]


def _rfq_form() -> RfqForm:
    return RfqForm(sentra_choices=_sentra_choices(), kelurahan_choices=kelurahan_choices())


def _prefill(form: RfqForm) -> None:
    """Defaults of a new request: the partner's address, and ``?sentra=`` / ``?product=`` from a link."""
    partner = g.partner
    form.recipient.data = current_user.name
    form.phone.data = current_user.phone or ""
    form.street.data = partner.street
    if partner.kelurahan_code:
        form.place.data, form.kelurahan_code.data = IN_BEKASI, partner.kelurahan_code
    else:
        form.place.data, form.city.data, form.postal_code.data = OUTSIDE, partner.city, partner.postal_code
    form.sentra.data = request.args.get("sentra", "")
    product_arg = request.args.get("product", "")
    product = db.session.get(Product, int(product_arg)) if product_arg.isascii() and product_arg.isdigit() and len(product_arg) < 10 else None
    if product is not None and product.status == ProductStatus.ACTIVE and product.sentra.status == SentraStatus.ACTIVE:
        form.sentra.data = form.sentra.data or product.sentra.slug
        row = form.lines[0].form
        row.description.data = product.title
        row.product_id.data = str(product.id)
        minimum = rfqs.min_quantity(product)
        row.quantity.data = str(minimum) if minimum else ""


def _line_message(problem: str) -> str:
    if problem.startswith("at least"):
        minimum = problem.split()[2]
        return _("At least %(n)s: the wholesale minimum of this product.", n=minimum)
    if problem.startswith("a whole number"):
        return _("A whole number from 1 to 1,000,000.")
    if problem == "unknown":
        return _("No such product at the chosen sentra. Leave it empty or check the number.")
    if problem == "required":
        return _("Say what you need (or give a product number).")
    return _("This is too long.")


def _rfq_errors(form: RfqForm, rows: list[int], error: B2bError | CheckoutValidationError) -> dict[str, str]:
    """Put the service's field problems on the form; returns what has no form field (lines, images)."""
    other: dict[str, str] = {}
    for name, problem in error.fields.items():
        parts = name.split(".")
        if parts[0] == "lines" and len(parts) == 3:
            form.lines[rows[int(parts[1])]][parts[2]].errors.append(_line_message(problem))
        elif name == "lines":
            other["lines"] = (_("Add at least one line: what you need and how many.") if problem == "required"
                              else _("A request has at most %(n)s lines.", n=rfqs.MAX_LINES))
        elif parts[0] == "images":
            other["images"] = (_("At most %(n)s reference images.", n=rfqs.MAX_IMAGES) if problem == "too_many"
                               else _("Image %(n)s: %(why)s", n=int(parts[1]) + 1, why=error.message))
        elif name == "needed_by":
            form.needed_by.errors.append(_("The needed-by date is in the past.") if problem == "in_the_past"
                                         else _("Give the date you need the goods by."))
        elif name == "sentra":
            form.sentra.errors.append(_("Choose an active sentra."))
        elif name in form and name != "lines":
            form[name].errors.append(str(FIELD_MESSAGES.get(problem, FIELD_MESSAGES["invalid"])))
        else:
            other[name] = str(FIELD_MESSAGES.get(problem, FIELD_MESSAGES["invalid"]))
    return other


def _picked_elsewhere(form: RfqForm, shelves: list[catalogue.SentraShelf]) -> dict[str, str]:
    """Products on the form that the pickers do not list (a retail product linked with ``?product=``,
    or a number typed into an older form): product id -> title, so the picker still shows the choice."""
    listed = {str(product.id) for shelf in shelves for product in shelf.products}
    wanted = {row.form.product_id.data for row in form.lines} - listed - {None, ""}
    ids = {value: int(value) for value in wanted if value.isascii() and value.isdigit() and len(value) < 10}
    titles = dict(db.session.execute(
        select(Product.id, Product.title).where(Product.id.in_(list(ids.values())))).tuples().all()) if ids else {}
    return {value: titles.get(ids.get(value), "") for value in sorted(wanted)}


def _infer_sentra(form: RfqForm) -> None:
    """No sentra chosen but products picked from one sentra's shelf: that sentra (a picker lists all)."""
    if form.sentra.data:
        return
    ids = [int(value) for value in (row.form.product_id.data or "" for row in form.lines)
           if value.isascii() and value.isdigit() and len(value) < 10]
    slugs = set(db.session.scalars(select(Sentra.slug).join(Product, Product.sentra_id == Sentra.id)
                                   .where(Product.id.in_(ids)))) if ids else set()
    if len(slugs) == 1:
        form.sentra.data = slugs.pop()


def _render_rfq_form(form: RfqForm, status: int = 200, other_errors: dict[str, str] | None = None):
    shelves = catalogue.pickable_products(form.sentra.data or None)
    return render("b2b/partner/rfq_new.html", status, form=form, other_errors=other_errors or {},
                  max_images=rfqs.MAX_IMAGES, shelves=shelves, picked_elsewhere=_picked_elsewhere(form, shelves),
                  max_lines=FORM_LINES)


@bp.get("/permintaan/baru")
@partner_required
def rfq_new():
    """The request form; ``?sentra=<slug>`` and ``?product=<id>`` prefill it."""
    form = _rfq_form()
    _prefill(form)
    return _render_rfq_form(form)


@bp.post("/permintaan/baru")
@partner_required
def rfq_create():
    """Send the request (with up to three reference images). Errors: the form again with 422.

    "Add a line" (``add_line``, the no-JavaScript way) shows the form again with one more row, unsent.
    """
    form = _rfq_form()
    if "add_line" in request.form:  # not validated: no errors while the partner is still writing
        form.add_line()
        return _render_rfq_form(form)
    _infer_sentra(form)
    if not form.validate_on_submit():
        return _render_rfq_form(form, 422)
    rows = [index for index, row in enumerate(form.lines) if not row.form.is_blank]
    uploads = [upload for upload in request.files.getlist("images") if upload and upload.filename]
    if len(uploads) > rfqs.MAX_IMAGES:
        return _render_rfq_form(form, 422, {"images": _("At most %(n)s reference images.", n=rfqs.MAX_IMAGES)})
    in_bekasi = form.in_bekasi
    data = rfqs.RfqInput(
        sentra=form.sentra.data or "", needed_by=form.needed_by.data,
        address=AddressInput(
            recipient=form.recipient.data or "", phone=form.phone.data or "", street=form.street.data or "",
            kelurahan_code=(form.kelurahan_code.data or None) if in_bekasi else None,
            city=None if in_bekasi else form.city.data or "",
            postal_code=None if in_bekasi else form.postal_code.data or "",
        ),
        notes=form.notes.data or "",
        lines=[rfqs.RfqLineInput(form.lines[i].form.description.data or "", form.lines[i].form.quantity.data,
                                 form.lines[i].form.product_id.data or None) for i in rows],
    )
    images = [upload.stream.read(MAX_BYTES + 1) for upload in uploads]
    try:
        rfq = rfqs.create_rfq(g.membership, current_user, data, images)
    except (B2bError, CheckoutValidationError) as error:
        db.session.rollback()
        return _render_rfq_form(form, 422, _rfq_errors(form, rows, error))
    except StorageError:
        db.session.rollback()
        return _render_rfq_form(form, 422, {"images": _("The images could not be saved. Please try again.")})
    db.session.commit()
    flash(_("Your request went to %(sentra)s. You get an email when they quote.", sentra=rfq.sentra.name),
          "success")
    return redirect(url_for("b2b_partner.rfq_detail", rfq_id=rfq.id), 303)


def _render_rfq(rfq, comment_form: CommentForm | None = None, status: int = 200):
    comments = list(db.session.scalars(select(RfqComment).where(RfqComment.rfq_id == rfq.id)
                                       .options(joinedload(RfqComment.author)).order_by(RfqComment.id)))
    quote_ids = [quote.id for quote in rfq.quotes]
    waiting = set(db.session.scalars(select(PurchaseApproval.quote_id).where(
        PurchaseApproval.quote_id.in_(quote_ids), PurchaseApproval.status == ApprovalStatus.PENDING))) \
        if quote_ids else set()
    return render("b2b/partner/rfq_detail.html", status, rfq=rfq, quotes=list(reversed(rfq.quotes)),
                   comments=comments, waiting_approval=waiting, comment_form=comment_form or CommentForm(),
                   is_open=rfq.status in rfqs.OPEN_STATUSES)


@bp.get("/permintaan/<int:rfq_id>")
@partner_required
def rfq_detail(rfq_id: int):
    """A request with its lines, images, quote revisions (newest first) and comments. :raise 404:"""
    return _render_rfq(_load_rfq(rfq_id))


@bp.get("/permintaan/<int:rfq_id>/gambar/<int:image_id>")
@partner_required
def rfq_image(rfq_id: int, image_id: int):
    """A reference image of the partner's request (``?ukuran=kecil``: the thumbnail). :raise 404:"""
    rfq = _load_rfq(rfq_id)
    try:
        image = rfqs.image_of(rfq, image_id)
    except NotFoundError:
        abort(404)
    return proof_response(image.thumb_key if request.args.get("ukuran") == "kecil" else image.key)


@bp.post("/permintaan/<int:rfq_id>/komentar")
@partner_required
def rfq_comment(rfq_id: int):
    """Add a comment for the sentra. :raise 404:"""
    rfq = _load_rfq(rfq_id)
    form = CommentForm()
    if not form.validate_on_submit():
        return _render_rfq(rfq, form, 422)
    try:
        rfqs.add_comment(rfq, "partner", current_user, form.body.data)
    except B2bError as error:
        db.session.rollback()
        form.body.errors.append(_("Write a comment of at most 2000 characters.") if error.fields
                                else str(error.message))
        return _render_rfq(_load_rfq(rfq_id), form, 422)
    db.session.commit()
    flash(_("Comment sent to the sentra."), "success")
    return to_rfq(rfq_id)


@bp.get("/permintaan/<int:rfq_id>/batal")
@partner_required
def rfq_cancel_confirm(rfq_id: int):
    """Ask before withdrawing the request. :raise 404:"""
    rfq = _load_rfq(rfq_id)
    if rfq.status not in rfqs.OPEN_STATUSES:
        flash(str(ERROR_MESSAGES["rfq_closed"]), "error")
        return to_rfq(rfq_id)
    return render("b2b/partner/confirm.html", form=ReasonForm(), kind="withdraw", rfq=rfq,
                   action=url_for("b2b_partner.rfq_cancel", rfq_id=rfq_id),
                   back=url_for("b2b_partner.rfq_detail", rfq_id=rfq_id))


@bp.post("/permintaan/<int:rfq_id>/batal")
@partner_required
def rfq_cancel(rfq_id: int):
    """Withdraw the request: open quotes and pending approvals close with it. :raise 404:"""
    _load_rfq(rfq_id)
    if not ReasonForm().validate_on_submit():
        abort(400)
    try:
        rfqs.cancel_rfq(g.membership, current_user, rfq_id)
    except B2bError as error:
        db.session.rollback()
        flash(error_message(error), "error")
        return to_rfq(rfq_id)
    db.session.commit()
    flash(_("The request is withdrawn; the sentra is told."), "success")
    return to_rfq(rfq_id)
