"""An accepted quote's order and invoice, for the tests of papers, terms and B2B emails."""
from __future__ import annotations

from dataclasses import dataclass

from orders.b2b import acceptance
from orders.b2b.models import Invoice
from orders.core.models import Order
from shop.accounts.models import User
from shop.extensions import db
from shop.partners.models import Partner
from shop.sentras.models import Sentra
from tests.factories import make_sentra
from tests.orders.b2b.b2b_helpers import membership, partner_team, send_quote, send_rfq

CONFIG = {"PPN_RATE_PERCENT": 11, "BANK_TRANSFER_EXPIRY_HOURS": 24}


@dataclass
class PartnerOrder:
    order: Order
    invoice: Invoice
    partner: Partner
    owner: User  # the partner's owner (a manager)
    staff: User
    sentra: Sentra
    seller: User  # the sentra's owner

    @property
    def number(self) -> str:
        return self.order.number


def quote_lines(count: int, price: int = 20_000, quantity: int = 10) -> list[dict]:
    return [{"description": f"Barang nomor {i + 1:02d}", "quantity": quantity, "unit_price_idr": price,
             "lead_time_days": 3} for i in range(count)]


def accepted_order(*, lines: int = 2, price: int = 20_000, payment: str = "bank_transfer",
                   sentra: Sentra | None = None, team: tuple[Partner, User, User] | None = None,
                   terms_days: int | None = None, credit_limit: int = 0, fee: int = 25_000,
                   commit: bool = True) -> PartnerOrder:
    """A partner's staff member requests, the sentra quotes ``lines`` lines, the staff member accepts."""
    partner, owner, staff = team or partner_team(threshold=None, terms_days=terms_days, credit_limit=credit_limit)
    sentra = sentra or make_sentra()
    seller = sentra.memberships[0].user
    rfq = send_rfq(partner, staff, sentra)
    quote = send_quote(sentra, seller, rfq, lines=quote_lines(lines, price), fee=fee)
    accepted = acceptance.accept_quote(membership(partner, staff), staff, quote.id, payment, CONFIG)
    order = accepted.order
    assert order is not None
    invoice = db.session.query(Invoice).filter_by(order_id=order.id).one()
    if commit:
        db.session.commit()
    return PartnerOrder(order=order, invoice=invoice, partner=partner, owner=owner, staff=staff, sentra=sentra,
                        seller=seller)
