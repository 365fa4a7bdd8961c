"""What the office's B2B forms change: a partner's payment terms and credit limit, a sentra's tax
status. Each is audited, flushes and never commits (the view commits)."""
from __future__ import annotations

from shop.accounts.models import User
from shop.audit.services import record
from shop.extensions import db
from shop.partners.models import Partner
from shop.sentras.models import Sentra


def set_partner_terms(partner: Partner, terms_days: int | None, credit_limit_idr: int, actor: User) -> None:
    """Enable (14 or 30 days) or disable payment terms and set the credit limit. Flushes.

    Invoices already issued keep their due dates; the limit applies to new orders on terms.
    """
    record(actor, "partner.terms", "partner", partner.id,
           f"{partner.name}: terms {terms_days or 'none'} days, credit limit {credit_limit_idr} IDR "
           f"(were {partner.terms_days or 'none'} days, {partner.credit_limit_idr} IDR)",
           terms_days=terms_days, credit_limit_idr=credit_limit_idr,
           was_terms_days=partner.terms_days, was_credit_limit_idr=partner.credit_limit_idr)
    partner.terms_days = terms_days
    partner.credit_limit_idr = credit_limit_idr
    db.session.flush()


def set_sentra_tax(sentra: Sentra, npwp: str | None, is_pkp: bool, actor: User) -> None:
    """Record a sentra's NPWP and PKP status; its next quotes and invoices follow it. Flushes."""
    record(actor, "sentra.tax", "sentra", sentra.id,
           f"{sentra.name}: PKP {'yes' if is_pkp else 'no'} (was {'yes' if sentra.is_pkp else 'no'}), "
           f"NPWP {'given' if npwp else 'none'}", is_pkp=is_pkp, was_pkp=sentra.is_pkp, has_npwp=bool(npwp))
    sentra.npwp = npwp or None
    sentra.is_pkp = is_pkp
    db.session.flush()
