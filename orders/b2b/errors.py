"""What can stop a request, a quote, an approval or an invoice; each carries the API's ``code``
and HTTP ``status`` and, where a form needs it, ``fields`` (field name -> problem)."""
from __future__ import annotations

from orders.core.errors import OrderError


class B2bError(OrderError):
    code = "b2b_error"
    status = 422
    # True when the service recorded something the caller must commit despite the error
    # (an approval cancelled because its quote expired meanwhile).
    keeps_changes = False

    def __init__(self, message: str, fields: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class B2bValidationError(B2bError):
    code = "validation_error"


class NotPartnerError(B2bError):
    """The user is not a member of a verified partner (or not of the one asked for)."""

    code = "not_partner"
    status = 403


class NotFoundError(B2bError, LookupError):
    """A request, quote, approval or invoice that does not exist or is another party's."""

    code = "not_found"
    status = 404


class RfqClosedError(B2bError):
    """The request was accepted, declined or withdrawn: it takes no more quotes or changes."""

    code = "rfq_closed"
    status = 409


class QuoteUnavailableError(B2bError):
    """The quote cannot be accepted or declined: ``code`` says why."""

    status = 409

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


class ApprovalNotAllowedError(B2bError):
    """Only a manager other than the person who prepared the purchase may approve it."""

    code = "approval_not_allowed"
    status = 403


class ApprovalStateError(B2bError):
    code = "approval_decided"
    status = 409


class TermsUnavailableError(B2bError):
    """Payment terms are not enabled, the limit would be exceeded, or invoices are overdue."""

    code = "terms_unavailable"


class CreditLimitError(TermsUnavailableError):
    code = "credit_limit_exceeded"


class OverdueInvoicesError(TermsUnavailableError):
    code = "overdue_invoices"


class B2bStockError(B2bError):
    code = "insufficient_stock"
    status = 409


class HandoverError(B2bError):
    """The order is not at a point where the partner can confirm receipt."""

    code = "handover_not_possible"
    status = 409
