"""What the ledger's services refuse; each carries the API's ``code``, the HTTP ``status`` and,
for a form (or the figures), ``fields``. A module of its own so that payouts and statements both
use them without importing each other."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from orders.core.errors import OrderError


class LedgerError(OrderError):
    """``code`` for the API and the views' messages, ``fields`` for the form (or the figures)."""

    code = "ledger_error"
    status = 422

    def __init__(self, message: str, *, code: str | None = None, fields: Mapping[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code or self.code
        self.fields = dict(fields or {})


class LedgerNotFoundError(LedgerError, LookupError):
    """A payout that does not exist or is another sentra's."""

    code = "not_found"
    status = 404


class LedgerPermissionError(LedgerError):
    code = "forbidden"
    status = 403


class BalanceChangedError(LedgerError):
    """The balance moved since the office looked at it (another payout, or a double submit)."""

    code = "balance_changed"
    status = 409


class BankAccountChangedError(LedgerError):
    """The sentra's bank account changed since the office looked at it: the transfer may have gone elsewhere."""

    code = "bank_account_changed"
    status = 409


class InvalidDateRangeError(LedgerError):
    code = "invalid_range"
    status = 400
