"""Domain errors of the accounts package (views turn them into field errors or 4xx)."""
from __future__ import annotations


class AccountError(Exception):
    """Base of the domain errors raised here."""


class AccountValidationError(AccountError):
    """Input that breaks a rule; ``fields`` maps a field name to a problem code.

    Codes: ``required``, ``invalid``, ``too_long``, ``too_short``, ``too_common``.
    """

    def __init__(self, fields: dict[str, str]) -> None:
        super().__init__(fields)
        self.fields = fields


class WeakPasswordError(AccountValidationError):
    """A new password that is too short or too common (``problem`` says which)."""

    def __init__(self, problem: str, field: str = "password") -> None:
        super().__init__({field: problem})
        self.problem = problem


class EmailTakenError(AccountError):
    """Another account already uses this email address."""


class WrongPasswordError(AccountError):
    """The current password given to confirm a change is not the account's password."""


class InvalidTokenError(AccountError):
    """An emailed link that is forged, expired, already used or for a deleted account."""


class AccountOwnsSentraError(AccountError):
    """The account owns a sentra or partner; ownership must be transferred first."""

    def __init__(self, names: list[str]) -> None:
        super().__init__(names)
        self.names = names


class AddressNotFoundError(AccountError):
    """No address with that id belongs to this user."""


class ApiTokenNotFoundError(AccountError):
    """No API token with that id belongs to this user."""
