"""Building blocks of the potential map's tests: log rows, orders with lines, tokens."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from itertools import count

from catalog.search.log import SearchLog, searcher_hash
from orders.core.models import Checkout, Order, OrderLine
from shop.accounts.tokens import issue_token
from shop.extensions import db

_seq = count(1)
KEL_A, KEL_B, KEL_C = "32.75.08.1001", "32.75.08.1002", "32.75.01.1001"  # A and B: one kecamatan
KEC_AB, KEC_C = "32.75.08", "32.75.01"
CITY = "32.75"


def wib(*args) -> datetime:
    """A WIB wall-clock time as the UTC instant it is (WIB is UTC+7)."""
    return datetime(*args, tzinfo=UTC) - timedelta(hours=7)


def log(day: date, term: str, who: str, kelurahan: str | None = None, *, results: int = 0,
        filtered: bool = False, times: int = 1) -> None:
    """``times`` searches of ``term`` on ``day`` by the searcher named ``who`` (hashed as the app does)."""
    for _ in range(times):
        db.session.add(SearchLog(day=day, term=term, results=results, filtered=filtered, kelurahan_code=kelurahan,
                                 searcher=searcher_hash(f"s:{who}"), rolled_up=False))
    db.session.flush()


def place_order(sentra, buyer, when: datetime, lines: list[tuple], *, status: str = "completed") -> Order:
    """An order of ``buyer`` at ``sentra`` placed ``when``, with ``lines`` of (product, title)."""
    n = next(_seq)
    checkout = Checkout(buyer_id=buyer.id, idempotency_key=f"potential-{n}", payment_method="bank_transfer",
                        total_idr=10_000, recipient="Pembeli", phone="081234567890", street="Jl. Melati 5",
                        kelurahan_code=KEL_A, created_at=when)
    db.session.add(checkout)
    db.session.flush()
    order = Order(number=f"PS-POT-{n:05d}", checkout_id=checkout.id, sentra_id=sentra.id, buyer_id=buyer.id,
                  status=status, payment_status="paid", payment_method="bank_transfer", delivery_method="pickup",
                  subtotal_idr=10_000, total_idr=10_000, tracking_code=f"P{n:08d}", created_at=when)
    db.session.add(order)
    db.session.flush()
    for product, title in lines:
        db.session.add(OrderLine(order_id=order.id, product_id=product.id if product else None, title=title,
                                 sku=f"SKU-P-{n}", quantity=1, unit_price_idr=10_000))
    db.session.flush()
    return order


def bearer(user) -> dict[str, str]:
    token, _ = issue_token(user, "test", 30)
    db.session.commit()
    return {"Authorization": f"Bearer {token}"}
