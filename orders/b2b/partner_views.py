"""The partner's B2B pages under /mitra/: dashboard, requests for quote, quotes, approvals, orders, invoices.

Every route needs a login and a verified partner membership (:func:`partner_required`;
the user acts for their first verified partner, see ``orders.b2b.access``): anyone else
gets a 403. Objects are loaded by (partner, id) or (partner, number), so another
partner's request, image, quote, approval or order is a 404. Domain errors become a
flash message or form errors, never a 500.
"""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

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
from sqlalchemy.orm import joinedload

from catalog.images import MAX_BYTES
from catalog.products.models import Product, ProductStatus
from orders.b2b import partner_orders, quotes, rfqs
from orders.b2b.access import acting_membership, can_approve
from orders.b2b.errors import (
    ApprovalNotAllowedError,
    B2bError,
    NotFoundError,
    NotPartnerError,
)
from orders.b2b.invoices import is_overdue, outstanding_terms_idr, overdue_count, today_wib
from orders.b2b.models import (
    ApprovalStatus,
    Invoice,
    PurchaseApproval,
    Quote,
    RfqComment,
    RfqStatus,
)
from orders.b2b.partner_dashboard import dashboard_for, invoice_totals
from orders.b2b.partner_forms import (
    AcceptQuoteForm,
    CommentForm,
    HandoverConfirmForm,
    ReasonForm,
    RfqForm,
)
from orders.checkout.errors import CheckoutValidationError
from orders.checkout.services import AddressInput
from orders.errors import OrderError
from orders.payments.providers import PaymentError, get_provider
from orders.payments.transfer_views import proof_response
from shop.extensions import db
from shop.i18n import rupiah
from shop.partners.forms import IN_BEKASI, OUTSIDE
from shop.places.services import kelurahan_choices
from shop.sentras.models import Sentra, SentraStatus
from shop.storage import StorageError

bp = Blueprint("b2b_partner", __name__, url_prefix="/mitra")

PER_PAGE = 20
DASHBOARD_EXTENSION = "partner_dashboard"  # shop.partners.views.home renders it for verified members

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
FIELD_MESSAGES = {
    "required": _l("Please fill this in."),
    "invalid": _l("This does not look right."),
    "too_long": _l("This is too long."),
    "unknown": _l("Choose one from the list."),
}
RFQ_TABS = ("", *[status.value for status in RfqStatus])
INVOICE_TABS = ("", *partner_orders.INVOICE_FILTERS)


# --- access and helpers -------------------------------------------------------------------------------


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


def _render(template: str, code: int = 200, **context: Any):
    membership = g.membership
    return render_template(
        template, membership=membership, partner=membership.partner, may_approve=can_approve(membership),
        endpoint_exists=endpoint_exists, today=today_wib(), **context,
    ), code


def _page() -> int:
    page = request.args.get("page", "1")
    return int(page) if page.isascii() and page.isdigit() and 0 < int(page) < 100_000 else 1


def _message(error: B2bError | OrderError) -> str:
    if error.code == "credit_limit_exceeded":
        left = int(getattr(error, "fields", {}).get("available_idr") or 0)
        return _("This is over your credit limit: %(left)s of it is left. Pay by bank transfer or pay "
                 "open invoices first.", left=rupiah(left))
    if isinstance(error, ApprovalNotAllowedError):
        return str(NOT_A_MANAGER if not can_approve(g.membership) else NOT_OWN)
    return str(ERROR_MESSAGES.get(error.code, _l("This could not be done; nothing was changed.")))


def _load_rfq(rfq_id: int):
    try:
        return rfqs.load_partner_rfq(g.partner.id, rfq_id)
    except NotFoundError:
        abort(404)


def _load_quote(quote_id: int) -> Quote:
    try:
        return quotes.load_partner_quote(g.partner.id, quote_id)
    except NotFoundError:
        abort(404)


def _load_approval(approval_id: int) -> PurchaseApproval:
    try:
        return quotes.load_approval(g.partner.id, approval_id)
    except NotFoundError:
        abort(404)


def _load_order(number: str):
    try:
        return partner_orders.load_partner_order(g.partner.id, number)
    except NotFoundError:
        abort(404)


def _to_rfq(rfq_id: int):
    return redirect(url_for("b2b_partner.rfq_detail", rfq_id=rfq_id), 303)


# --- dashboard ----------------------------------------------------------------------------------------


def dashboard():
    """The partner's dashboard, rendered at /mitra/ by ``shop.partners.views.home`` for a verified member."""
    g.membership = acting_membership(current_user)
    g.partner = g.membership.partner
    return _render("b2b/partner/dashboard.html", board=dashboard_for(g.partner))[0]


@bp.record_once
def _offer_dashboard(state) -> None:
    state.app.extensions[DASHBOARD_EXTENSION] = dashboard


# --- requests for quote -------------------------------------------------------------------------------


@bp.get("/permintaan")
@partner_required
def rfq_list():
    """The partner's requests, by status, 20 a page. :raise 404: an unknown status tab."""
    status = request.args.get("status", "")
    if status not in RFQ_TABS:
        abort(404)
    page = rfqs.list_partner_rfqs(g.partner.id, status or None, _page(), PER_PAGE)
    return _render("b2b/partner/rfq_list.html", rfqs=page, status=status, tabs=RFQ_TABS)


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


def _render_rfq_form(form: RfqForm, status: int = 200, other_errors: dict[str, str] | None = None):
    return _render("b2b/partner/rfq_new.html", status, form=form, other_errors=other_errors or {},
                   max_images=rfqs.MAX_IMAGES)


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
    """Send the request (with up to three reference images). Errors: the form again with 422."""
    form = _rfq_form()
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
    return _render("b2b/partner/rfq_detail.html", status, rfq=rfq, quotes=list(reversed(rfq.quotes)),
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
    return _to_rfq(rfq_id)


@bp.get("/permintaan/<int:rfq_id>/batal")
@partner_required
def rfq_cancel_confirm(rfq_id: int):
    """Ask before withdrawing the request. :raise 404:"""
    rfq = _load_rfq(rfq_id)
    if rfq.status not in rfqs.OPEN_STATUSES:
        flash(str(ERROR_MESSAGES["rfq_closed"]), "error")
        return _to_rfq(rfq_id)
    return _render("b2b/partner/confirm.html", form=ReasonForm(), kind="withdraw", rfq=rfq,
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
        flash(_message(error), "error")
        return _to_rfq(rfq_id)
    db.session.commit()
    flash(_("The request is withdrawn; the sentra is told."), "success")
    return _to_rfq(rfq_id)


# --- deciding a quote ---------------------------------------------------------------------------------


def _terms_context() -> dict[str, Any]:
    partner = g.partner
    if not partner.terms_days:
        return {"terms_days": None}
    outstanding = outstanding_terms_idr(partner.id)
    return {"terms_days": partner.terms_days, "credit_limit_idr": partner.credit_limit_idr,
            "credit_available_idr": max(partner.credit_limit_idr - outstanding, 0),
            "has_overdue": overdue_count(partner.id) > 0}


@bp.get("/penawaran/<int:quote_id>/terima")
@partner_required
def quote_accept_confirm(quote_id: int):
    """The total and the payment choice before accepting. :raise 404:"""
    quote = _load_quote(quote_id)
    try:
        quotes.check_acceptable(quote)
    except B2bError as error:
        flash(_message(error), "error")
        return _to_rfq(quote.rfq_id)
    form = AcceptQuoteForm()
    return _render("b2b/partner/confirm.html", form=form, kind="accept", quote=quote, rfq=quote.rfq,
                   needs_approval=quotes.needs_approval(g.partner, quote.total_idr),
                   action=url_for("b2b_partner.quote_accept", quote_id=quote_id),
                   back=url_for("b2b_partner.rfq_detail", rfq_id=quote.rfq_id), **_terms_context())


@bp.post("/penawaran/<int:quote_id>/terima")
@partner_required
def quote_accept(quote_id: int):
    """Accept: the order is made, or (above the threshold) a manager is asked first. :raise 404:"""
    form = AcceptQuoteForm()
    if not form.validate_on_submit():
        _load_quote(quote_id)
        flash(str(ERROR_MESSAGES["validation_error"]), "error")
        return redirect(url_for("b2b_partner.quote_accept_confirm", quote_id=quote_id), 303)
    try:
        accepted = quotes.accept_quote(g.membership, current_user, quote_id, form.payment.data, current_app.config)
    except NotFoundError:
        db.session.rollback()
        abort(404)
    except (B2bError, PaymentError) as error:
        db.session.rollback()
        flash(_message(error) if isinstance(error, B2bError) else
              _("The payment could not be started: %(message)s", message=error.message), "error")
        return _to_rfq(_load_quote(quote_id).rfq_id)
    db.session.commit()
    if accepted.approval is not None:
        flash(_("Sent to a manager for approval. The order is placed when a manager other than you approves."),
              "success")
        return _to_rfq(accepted.approval.quote.rfq_id)
    order = accepted.order
    if order.payment_method == "bank_transfer":
        flash(_("Quote accepted: order %(number)s is made. Pay it by bank transfer as shown below.",
                number=order.number), "success")
    else:
        flash(_("Quote accepted: order %(number)s is placed on payment terms.", number=order.number), "success")
    return redirect(url_for("b2b_partner.order_detail", number=order.number), 303)


@bp.get("/penawaran/<int:quote_id>/tolak")
@partner_required
def quote_decline_confirm(quote_id: int):
    """Ask before declining (with an optional reason). :raise 404:"""
    quote = _load_quote(quote_id)
    return _render("b2b/partner/confirm.html", form=ReasonForm(), kind="decline", quote=quote, rfq=quote.rfq,
                   action=url_for("b2b_partner.quote_decline", quote_id=quote_id),
                   back=url_for("b2b_partner.rfq_detail", rfq_id=quote.rfq_id))


@bp.post("/penawaran/<int:quote_id>/tolak")
@partner_required
def quote_decline(quote_id: int):
    """Decline the quote; the request closes. :raise 404:"""
    rfq_id = _load_quote(quote_id).rfq_id
    form = ReasonForm()
    if not form.validate_on_submit():
        flash(_("The reason is at most 500 characters."), "error")
        return redirect(url_for("b2b_partner.quote_decline_confirm", quote_id=quote_id), 303)
    try:
        quotes.decline_quote(g.membership, current_user, quote_id, form.reason.data)
    except B2bError as error:
        db.session.rollback()
        flash(_message(error), "error")
        return _to_rfq(rfq_id)
    db.session.commit()
    flash(_("Quote declined; the sentra is told."), "success")
    return _to_rfq(rfq_id)


# --- approvals ----------------------------------------------------------------------------------------


@bp.get("/persetujuan")
@partner_required
def approvals():
    """Purchases above the threshold: pending first, then decided ones, 20 a page."""
    pending_first = (PurchaseApproval.status != ApprovalStatus.PENDING)
    page = db.paginate(
        select(PurchaseApproval).where(PurchaseApproval.partner_id == g.partner.id)
        .options(joinedload(PurchaseApproval.requested_by), joinedload(PurchaseApproval.decided_by),
                 joinedload(PurchaseApproval.quote).joinedload(Quote.rfq))
        .order_by(pending_first, PurchaseApproval.id.desc()),
        page=_page(), per_page=PER_PAGE, error_out=False)
    return _render("b2b/partner/approvals.html", approvals=page)


def _decide_confirm(approval_id: int, kind: str):
    approval = _load_approval(approval_id)
    endpoint = "b2b_partner.approval_approve" if kind == "approve" else "b2b_partner.approval_reject"
    return _render("b2b/partner/confirm.html", form=ReasonForm(), kind=kind, approval=approval,
                   quote=approval.quote, rfq=approval.quote.rfq if approval.quote else None,
                   action=url_for(endpoint, approval_id=approval_id), back=url_for("b2b_partner.approvals"))


@bp.get("/persetujuan/<int:approval_id>/setujui")
@partner_required
def approval_approve_confirm(approval_id: int):
    """Ask before approving. :raise 404:"""
    return _decide_confirm(approval_id, "approve")


@bp.get("/persetujuan/<int:approval_id>/tolak")
@partner_required
def approval_reject_confirm(approval_id: int):
    """Ask before rejecting. :raise 404:"""
    return _decide_confirm(approval_id, "reject")


@bp.post("/persetujuan/<int:approval_id>/setujui")
@partner_required
def approval_approve(approval_id: int):
    """A manager approves: a quote's order is made. :raise 404:"""
    _load_approval(approval_id)
    form = ReasonForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        approval = quotes.approve(g.membership, approval_id, current_app.config, form.reason.data)
    except (B2bError, PaymentError) as error:
        if getattr(error, "keeps_changes", False):
            db.session.commit()  # the approval was cancelled: its quote can no longer be accepted
        else:
            db.session.rollback()
        flash(_message(error) if isinstance(error, B2bError) else
              _("The payment could not be started: %(message)s", message=error.message), "error")
        return redirect(url_for("b2b_partner.approvals"), 303)
    db.session.commit()
    if approval.kind == "quote" and approval.quote is not None and approval.quote.order is not None:
        order = approval.quote.order
        flash(_("Approved: order %(number)s is made for %(name)s.", number=order.number,
                name=approval.requested_by.name), "success")
        return redirect(url_for("b2b_partner.order_detail", number=order.number), 303)
    flash(_("Approved: %(name)s can now place the order.", name=approval.requested_by.name), "success")
    return redirect(url_for("b2b_partner.approvals"), 303)


@bp.post("/persetujuan/<int:approval_id>/tolak")
@partner_required
def approval_reject(approval_id: int):
    """A manager rejects: nothing is bought. :raise 404:"""
    _load_approval(approval_id)
    form = ReasonForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        quotes.reject(g.membership, approval_id, form.reason.data)
    except B2bError as error:
        db.session.rollback()
        flash(_message(error), "error")
        return redirect(url_for("b2b_partner.approvals"), 303)
    db.session.commit()
    flash(_("Rejected; the person who prepared it is told."), "success")
    return redirect(url_for("b2b_partner.approvals"), 303)


# --- orders and invoices ------------------------------------------------------------------------------


@bp.get("/pesanan")
@partner_required
def orders():
    """The partner's orders, newest first, 20 a page, with their invoices."""
    page = partner_orders.list_partner_orders(g.partner.id, _page(), PER_PAGE)
    ids = [order.id for order in page.items]
    invoices = {invoice.order_id: invoice for invoice in db.session.scalars(
        select(Invoice).where(Invoice.order_id.in_(ids)))} if ids else {}
    return _render("b2b/partner/orders.html", orders=page, invoices=invoices, is_overdue=is_overdue)


def _render_order(order, handover_form: HandoverConfirmForm | None = None, status: int = 200):
    invoice = db.session.scalar(select(Invoice).where(Invoice.order_id == order.id))
    quote = db.session.scalar(select(Quote).where(Quote.order_id == order.id))
    payment = order.checkout.payment
    instructions = None
    if payment is not None and order.status == "pending_payment" and payment.method == "bank_transfer":
        instructions = get_provider(payment.method).instructions(payment, current_app.config)
    handover = partner_orders.handover_record_of(order)
    return _render(
        "b2b/partner/order_detail.html", status, order=order, checkout=order.checkout, payment=payment,
        instructions=instructions, invoice=invoice, invoice_overdue=invoice is not None and is_overdue(invoice),
        quote=quote, handover=handover,
        may_confirm=handover is None and order.status in ("shipped", "ready_for_pickup"),
        handover_form=handover_form or HandoverConfirmForm(formdata=None),
    )


@bp.get("/pesanan/<number>")
@partner_required
def order_detail(number: str):
    """One order: lines, money with PPN, payment, tracking, invoice, papers, handover. :raise 404:"""
    return _render_order(_load_order(number))


@bp.post("/pesanan/<number>/terima")
@partner_required
def order_handover(number: str):
    """Sign the handover record (berita acara): the goods arrived and the order is delivered. :raise 404:"""
    order = _load_order(number)
    form = HandoverConfirmForm()
    if not form.validate_on_submit():
        return _render_order(order, form, 422)
    try:
        partner_orders.confirm_handover(g.membership, current_user, number, form.received_by_name.data,
                                        form.note.data)
    except NotFoundError:
        db.session.rollback()
        abort(404)
    except B2bError as error:
        db.session.rollback()
        form.received_by_name.errors.append(_("Write the name of the person who received the goods.")
                                            if "recipient_name" in error.fields else _message(error))
        return _render_order(_load_order(number), form, 422)
    except OrderError as error:
        db.session.rollback()
        flash(_message(error), "error")
        return redirect(url_for("b2b_partner.order_detail", number=number), 303)
    db.session.commit()
    flash(_("Thank you. The handover record is signed and the order is delivered."), "success")
    return redirect(url_for("b2b_partner.order_detail", number=number), 303)


@bp.get("/tagihan")
@partner_required
def invoices():
    """The partner's invoices by status (unpaid, overdue, paid, void), 20 a page. :raise 404: an unknown tab."""
    status = request.args.get("status", "")
    if status not in INVOICE_TABS:
        abort(404)
    page = partner_orders.list_partner_invoices(g.partner.id, status or None, _page(), PER_PAGE)
    return _render("b2b/partner/invoices.html", invoices=page, status=status, tabs=INVOICE_TABS,
                   totals=invoice_totals(g.partner.id), is_overdue=is_overdue)
