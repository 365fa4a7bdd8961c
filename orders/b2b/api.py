"""B2B in the JSON API (on ``shop.api.bp``): the partner's /mitra/...; the sentra's side is in
:mod:`orders.b2b.sentra_api`, which uses the body readers and :func:`guarded` from here.

A partner member acts for the verified partner that owns the object asked for: requests,
quotes and approvals are loaded by (partner, id) for each of the caller's verified
partners in turn, so another partner's id is a 404 and a caller who belongs to no
verified partner gets 403. Lists act for ``partner_id`` (query or body) or the caller's
first verified partner. Reference images are sent from the web form only; the API lists
their ids and sizes.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from functools import wraps
from typing import Any, TypeVar

from flask import current_app, g, request
from sqlalchemy import select

from orders.b2b import acceptance, approvals, partner_orders, quotes, rfqs
from orders.b2b.access import acting_membership, verified_memberships
from orders.b2b.api_schemas import (
    BAD_FILTER,
    COMMENT_RESPONSES,
    NOT_PARTNER,
    PARTNER_ID,
    AcceptInput,
    ApprovalAnswer,
    CommentInput,
    DecisionAnswer,
    DeclineInput,
    InvoiceFilter,
    InvoiceList,
    NoteInput,
    OrderAnswer,
    PartnerOrderList,
    PurchaseApprovalList,
    QuoteAnswer,
    RfqAnswer,
    RfqInput,
    RfqList,
)
from orders.b2b.errors import B2bValidationError, NotFoundError, NotPartnerError
from orders.b2b.invoices import invoice_of, today_wib
from orders.b2b.models import ApprovalStatus, Invoice, PurchaseApproval, RfqStatus
from orders.b2b.serialize import (
    approval_json,
    comment_json,
    invoice_json,
    partner_order_json,
    placed_order_json,
    quote_json,
    rfq_json,
)
from orders.checkout.services import AddressInput
from orders.core.errors import OrderError
from orders.core.providers import PaymentError
from shop.api import bp
from shop.api.auth import api_login_required
from shop.api.operations import ERROR_DESCRIPTION, BodyError, Model, operation, read_body
from shop.api.paging import list_envelope, page_params
from shop.api.schemas import PAGE_PARAMS, status_filter
from shop.errors import api_error
from shop.extensions import db
from shop.partners.models import PartnerMembership

T = TypeVar("T")
ADDRESS_FIELDS = ("recipient", "phone", "street", "kelurahan_code", "city", "postal_code")
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


class BadBody(Exception):
    """The body is not the documented shape (400); ``fields`` names what is wrong."""

    def __init__(self, fields: dict[str, str]) -> None:
        super().__init__("malformed body")
        self.fields = fields


def _error(error: OrderError | PaymentError):
    message = getattr(error, "message", None) or str(error)
    return api_error(error.status, error.code, message[:1].upper() + message[1:], getattr(error, "fields", None))


def _bad_request(fields: dict[str, str], message: str = "The request body is malformed."):
    return api_error(400, "bad_request", message, fields)


def json_body() -> dict[str, Any]:
    """The JSON object body (an empty body is ``{}``). :raise BadBody: anything else."""
    body = request.get_json(silent=True)
    if body is None and not request.get_data():
        return {}
    if not isinstance(body, dict):
        raise BadBody({"body": "a JSON object is required"})
    return body


def read(model: type[Model]) -> Model:
    """The body (an empty one is ``{}``) through its model. :raise BadBody: not an object, a field of the wrong type."""
    try:
        return read_body(model, optional=True)
    except BodyError as error:
        if error.not_an_object:
            raise BadBody({"body": "a JSON object is required"}) from None
        raise BadBody({name: "a string" for name in error.problems}) from None


def body_day(value: Any, name: str) -> date | None:
    """A ``YYYY-MM-DD`` day, or None when absent. :raise BadBody: any other value."""
    if value is None:
        return None
    if not isinstance(value, str) or not ISO_DAY.fullmatch(value):
        raise BadBody({name: "a date as YYYY-MM-DD"})
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise BadBody({name: "a date as YYYY-MM-DD"}) from None


def body_text(body: dict[str, Any], name: str) -> str | None:
    value = body.get(name)
    if value is not None and not isinstance(value, str):
        raise BadBody({name: "a string"})
    return value


def body_lines(body: dict[str, Any]) -> list[dict[str, Any]]:
    lines = body.get("lines")
    if lines is None:
        return []
    if not isinstance(lines, list) or not all(isinstance(line, dict) for line in lines):
        raise BadBody({"lines": "a list of objects"})
    for index, line in enumerate(lines):
        if line.get("description") is not None and not isinstance(line["description"], str):
            raise BadBody({f"lines.{index}.description": "a string"})
    return lines


def _optional_id(value: Any, name: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise BadBody({name: "an integer"})
    return value


def _partner_id_arg() -> int | None:
    value = request.args.get("partner_id")
    if value is None:
        return None
    if not (value.isascii() and value.isdigit() and len(value) < 10):
        raise BadBody({"partner_id": "an integer"})
    return int(value)


def _owning(load: Callable[[int], T]) -> tuple[PartnerMembership, T]:
    """The caller's membership of the verified partner that owns the object ``load(partner_id)`` finds.

    :raise NotPartnerError: (403) the caller belongs to no verified partner.
    :raise NotFoundError: (404) none of the caller's partners has it.
    """
    memberships = verified_memberships(g.api_user)
    if not memberships:
        raise NotPartnerError("this needs a member of a verified UMKM partner")
    for membership in memberships:
        try:
            return membership, load(membership.partner_id)
        except NotFoundError:
            continue
    raise NotFoundError("not found")


def _status_arg(allowed: set[str]) -> str | None:
    status = request.args.get("status") or None
    if status is not None and status not in allowed:
        raise B2bValidationError("unknown status", {"status": "one of: " + ", ".join(sorted(allowed))})
    return status


def guarded(view: Callable[..., Any]) -> Callable[..., Any]:
    """Turn malformed bodies into 400 and domain errors into their documented status (rolled back)."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any):
        try:
            return view(*args, **kwargs)
        except BadBody as error:
            db.session.rollback()
            return _bad_request(error.fields)
        except (OrderError, PaymentError) as error:
            if getattr(error, "keeps_changes", False):
                db.session.commit()  # e.g. an approval cancelled because its quote expired
            else:
                db.session.rollback()
            return _error(error)

    return wrapper


def filter_error(error: B2bValidationError):
    return api_error(400, "invalid_filter", "Unknown status filter.", error.fields)


# --- the partner: requests ----------------------------------------------------------------------------


def _rfq_input(body: dict[str, Any]) -> rfqs.RfqInput:
    sentra = body_text(body, "sentra")
    address = body.get("address")
    if not isinstance(address, dict):
        raise BadBody({"address": "required: an object"})
    if any(address.get(key) is not None and not isinstance(address[key], str) for key in ADDRESS_FIELDS):
        raise BadBody({"address": "every address field is a string"})
    lines = [rfqs.RfqLineInput(description=line.get("description") or "", quantity=line.get("quantity"),
                               product_id=line.get("product_id")) for line in body_lines(body)]
    return rfqs.RfqInput(
        sentra=sentra or "", needed_by=body_day(body.get("needed_by"), "needed_by"),
        address=AddressInput(**{key: address.get(key) for key in ADDRESS_FIELDS}),
        notes=body_text(body, "notes") or "", lines=lines,
    )


@bp.post("/mitra/rfqs")
@operation("Send a request for quote to a sentra (reference images are sent from the web form only); the sentra's "
           "members are emailed", security=True, body=RfqInput,
           responses={201: (RfqAnswer, "The request, status open"),
                      400: "bad_request: not a JSON object, needed_by not YYYY-MM-DD, no address object, lines not a "
                           "list of objects, a field of the wrong type", 401: ERROR_DESCRIPTION, 403: NOT_PARTNER,
                      422: "validation_error: unknown or inactive sentra, needed_by missing or in the past, an "
                           "incomplete address, no lines, a line without description or quantity, another sentra's "
                           "product, a quantity under the wholesale minimum (fields name each, e.g. "
                           "lines.0.quantity)"})
@api_login_required
@guarded
def partner_create_rfq():
    """Send a request for quote to a sentra for the caller's partner (``partner_id`` picks one).

    :raise 400: not a JSON object, a date not YYYY-MM-DD, no address object. :raise 403: not a
    verified partner's member. :raise 422: unknown sentra, past date, bad lines or address.
    """
    body = json_body()
    membership = acting_membership(g.api_user, _optional_id(body.get("partner_id"), "partner_id"))
    rfq = rfqs.create_rfq(membership, g.api_user, _rfq_input(body))
    db.session.commit()
    rfq = rfqs.load_partner_rfq(membership.partner_id, rfq.id)
    return {"rfq": rfq_json(rfq, detail=True)}, 201


@bp.get("/mitra/rfqs")
@operation("The partner's requests for quote, most recently changed first, each with its latest quote",
           security=True, params=[status_filter(RfqStatus), PARTNER_ID, *PAGE_PARAMS],
           responses={200: (RfqList, "A page of requests"), 400: BAD_FILTER, 401: ERROR_DESCRIPTION,
                      403: NOT_PARTNER})
@api_login_required
@guarded
def partner_list_rfqs():
    """The partner's requests, most recently changed first; ``status`` filters. :raise 400: unknown status."""
    page, per_page = page_params()
    membership = acting_membership(g.api_user, _partner_id_arg())
    try:
        status = rfqs.check_status(request.args.get("status"))
    except B2bValidationError as error:
        return filter_error(error)
    found = rfqs.list_partner_rfqs(membership.partner_id, status, page, per_page)
    today = today_wib()
    return list_envelope([rfq_json(rfq, today) for rfq in found.items], found.total or 0, page, per_page)


@bp.get("/mitra/rfqs/<int:rfq_id>")
@operation("One of the partner's requests with its lines, every quote revision (with lines) and the comments",
           security=True, responses={200: (RfqAnswer, "The request"), 401: ERROR_DESCRIPTION, 403: NOT_PARTNER,
                                     404: "not_found: no such request of the caller's partners"})
@api_login_required
@guarded
def partner_get_rfq(rfq_id: int):
    """One request with its lines, every quote revision and the comments. :raise 404: not the caller's."""
    _, rfq = _owning(lambda partner_id: rfqs.load_partner_rfq(partner_id, rfq_id))
    return {"rfq": rfq_json(rfq, detail=True)}


@bp.post("/mitra/rfqs/<int:rfq_id>/comments")
@operation("Comment on the partner's request (the sentra is emailed)", security=True, body=CommentInput,
           body_description="The comment", responses={**COMMENT_RESPONSES, 403: NOT_PARTNER})
@api_login_required
@guarded
def partner_comment(rfq_id: int):
    """Comment on the partner's request: ``{"body"}``. :raise 404: :raise 422: empty or too long."""
    _, rfq = _owning(lambda partner_id: rfqs.load_partner_rfq(partner_id, rfq_id))
    comment = rfqs.add_comment(rfq, "partner", g.api_user, body_text(json_body(), "body") or "")
    db.session.commit()
    return {"comment": comment_json(comment)}, 201


# --- the partner: quotes and approvals ----------------------------------------------------------------


@bp.post("/mitra/quotes/<int:quote_id>/accept")
@operation("Accept a quote. Up to the partner's approval threshold the order is made at once at exactly the quoted "
           "prices (201); above it a manager other than the caller must approve first (202; a repeat returns the "
           "same pending approval)", security=True, body=AcceptInput, body_description="How to pay",
           body_required=False,
           responses={201: (OrderAnswer, "The order"), 202: (ApprovalAnswer, "Waiting for a manager's approval"),
                      400: "bad_request: not a JSON object, payment not a string", 401: ERROR_DESCRIPTION,
                      403: NOT_PARTNER, 404: "not_found: no such quote to the caller's partners",
                      409: "already_accepted, quote_superseded, quote_expired, quote_declined, rfq_closed "
                           "(withdrawn), insufficient_stock (nothing reserved)",
                      422: "validation_error: unknown payment; terms_unavailable (not enabled), overdue_invoices, "
                           "credit_limit_exceeded (fields.available_idr)"})
@api_login_required
@guarded
def partner_accept_quote(quote_id: int):
    """Accept a quote: ``{"payment": "bank_transfer" | "terms"}``. 201 with the order, or 202 with the
    approval a manager must give first.

    :raise 404: not the caller's. :raise 409: already_accepted, quote_superseded, quote_expired,
    quote_declined, rfq_closed, insufficient_stock. :raise 422: unknown payment, terms problems.
    """
    payment = body_text(json_body(), "payment")
    membership, _ = _owning(lambda partner_id: quotes.load_partner_quote(partner_id, quote_id))
    accepted = acceptance.accept_quote(membership, g.api_user, quote_id, payment, current_app.config)
    db.session.commit()
    if accepted.approval is not None:
        return {"approval": approval_json(accepted.approval)}, 202
    order = accepted.order
    return {"order": placed_order_json(order, invoice_of(order.id))}, 201


@bp.post("/mitra/quotes/<int:quote_id>/decline")
@operation("Decline an open quote; the request closes (the sentra is emailed)", security=True, body=DeclineInput,
           body_description="An optional reason for the sentra", body_required=False,
           responses={200: (QuoteAnswer, "The quote"), 400: ERROR_DESCRIPTION, 401: ERROR_DESCRIPTION,
                      403: NOT_PARTNER, 404: ERROR_DESCRIPTION,
                      409: "already_accepted, quote_superseded, quote_declined"})
@api_login_required
@guarded
def partner_decline_quote(quote_id: int):
    """Decline an open quote (the request closes): ``{"reason"?}``. :raise 404: :raise 409: not open."""
    reason = read(DeclineInput).reason
    membership, _ = _owning(lambda partner_id: quotes.load_partner_quote(partner_id, quote_id))
    quote = quotes.decline_quote(membership, g.api_user, quote_id, reason)
    db.session.commit()
    return {"quote": quote_json(quote)}


@bp.get("/mitra/approvals")
@operation("The partner's purchase approvals (quotes and carts above the threshold), newest first", security=True,
           params=[status_filter(ApprovalStatus), PARTNER_ID, *PAGE_PARAMS],
           responses={200: (PurchaseApprovalList, "A page of approvals"), 400: BAD_FILTER,
                      401: ERROR_DESCRIPTION, 403: NOT_PARTNER})
@api_login_required
@guarded
def partner_list_approvals():
    """The partner's purchase approvals, newest first; ``status`` filters. :raise 400: unknown status."""
    page, per_page = page_params()
    membership = acting_membership(g.api_user, _partner_id_arg())
    try:
        status = _status_arg(set(ApprovalStatus))
    except B2bValidationError as error:
        return filter_error(error)
    found = approvals.list_approvals(membership.partner_id, status, page, per_page)
    return list_envelope([approval_json(approval) for approval in found.items], found.total or 0, page, per_page)


def _decide(approval_id: int, decide: Callable[[PartnerMembership, str | None], PurchaseApproval]):
    note = read(NoteInput).note
    membership, _ = _owning(lambda partner_id: approvals.load_approval(partner_id, approval_id))
    approval = decide(membership, note)
    db.session.commit()
    body: dict[str, Any] = {"approval": approval_json(approval)}
    if approval.status == ApprovalStatus.APPROVED and approval.quote is not None and approval.quote.order:
        order = approval.quote.order
        body["order"] = placed_order_json(order, invoice_of(order.id))
    return body


@bp.post("/mitra/approvals/<int:approval_id>/approve")
@operation("A manager (or the owner) approves a purchase someone else prepared; a quote approval places the order "
           "for the person who prepared it", security=True, body=NoteInput, body_description="An optional note",
           body_required=False,
           responses={200: (DecisionAnswer, "Approved; order is present when a quote's order was placed"),
                      400: ERROR_DESCRIPTION, 401: ERROR_DESCRIPTION,
                      403: "not_partner; approval_not_allowed: not a manager, or the caller's own purchase",
                      404: ERROR_DESCRIPTION,
                      409: "approval_decided; the quote can no longer be accepted (quote_expired, quote_superseded, "
                           "...); insufficient_stock",
                      422: "terms_unavailable, overdue_invoices, credit_limit_exceeded"})
@api_login_required
@guarded
def partner_approve(approval_id: int):
    """A manager approves (a quote approval places the order): ``{"note"?}``.

    :raise 403: not a manager, or the manager's own purchase. :raise 404: :raise 409: decided already,
    or the quote can no longer be accepted. :raise 422: terms problems.
    """
    return _decide(approval_id, lambda membership, note: approvals.approve(membership, approval_id,
                                                                         current_app.config, note))


@bp.post("/mitra/approvals/<int:approval_id>/reject")
@operation("A manager rejects a purchase someone else prepared; nothing is bought", security=True, body=NoteInput,
           body_description="An optional note", body_required=False,
           responses={200: (ApprovalAnswer, "Rejected"), 400: ERROR_DESCRIPTION, 401: ERROR_DESCRIPTION,
                      403: "not_partner; approval_not_allowed", 404: ERROR_DESCRIPTION, 409: "approval_decided"})
@api_login_required
@guarded
def partner_reject(approval_id: int):
    """A manager rejects: ``{"note"?}``. :raise 403: :raise 404: :raise 409: decided already."""
    return _decide(approval_id, lambda membership, note: approvals.reject(membership, approval_id, note))


# --- the partner: orders and invoices -----------------------------------------------------------------


@bp.get("/mitra/orders")
@operation("The partner's orders, newest first, with PPN and invoice number", security=True,
           params=[PARTNER_ID, *PAGE_PARAMS],
           responses={200: (PartnerOrderList, "A page of orders"), 400: ERROR_DESCRIPTION, 401: ERROR_DESCRIPTION,
                      403: NOT_PARTNER})
@api_login_required
@guarded
def partner_list_orders():
    """The partner's orders, newest first, with tax and invoice number."""
    page, per_page = page_params()
    membership = acting_membership(g.api_user, _partner_id_arg())
    found = partner_orders.list_partner_orders(membership.partner_id, page, per_page)
    ids = [order.id for order in found.items]
    invoices = {invoice.order_id: invoice for invoice in
                db.session.scalars(select(Invoice).where(Invoice.order_id.in_(ids)))} if ids else {}
    return list_envelope([partner_order_json(order, invoices.get(order.id)) for order in found.items],
                         found.total or 0, page, per_page)


@bp.get("/mitra/invoices")
@operation("The partner's invoices (faktur), newest first", security=True,
           params=[status_filter(InvoiceFilter, "overdue: unpaid and past due_on"), PARTNER_ID, *PAGE_PARAMS],
           responses={200: (InvoiceList, "A page of invoices"), 400: BAD_FILTER, 401: ERROR_DESCRIPTION,
                      403: NOT_PARTNER})
@api_login_required
@guarded
def partner_list_invoices():
    """The partner's invoices, newest first; ``status`` is unpaid, overdue, paid or void.

    :raise 400: unknown status.
    """
    page, per_page = page_params()
    membership = acting_membership(g.api_user, _partner_id_arg())
    try:
        found = partner_orders.list_partner_invoices(membership.partner_id, request.args.get("status"),
                                                     page, per_page)
    except B2bValidationError as error:
        return filter_error(error)
    today = today_wib()
    return list_envelope([invoice_json(invoice, today) for invoice in found.items], found.total or 0, page, per_page)

