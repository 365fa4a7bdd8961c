"""The sentra's quote inbox in the JSON API (on ``shop.api.bp``): /kelola/<slug>/rfqs.

Members load requests by (sentra, id) through :func:`~shop.api.auth.api_sentra_required`, so
another sentra's request is a 404. Bodies are read, and domain errors answered, by the helpers
of the partner side in :mod:`orders.b2b.api`.
"""
from __future__ import annotations

from typing import Any

from flask import current_app, g, request

from orders.b2b import quotes, rfqs
from orders.b2b.api import body_day, body_lines, body_text, filter_error, guarded, json_body
from orders.b2b.api_schemas import (
    BAD_FILTER,
    COMMENT_RESPONSES,
    CommentInput,
    QuoteAnswer,
    QuoteInput,
    RfqAnswer,
    RfqList,
)
from orders.b2b.errors import B2bValidationError
from orders.b2b.invoices import today_wib
from orders.b2b.models import RfqStatus
from orders.b2b.serialize import comment_json, quote_json, rfq_json
from shop.api import bp
from shop.api.auth import api_sentra_required
from shop.api.operations import ERROR_DESCRIPTION, operation
from shop.api.paging import list_envelope, page_params
from shop.api.schemas import PAGE_PARAMS, status_filter
from shop.extensions import db

NO_SUCH_RFQ = "not_found: no such request to this sentra"


def _sentra_rfq(rfq_id: int, **options: Any):
    return rfqs.load_sentra_rfq(g.sentra.id, rfq_id, **options)


@bp.get("/kelola/<sentra_slug>/rfqs")
@operation("The sentra's quote inbox: open requests first by needed-by date, then the rest", security=True,
           params=[status_filter(RfqStatus), *PAGE_PARAMS],
           responses={200: (RfqList, "A page of requests"), 400: BAD_FILTER, 401: ERROR_DESCRIPTION,
                      404: "not a member of this sentra"})
@api_sentra_required("member")
@guarded
def sentra_list_rfqs(sentra_slug: str):
    """The sentra's quote inbox: open requests first by needed-by date. :raise 400: unknown status."""
    page, per_page = page_params()
    try:
        status = rfqs.check_status(request.args.get("status"))
    except B2bValidationError as error:
        return filter_error(error)
    found = rfqs.list_sentra_rfqs(g.sentra.id, status, page, per_page)
    today = today_wib()
    return list_envelope([rfq_json(rfq, today) for rfq in found.items], found.total or 0, page, per_page)


@bp.get("/kelola/<sentra_slug>/rfqs/<int:rfq_id>")
@operation("One request to the sentra with its address, every quote revision and the comments", security=True,
           responses={200: (RfqAnswer, "The request"), 401: ERROR_DESCRIPTION, 404: NO_SUCH_RFQ})
@api_sentra_required("member")
@guarded
def sentra_get_rfq(sentra_slug: str, rfq_id: int):
    """One request to the sentra with every revision and comment. :raise 404: another sentra's."""
    return {"rfq": rfq_json(_sentra_rfq(rfq_id), detail=True)}


def _quote_input(body: dict[str, Any]) -> quotes.QuoteInput:
    lines = [quotes.QuoteLineInput(
        description=line.get("description") or "", quantity=line.get("quantity"),
        unit_price_idr=line.get("unit_price_idr"), lead_time_days=line.get("lead_time_days", 0),
        product_id=line.get("product_id"), variant_id=line.get("variant_id"),
    ) for line in body_lines(body)]
    return quotes.QuoteInput(
        valid_until=body_day(body.get("valid_until"), "valid_until"), delivery_fee_idr=body.get("delivery_fee_idr", 0),
        notes=body_text(body, "notes") or "", delivery_method=body_text(body, "delivery_method"), lines=lines,
    )


@bp.post("/kelola/<sentra_slug>/rfqs/<int:rfq_id>/quotes")
@operation("Quote a request, or revise the quote: the new revision supersedes the open one (and cancels approvals "
           "waiting on it); PPN is added only for a PKP sentra; the partner is emailed", security=True,
           body=QuoteInput, body_description="The quote",
           responses={201: (QuoteAnswer, "The new revision"),
                      400: "bad_request: not a JSON object, valid_until not YYYY-MM-DD, lines not a list of "
                           "objects, a text field that is not a string", 401: ERROR_DESCRIPTION, 404: NO_SUCH_RFQ,
                      409: "rfq_closed: accepted, declined or withdrawn",
                      422: "validation_error: valid_until missing or past, a delivery method that cannot reach the "
                           "address, a fee, price, quantity or lead time that is not a whole number in range, no "
                           "lines, another sentra's product; fields name each, e.g. lines.0.unit_price_idr"})
@api_sentra_required("member")
@guarded
def sentra_create_quote(sentra_slug: str, rfq_id: int):
    """Quote a request, or revise the quote (the new revision supersedes the open one).

    :raise 404: another sentra's. :raise 400: malformed body or date. :raise 409: rfq_closed.
    :raise 422: past validity, unknown delivery method, bad lines, fee or prices.
    """
    _sentra_rfq(rfq_id)
    data = _quote_input(json_body())
    quote = quotes.create_quote(g.sentra, g.api_user, rfq_id, data, current_app.config)
    db.session.commit()
    return {"quote": quote_json(quotes.load_sentra_quote(g.sentra.id, quote.id))}, 201


@bp.post("/kelola/<sentra_slug>/rfqs/<int:rfq_id>/comments")
@operation("Comment on a request to the sentra (the partner is emailed)", security=True, body=CommentInput,
           body_description="The comment", responses=COMMENT_RESPONSES)
@api_sentra_required("member")
@guarded
def sentra_comment(sentra_slug: str, rfq_id: int):
    """Comment on a request to the sentra: ``{"body"}``. :raise 404: :raise 422: empty or too long."""
    rfq = _sentra_rfq(rfq_id)
    comment = rfqs.add_comment(rfq, "sentra", g.api_user, body_text(json_body(), "body") or "")
    db.session.commit()
    return {"comment": comment_json(comment)}, 201
