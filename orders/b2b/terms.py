"""Payment terms (tempo): a partner's order is placed at once and its invoice is due in 14 or 30 days.

Registered as the ``payment_terms`` provider so orders, refunds and the payment row
work as for any method, but never offered at the cart's checkout (only when a partner
accepts a quote). The program office enables terms per partner with a credit limit.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from orders.b2b.errors import CreditLimitError, OverdueInvoicesError, TermsUnavailableError
from orders.b2b.invoices import outstanding_terms_idr, overdue_count
from orders.core.models import Order, OrderStatus
from orders.core.payments import Payment, Refund
from orders.core.providers import PaymentProvider, register
from orders.payments.bank_transfer import BankTransfer
from shop.partners.models import Partner

NAME = "payment_terms"


class PaymentTerms(PaymentProvider):
    name = NAME
    initial_status = OrderStatus.PLACED

    def is_available(self, config: Mapping[str, Any]) -> bool:
        return False  # not at the cart's checkout: only through an accepted quote

    def refund(self, payment: Payment, order: Order, amount_idr: int, actor: Any | None,
               reason: str | None, config: Mapping[str, Any]) -> Refund:
        """Money paid on an invoice goes back by bank transfer, recorded by the office."""
        return BankTransfer.refund(self, payment, order, amount_idr, actor, reason, config)


register(PaymentTerms())


def check_terms(partner: Partner, amount_idr: int) -> None:
    """Whether ``partner`` may buy ``amount_idr`` more on terms.

    :raise TermsUnavailableError: (422) terms are not enabled for the partner.
    :raise OverdueInvoicesError: (422) an invoice is past its due date and unpaid.
    :raise CreditLimitError: (422) unpaid invoices on terms plus this would pass the limit.
    """
    if not partner.terms_days:
        raise TermsUnavailableError("payment terms are not enabled for this partner; pay by bank transfer",
                                    {"payment": "unavailable"})
    if overdue_count(partner.id):
        raise OverdueInvoicesError("an invoice is overdue: pay it before buying on terms again",
                                   {"payment": "overdue_invoices"})
    owed = outstanding_terms_idr(partner.id)
    if owed + amount_idr > partner.credit_limit_idr:
        left = _available(partner, owed)
        raise CreditLimitError(f"this is over the credit limit: Rp{left:,} of it is left".replace(",", "."),
                               {"payment": "credit_limit_exceeded", "available_idr": str(left)})


def credit_available_idr(partner: Partner) -> int:
    """What ``partner`` may still buy on terms: its credit limit less its unpaid invoices on terms, at least 0."""
    return _available(partner, outstanding_terms_idr(partner.id))


def _available(partner: Partner, owed_idr: int) -> int:
    return max(partner.credit_limit_idr - owed_idr, 0)
