"""The shapes of the B2B API: the partner's (orders/b2b/api.py) and the sentra's quote inbox (sentra_api.py)."""
from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, StrictInt, StrictStr
from typing_extensions import TypedDict

from orders.b2b import terms
from orders.b2b.models import ApprovalStatus, InvoiceStatus, QuoteStatus, RfqStatus, Side
from orders.b2b.rfqs import COMMENT_MAX, DESCRIPTION_MAX, MAX_LINES, NOTES_MAX
from orders.core.models import DeliveryMethod, OrderStatus
from orders.core.payments import PaymentMethod
from shop.api.operations import path, query
from shop.api.schemas import Body, Day, When, described, one_of, page_of

RFQ_ID = path("rfq_id", int)
QUOTE_ID = path("quote_id", int)
APPROVAL_ID = path("approval_id", int)
PARTNER_ID = query("partner_id", int, "which of the caller's verified partners to act for (default: the first)")
NOT_PARTNER = "not_partner: the caller is not a member of a verified partner (of partner_id)"
BAD_FILTER = "invalid_filter: unknown status; or bad paging"
ApiPayment = Literal["bank_transfer", "terms"]  # the API's names (orders.b2b.acceptance.API_PAYMENTS)
OrderPayment = one_of(PaymentMethod.BANK_TRANSFER, terms.NAME)
InvoiceFilter = Literal[(*InvoiceStatus, "overdue")]  # type: ignore[misc]


class QuoteLine(TypedDict, total=False):
    description: str
    quantity: int
    unit_price_idr: int
    total_idr: int
    lead_time_days: int
    product_id: int | None
    variant_id: described(int | None, "a stocked line reserves it")


class Quote(TypedDict, total=False):
    """One revision of a sentra's quote"""

    id: int
    rfq_id: int
    revision: int
    status: QuoteStatus
    expired: described(bool, "valid_until (the last day, WIB) has passed")
    valid_until: Day
    delivery_method: DeliveryMethod
    delivery_fee_idr: int
    subtotal_idr: int
    tax_rate_percent: described(int, "PPN rate; 0 unless the sentra is a PKP")
    tax_idr: int
    total_idr: int
    notes: str
    created_at: When
    decided_at: When | None
    order_number: described(str | None, "the order accepting made")
    lines: described(list[QuoteLine], "not in a request's latest_quote")


class RfqComment(TypedDict, total=False):
    id: int
    side: Side
    author: str | None
    body: str
    created_at: When


class Named(TypedDict, total=False):
    slug: str
    name: str


class RfqPartner(TypedDict, total=False):
    id: int
    name: str
    npwp: str | None


class RfqLine(TypedDict, total=False):
    id: int
    description: str
    quantity: int
    product_id: int | None


class RfqAddress(TypedDict, total=False):
    recipient: str
    phone: str
    street: str
    kelurahan_code: str | None
    city: str | None
    postal_code: str | None
    label: str


class RfqImage(TypedDict, total=False):
    id: int
    width: int
    height: int


class Rfq(TypedDict, total=False):
    """A request for quote (lists leave out address, images, quotes and comments)"""

    id: int
    status: RfqStatus
    sentra: Named
    partner: RfqPartner
    needed_by: Day
    due: described(Literal["soon", "past"] | None, "open or quoted and needed within 3 days (soon) or already "
                                                   "past (past)")
    notes: str
    created_at: When
    updated_at: When
    lines: list[RfqLine]
    latest_quote: described(Quote | None, "the newest revision, no lines")
    address: RfqAddress
    images: described(list[RfqImage], "reference images (uploaded and shown on the web pages only)")
    quotes: described(list[Quote], "every revision, oldest first")
    comments: list[RfqComment]


class AddressInput(Body):
    """as in checkout: a Kota Bekasi kelurahan_code, or city and postal_code outside it"""

    recipient: StrictStr
    phone: StrictStr
    street: StrictStr
    kelurahan_code: StrictStr | None = None
    city: StrictStr | None = None
    postal_code: StrictStr | None = None


class RfqLineInput(Body):
    description: described(StrictStr | None, "required unless product_id is given (its title is used)",
                           max_length=DESCRIPTION_MAX) = None
    quantity: described(StrictInt, "at least the product's wholesale minimum when product_id is given", ge=1)
    product_id: described(StrictInt | None, "an active product of that sentra") = None


class RfqInput(Body):
    """Documents the body; the views check it by hand (fields are named lines.0.quantity)."""

    sentra: described(StrictStr, "an active sentra's slug")
    needed_by: described(Day, "YYYY-MM-DD, today (WIB) or later")
    address: AddressInput
    notes: Annotated[StrictStr | None, Field(max_length=NOTES_MAX)] = None
    lines: Annotated[list[RfqLineInput], Field(min_length=1, max_length=MAX_LINES)]
    partner_id: described(StrictInt | None, "which of the caller's verified partners asks") = None


class QuoteLineInput(Body):
    description: Annotated[StrictStr, Field(max_length=DESCRIPTION_MAX)]
    quantity: Annotated[StrictInt, Field(ge=1)]
    unit_price_idr: Annotated[StrictInt, Field(ge=0)]
    lead_time_days: Annotated[StrictInt, Field(ge=0, le=365)] = 0
    product_id: described(StrictInt | None, "one of the sentra's products") = None
    variant_id: described(StrictInt | None, "one of the sentra's variants (stock is reserved on accepting unless "
                                            "the line has a lead time)") = None


class QuoteInput(Body):
    """Documents the body; the view checks it by hand."""

    valid_until: described(Day, "the last day the quote can be accepted: today (WIB) or later")
    delivery_fee_idr: Annotated[StrictInt, Field(ge=0)] = 0
    delivery_method: described(DeliveryMethod | None, "default: sentra_courier inside Kota Bekasi, else courier") \
        = None
    notes: Annotated[StrictStr | None, Field(max_length=NOTES_MAX)] = None
    lines: Annotated[list[QuoteLineInput], Field(min_length=1, max_length=MAX_LINES)]


class Person(TypedDict, total=False):
    id: int
    name: str


class PurchaseApproval(TypedDict, total=False):
    id: int
    kind: Literal["quote", "cart"]
    status: ApprovalStatus
    amount_idr: int
    payment: ApiPayment
    quote_id: int | None
    rfq_id: int | None
    requested_by: Person
    decided_by: Person | None
    note: str | None
    created_at: When
    decided_at: When | None


class OrderDelivery(TypedDict, total=False):
    method: str


class PartnerOrder(TypedDict, total=False):
    """OrderSummary with the partner's extras"""

    number: str
    sentra: described(str, "the sentra's slug")
    status: str
    payment_status: str
    payment_method: OrderPayment
    subtotal_idr: int
    delivery_fee_idr: int
    tax_idr: int
    total_idr: int
    delivery: OrderDelivery
    invoice_number: str | None
    created_at: When


class PlacedInvoice(TypedDict, total=False):
    number: str
    due_on: Day
    total_idr: int


class PlacedPayment(TypedDict, total=False):
    method: str
    status: str
    amount_idr: int
    instructions: described(dict[str, Any], "bank_transfer: bank, account_number, account_holder, amount_idr with "
                                            "its unique code, expires_at, reference")


class PlacedOrder(TypedDict, total=False):
    """The order accepting a quote made (as checkout answers)"""

    number: str
    sentra: str
    status: one_of(OrderStatus.PENDING_PAYMENT, OrderStatus.PLACED)
    payment_status: str
    payment_method: OrderPayment
    subtotal_idr: int
    delivery_fee_idr: int
    tax_idr: int
    total_idr: int
    delivery: OrderDelivery
    checkout_id: int
    expires_at: described(When | None, "bank transfer: when the unpaid order expires")
    invoice: PlacedInvoice
    payment: PlacedPayment


class Invoice(TypedDict, total=False):
    number: described(str, "INV/<SENTRA>/<YYYY>/<NNNN>")
    order_number: str
    sentra: described(str, "the sentra's slug")
    status: InvoiceStatus
    overdue: described(bool, "unpaid and past due_on")
    issued_at: When
    due_on: Day
    terms_days: Literal[14, 30] | None  # the partner's terms (shop.partners.models' check constraint)
    payment_method: str
    subtotal_idr: int
    delivery_fee_idr: int
    tax_idr: int
    total_idr: int


RfqList = page_of(Rfq, "RfqList")
PurchaseApprovalList = page_of(PurchaseApproval, "PurchaseApprovalList")
PartnerOrderList = page_of(PartnerOrder, "PartnerOrderList")
InvoiceList = page_of(Invoice, "InvoiceList")
class RfqAnswer(TypedDict, total=False):
    rfq: Rfq
class QuoteAnswer(TypedDict, total=False):
    quote: Quote
class CommentAnswer(TypedDict, total=False):
    comment: RfqComment
class OrderAnswer(TypedDict, total=False):
    order: PlacedOrder
class ApprovalAnswer(TypedDict, total=False):
    approval: PurchaseApproval
class DecisionAnswer(TypedDict, total=False):
    approval: PurchaseApproval
    order: PlacedOrder


class AcceptInput(Body):
    payment: ApiPayment = "bank_transfer"


# The services cut a longer reason or note to these lengths (the document asks for no more).
class DeclineInput(Body):
    reason: Annotated[StrictStr | None, Field(json_schema_extra={"maxLength": 500})] = None


class NoteInput(Body):
    note: Annotated[StrictStr | None, Field(json_schema_extra={"maxLength": 1000})] = None


class CommentInput(Body):
    body: Annotated[StrictStr, Field(json_schema_extra={"minLength": 1, "maxLength": COMMENT_MAX})]


COMMENT_RESPONSES: dict[int, Any] = {
    201: (CommentAnswer, "The comment (the other side is emailed)"),
    400: "bad_request: not a JSON object, or body not a string", 401: "An error in the documented shape",
    404: "An error in the documented shape", 422: "validation_error: empty or longer than 2000 characters",
}
