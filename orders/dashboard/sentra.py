"""What an active sentra's dashboard at /kelola/<slug>/ shows: read-only queries, a fixed number per page.

The figures come from orders, quotes, problems, stock and the ledger, so the dashboard lives
here, beside its data; the shell's page (``shop.sentras.views.manage_home``) shows it through
:mod:`shop.dashboards`, provided by :mod:`orders.blueprints`. Every list is capped and every
count is one aggregate, so the page costs the same number of queries whatever the sentra's
history (a test counts them).

Sales are the goods value (``subtotal_idr``, without delivery and tax) of the orders that
count as sold: not waiting for an online payment, not cancelled, not expired. Days are WIB days.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select

from catalog.products.models import Product, ProductStatus, Variant
from orders.b2b.models import Rfq, RfqStatus
from orders.core.models import Order, OrderLine, OrderStatus
from orders.core.promises import late_clause
from orders.core.status import NOT_SOLD
from orders.ledger.models import Payout
from orders.ledger.services import balance_idr
from orders.shipping.models import OrderProblem, ProblemStatus
from shop.db import WIB, utcnow
from shop.extensions import db
from shop.sentras.models import Sentra

CHART_DAYS = 30
TOP_PRODUCTS = 5
LIST_LIMIT = 5  # late orders and open problems listed under the counts

# The chart's drawing box (SVG user units): one slot per day, bars grow up from the baseline.
SLOT_WIDTH = 20
BAR_WIDTH = 14
PLOT_TOP = 8
PLOT_HEIGHT = 140
CHART_WIDTH = SLOT_WIDTH * CHART_DAYS
CHART_HEIGHT = PLOT_TOP + PLOT_HEIGHT + 18  # room for the day numbers under the bars


@dataclass(frozen=True)
class ToDo:
    """What needs doing now, as counts."""

    new_orders: int
    to_ship: int
    late_orders: int
    quotes: int
    low_stock: int
    problems: int


@dataclass(frozen=True)
class DayBar:
    day: date
    sales_idr: int
    orders: int
    x: int
    y: int
    height: int


@dataclass(frozen=True)
class SalesChart:
    bars: list[DayBar]
    max_idr: int
    total_idr: int
    total_orders: int
    width: int = CHART_WIDTH
    height: int = CHART_HEIGHT
    bar_width: int = BAR_WIDTH
    baseline: int = PLOT_TOP + PLOT_HEIGHT


@dataclass(frozen=True)
class TopProduct:
    product_id: int | None
    title: str
    quantity: int
    sales_idr: int


@dataclass(frozen=True)
class OrderRef:
    """An order to look at: its number and the moment that matters (promised, or the problem raised)."""

    number: str
    at: datetime | None


@dataclass(frozen=True)
class Money:
    balance_idr: int
    last_payout_at: datetime | None
    last_payout_idr: int | None
    has_bank_account: bool


@dataclass(frozen=True)
class Dashboard:
    todo: ToDo
    chart: SalesChart
    top_products: list[TopProduct]
    late_orders: list[OrderRef]
    open_problems: list[OrderRef]
    money: Money
    rating_avg: float
    rating_count: int


def dashboard_for(sentra: Sentra, now: datetime | None = None) -> Dashboard:
    """Everything the dashboard shows for ``sentra`` at ``now`` (UTC): seven queries, read-only."""
    now = now or utcnow()
    today = now.astimezone(WIB).date()
    first_day = today - timedelta(days=CHART_DAYS - 1)
    since = datetime.combine(first_day, time(0, 0), WIB).astimezone(UTC)
    return Dashboard(
        todo=todo_counts(sentra.id, now),
        chart=sales_chart(sentra.id, first_day, since),
        top_products=top_products(sentra.id, since),
        late_orders=late_orders(sentra.id, now),
        open_problems=open_problems(sentra.id),
        money=money(sentra),
        rating_avg=sentra.rating_avg or 0.0,
        rating_count=sentra.rating_count or 0,
    )


def todo_counts(sentra_id: int, now: datetime) -> ToDo:
    """The six counts of "what needs doing now", in one statement of scalar subqueries."""

    def count(model: Any, *where: Any):
        return select(func.count()).select_from(model).where(*where).scalar_subquery()

    row = db.session.execute(select(
        count(Order, Order.sentra_id == sentra_id, Order.status == OrderStatus.PLACED),
        count(Order, Order.sentra_id == sentra_id, Order.status == OrderStatus.PROCESSING),
        count(Order, Order.sentra_id == sentra_id, late_clause(now)),
        count(Rfq, Rfq.sentra_id == sentra_id, Rfq.status == RfqStatus.OPEN),
        select(func.count()).select_from(Variant).join(Product, Product.id == Variant.product_id).where(
            Variant.sentra_id == sentra_id, Variant.archived.is_(False),
            Variant.stock <= Variant.low_stock_threshold,
            Product.status == ProductStatus.ACTIVE, Product.made_to_order.is_(False),
        ).scalar_subquery(),
        count(OrderProblem, OrderProblem.sentra_id == sentra_id, OrderProblem.status == ProblemStatus.OPEN),
    )).one()
    return ToDo(*(int(value or 0) for value in row))


def _wib_day(column: Any) -> Any:
    """The WIB calendar day of a UTC timestamp column, as 'YYYY-MM-DD' (WIB is UTC+7, without DST)."""
    if db.session.get_bind().dialect.name == "postgresql":
        return func.to_char(func.timezone("Asia/Jakarta", column), "YYYY-MM-DD")
    return func.strftime("%Y-%m-%d", column, "+7 hours")


def sales_chart(sentra_id: int, first_day: date, since: datetime) -> SalesChart:
    """Sales and order counts per WIB day from ``first_day`` (``since`` is its start in UTC), one bar a day."""

    day = _wib_day(Order.created_at).label("day")
    rows = db.session.execute(
        select(day, func.coalesce(func.sum(Order.subtotal_idr), 0), func.count(Order.id))
        .where(Order.sentra_id == sentra_id, Order.created_at >= since, Order.status.not_in(NOT_SOLD))
        .group_by(day)
    ).all()
    per_day = {date.fromisoformat(str(d)): (int(sales), int(orders)) for d, sales, orders in rows}
    days = [first_day + timedelta(days=i) for i in range(CHART_DAYS)]
    top = max((per_day.get(d, (0, 0))[0] for d in days), default=0)
    bars = []
    for i, d in enumerate(days):
        sales, orders = per_day.get(d, (0, 0))
        height = 0 if top == 0 or sales == 0 else max(1, round(PLOT_HEIGHT * sales / top))
        bars.append(DayBar(day=d, sales_idr=sales, orders=orders, x=i * SLOT_WIDTH + (SLOT_WIDTH - BAR_WIDTH) // 2,
                           y=PLOT_TOP + PLOT_HEIGHT - height, height=height))
    return SalesChart(bars=bars, max_idr=top, total_idr=sum(b.sales_idr for b in bars),
                      total_orders=sum(b.orders for b in bars))


def top_products(sentra_id: int, since: datetime, limit: int = TOP_PRODUCTS) -> list[TopProduct]:
    """The products sold most (by quantity) in orders placed since ``since``; ties by title."""

    quantity = func.sum(OrderLine.quantity).label("quantity")
    title = func.max(OrderLine.title).label("title")
    rows = db.session.execute(
        select(OrderLine.product_id, title, quantity, func.sum(OrderLine.quantity * OrderLine.unit_price_idr))
        .join(Order, Order.id == OrderLine.order_id)
        .where(Order.sentra_id == sentra_id, Order.created_at >= since, Order.status.not_in(NOT_SOLD))
        .group_by(OrderLine.product_id)
        .order_by(quantity.desc(), title)
        .limit(limit)
    ).all()
    return [TopProduct(product_id=pid, title=name, quantity=int(qty), sales_idr=int(sales or 0))
            for pid, name, qty, sales in rows]


def late_orders(sentra_id: int, now: datetime, limit: int = LIST_LIMIT) -> list[OrderRef]:
    """The orders furthest past their promised date (:func:`orders.core.promises.late_clause`)."""

    rows = db.session.execute(
        select(Order.number, Order.promised_at)
        .where(Order.sentra_id == sentra_id, late_clause(now))
        .order_by(Order.promised_at, Order.id)
        .limit(limit)
    ).all()
    return [OrderRef(number=number, at=promised) for number, promised in rows]


def open_problems(sentra_id: int, limit: int = LIST_LIMIT) -> list[OrderRef]:
    """The oldest problems waiting for the sentra's answer, by their orders' numbers."""

    rows = db.session.execute(
        select(Order.number, OrderProblem.created_at)
        .join(Order, Order.id == OrderProblem.order_id)
        .where(OrderProblem.sentra_id == sentra_id, OrderProblem.status == ProblemStatus.OPEN)
        .order_by(OrderProblem.created_at, OrderProblem.id)
        .limit(limit)
    ).all()
    return [OrderRef(number=number, at=created) for number, created in rows]


def money(sentra: Sentra) -> Money:
    """The ledger balance and the last payout the office recorded (the office pays balances out)."""

    last = db.session.execute(
        select(Payout.created_at, Payout.amount_idr).where(Payout.sentra_id == sentra.id)
        .order_by(Payout.created_at.desc(), Payout.id.desc()).limit(1)
    ).first()
    return Money(
        balance_idr=int(balance_idr(sentra.id)),
        last_payout_at=last[0] if last else None,
        last_payout_idr=int(last[1]) if last else None,
        has_bank_account=all((value or "").strip() for value in
                             (sentra.bank_name, sentra.bank_account_number, sentra.bank_account_holder)),
    )
