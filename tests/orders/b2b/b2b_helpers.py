"""Building blocks for the B2B tests: a partner with staff and a manager, a request, a quote."""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from orders.b2b import quotes as quote_services
from orders.b2b import rfqs as rfq_services
from orders.b2b.invoices import today_wib
from orders.b2b.models import Quote, Rfq
from orders.checkout.services import AddressInput
from shop.accounts.models import User
from shop.extensions import db
from shop.partners.models import Partner, PartnerMembership, PartnerRole
from shop.sentras.models import Sentra
from tests.factories import make_partner, make_user

PARTNER_ADDRESS = {"recipient": "Budi Mitra", "phone": "081298765432", "street": "Jl. Niaga No. 7",
                   "kelurahan_code": "32.75.04.1001"}


def partner_team(*, threshold: int | None = 10_000_000, terms_days: int | None = None, credit_limit: int = 0,
                 name: str = "CV Mitra Usaha") -> tuple[Partner, User, User]:
    """A verified partner with its owner (a manager) and one staff member: (partner, owner, staff)."""
    owner = make_user(name="Pemilik Mitra")
    partner = make_partner(owner, name=name)
    partner.approval_threshold_idr = threshold
    partner.terms_days = terms_days
    partner.credit_limit_idr = credit_limit
    staff = make_user(name="Staf Mitra")
    db.session.add(PartnerMembership(partner_id=partner.id, user_id=staff.id, role=PartnerRole.STAFF))
    db.session.flush()
    return partner, owner, staff


def membership(partner: Partner, user: User) -> PartnerMembership:
    return next(m for m in partner.memberships if m.user_id == user.id) if partner.memberships else \
        db.session.query(PartnerMembership).filter_by(partner_id=partner.id, user_id=user.id).one()


def send_rfq(partner: Partner, user: User, sentra: Sentra, *, lines: list[dict] | None = None,
             needed_by: date | None = None, images: list[bytes] | None = None, **extra: Any) -> Rfq:
    db.session.expire(partner, ["memberships"])
    data = rfq_services.RfqInput(
        sentra=sentra.slug, needed_by=needed_by or today_wib() + timedelta(days=14),
        address=AddressInput(**extra.pop("address", PARTNER_ADDRESS)), notes=extra.pop("notes", "Untuk kantor"),
        lines=[rfq_services.RfqLineInput(**line) for line in
               (lines or [{"description": "Tas totebag sablon logo", "quantity": 300}])],
    )
    return rfq_services.create_rfq(membership(partner, user), user, data, images)


def send_quote(sentra: Sentra, user: User, rfq: Rfq, *, lines: list[dict] | None = None,
               valid_until: date | None = None, fee: int = 25_000, config: dict | None = None,
               **extra: Any) -> Quote:
    data = quote_services.QuoteInput(
        valid_until=valid_until or today_wib() + timedelta(days=7), delivery_fee_idr=fee,
        notes=extra.pop("notes", "Harga sudah termasuk sablon"), delivery_method=extra.pop("delivery_method", None),
        lines=[quote_services.QuoteLineInput(**line) for line in
               (lines or [{"description": "Tas totebag sablon logo", "quantity": 300, "unit_price_idr": 25_000,
                           "lead_time_days": 10}])],
    )
    return quote_services.create_quote(sentra, user, rfq.id, data, config or {"PPN_RATE_PERCENT": 11})
