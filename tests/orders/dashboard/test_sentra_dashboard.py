"""The sentra dashboard at /kelola/<slug>/: what needs doing, 30 days of sales, top products, money.

The seeded scenario is written down as data (``ORDERS``, ``STOCK``); the expected figures are
worked out from that data here, not by the queries under test.
"""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask import current_app
from sqlalchemy import update

from catalog.products.models import Variant
from orders.core.models import Order
from orders.dashboard.sentra import CHART_DAYS
from orders.ledger.models import Payout
from orders.ledger.services import post
from orders.services import accept_order, cancel_by_sentra
from orders.shipping.problems import answer_problem, raise_problem
from shop.db import WIB, utcnow
from shop.extensions import db
from tests.factories import add_member, make_checkout, make_product, make_sentra, make_user
from tests.orders.b2b.b2b_helpers import partner_team, send_quote, send_rfq
from tests.orders.ledger.ledger_helpers import completed_order
from tests.queries import count_queries

OTHER_KELURAHAN = "32.75.04.1001"
PRICES = {"Anyaman A": 10_000, "Batik B": 20_000, "Cangkir C": 5_000, "Dompet D": 7_000, "Emas E": 3_000,
          "Fan F": 1_000, "Gelang G": 1_000}

# (lines {product title: quantity}, days ago, what happens to it, late?) -- all paid at pickup unless "unpaid".
ORDERS = [
    ({"Anyaman A": 6}, 0, "placed", False),
    ({"Batik B": 5}, 1, "processing", False),
    ({"Cangkir C": 4, "Anyaman A": 1}, 2, "processing", True),
    ({"Dompet D": 3}, 3, "placed", True),
    ({"Gelang G": 1}, 5, "placed", False),
    ({"Emas E": 2}, 10, "cancelled", False),
    ({"Fan F": 1}, CHART_DAYS - 1, "placed", False),  # the chart's first day
    ({"Emas E": 9}, CHART_DAYS, "placed", False),  # a day before the chart starts
    ({"Fan F": 2}, 0, "unpaid", False),  # a bank transfer not paid yet: not a sale, not new
]
# (stock, low-stock threshold, product status, made to order, variant archived) -> counted as low?
STOCK = [
    (2, 3, "active", False, False),
    (3, 3, "active", False, False),
    (4, 3, "active", False, False),
    (0, 3, "draft", False, False),
    (0, 3, "active", True, False),
    (1, 3, "active", False, True),
]


def _is_low(stock, threshold, status, made_to_order, archived) -> bool:
    return stock <= threshold and status == "active" and not made_to_order and not archived


def _seed_orders(sentra, owner):
    variants = {title: make_product(sentra, title=title, variants=[{"price_idr": price, "stock": 100}]).variants[0]
                for title, price in PRICES.items()}
    buyer = make_user()
    now = utcnow()
    for lines, days_ago, fate, late in ORDERS:
        items = [(variants[title], qty) for title, qty in lines.items()]
        order = make_checkout(buyer, items, method="bank_transfer" if fate == "unpaid" else "pay_on_pickup").orders[0]
        if fate == "processing":
            accept_order(order, owner)
        elif fate == "cancelled":
            cancel_by_sentra(order, owner, "stok habis", current_app.config)
        values = {"created_at": now - timedelta(days=days_ago)}
        if late:
            values["promised_at"] = now - timedelta(hours=2)
        db.session.execute(update(Order).where(Order.id == order.id).values(**values))
    db.session.commit()


def _seed_stock(sentra):
    for i, (stock, threshold, status, made_to_order, archived) in enumerate(STOCK):
        product = make_product(sentra, title=f"Stok {i}", status=status, made_to_order=made_to_order,
                               lead_time_days=3 if made_to_order else None,
                               variants=[{"stock": stock, "low_stock_threshold": threshold}])
        if archived:
            product.variants[0].archived = True
            make_product(sentra, title=f"Stok {i} baru", variants=[{"stock": 50}])
    db.session.commit()


def _seed_problems(sentra):
    """Two delivered orders with problems (one open, one answered), placed before the chart's window."""
    opened = []
    for answered in (False, True):
        order = completed_order(sentra, delivery="courier", complete=False)
        problem = raise_problem(order, order.buyer, "damaged", "Barangnya retak waktu sampai.")
        if answered:
            answer_problem(problem, sentra.memberships[0].user, "Maaf, kami kirim ganti.")
        else:
            opened.append(order.number)
        db.session.execute(update(Order).where(Order.id == order.id)
                           .values(created_at=utcnow() - timedelta(days=CHART_DAYS + 5)))
    db.session.commit()
    return opened


def _seed_quotes(sentra, other):
    partner, owner, _staff = partner_team()
    send_rfq(partner, owner, sentra)
    quoted = send_rfq(partner, owner, sentra)
    send_quote(sentra, sentra.memberships[0].user, quoted)
    send_rfq(partner, owner, other)
    db.session.commit()


@pytest.fixture
def scenario(app):
    owner = make_user(name="Pemilik Sentra")
    sentra = make_sentra(owner=owner)
    other = make_sentra(OTHER_KELURAHAN)
    make_product(other, title="Lain", variants=[{"stock": 0}])
    db.session.commit()
    _seed_orders(sentra, owner)
    _seed_stock(sentra)
    problems = _seed_problems(sentra)
    _seed_quotes(sentra, other)
    return {"sentra": sentra, "owner": owner, "other": other, "open_problems": problems}


def _page(client, auth, user, sentra) -> str:
    auth.login(user.email)
    client.post("/bahasa", data={"lang": "en"})
    response = client.get(f"/kelola/{sentra.slug}/")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _tile(page: str, key: str) -> int:
    match = re.search(rf'id="todo-{key}"[^>]*><strong>(\d+)</strong>', page)
    assert match, f"no tile {key}"
    return int(match.group(1))


def test_the_to_do_tiles_count_what_needs_doing(client, auth, scenario):
    page = _page(client, auth, scenario["owner"], scenario["sentra"])
    assert _tile(page, "new-orders") == sum(1 for o in ORDERS if o[2] == "placed")
    assert _tile(page, "to-ship") == sum(1 for o in ORDERS if o[2] == "processing")
    assert _tile(page, "late-orders") == sum(1 for o in ORDERS if o[3])
    assert _tile(page, "quotes") == 1  # two requests to this sentra, one of them quoted
    assert _tile(page, "low-stock") == sum(1 for row in STOCK if _is_low(*row))
    assert _tile(page, "problems") == len(scenario["open_problems"]) == 1


def test_late_orders_and_open_problems_are_listed_with_links(client, auth, scenario):
    sentra = scenario["sentra"]
    page = _page(client, auth, scenario["owner"], sentra)
    (number,) = scenario["open_problems"]
    assert f'href="/kelola/{sentra.slug}/pesanan/{number}/masalah"' in page
    late = db.session.scalars(db.select(Order.number).where(Order.sentra_id == sentra.id,
                                                             Order.promised_at < utcnow())).all()
    assert len(late) == 2
    for late_number in late:
        assert f'href="/kelola/{sentra.slug}/pesanan/{late_number}"' in page


def _expected_per_day() -> dict:
    today = utcnow().astimezone(WIB).date()
    sales: dict = {}
    for lines, days_ago, fate, _late in ORDERS:
        if fate in ("cancelled", "unpaid") or days_ago >= CHART_DAYS:
            continue
        day = today - timedelta(days=days_ago)
        amount = sum(PRICES[title] * qty for title, qty in lines.items())
        total, count = sales.get(day, (0, 0))
        sales[day] = (total + amount, count + 1)
    return sales


def test_the_chart_has_one_bar_per_day_and_the_table_gives_each_day(client, auth, scenario):
    page = _page(client, auth, scenario["owner"], scenario["sentra"])
    svg = page[page.index("<svg"):page.index("</svg>")]
    assert svg.count('<rect class="chart-bar"') == CHART_DAYS
    assert "<title id=\"sales-chart-title\">" in svg
    rows = re.findall(r'<tr><th scope="row">([^<]+)</th><td>(\d+)</td><td>Rp([\d,]+)</td></tr>', page)
    assert len(rows) == CHART_DAYS
    expected = _expected_per_day()
    got = [(int(orders), int(amount.replace(",", ""))) for _day, orders, amount in rows]
    today = utcnow().astimezone(WIB).date()
    days = [today - timedelta(days=CHART_DAYS - 1 - i) for i in range(CHART_DAYS)]
    assert got == [(expected.get(d, (0, 0))[1], expected.get(d, (0, 0))[0]) for d in days]


def test_the_tallest_bar_is_the_best_day(client, auth, scenario):
    page = _page(client, auth, scenario["owner"], scenario["sentra"])
    heights = [int(h) for h in re.findall(r'<rect class="chart-bar"[^>]* height="(\d+)"', page)]
    expected = _expected_per_day()
    first_day = utcnow().astimezone(WIB).date() - timedelta(days=CHART_DAYS - 1)
    best_day = max(expected, key=lambda d: expected[d][0])
    assert heights[(best_day - first_day).days] == max(heights) > 0
    assert sum(1 for h in heights if h > 0) == len(expected)


def test_top_products_are_the_five_sold_most_in_30_days(client, auth, scenario):
    page = _page(client, auth, scenario["owner"], scenario["sentra"])
    sold: dict[str, int] = {}
    for lines, days_ago, fate, _late in ORDERS:
        if fate in ("cancelled", "unpaid") or days_ago >= CHART_DAYS:
            continue
        for title, qty in lines.items():
            sold[title] = sold.get(title, 0) + qty
    expected = sorted(sold, key=lambda t: (-sold[t], t))[:5]
    section = page[page.index('id="top-title"'):page.index('id="rating-title"')]
    assert re.findall(r'/ubah">([^<]+)</a>', section) == expected
    assert expected[0] == "Anyaman A" and "Emas E" not in expected


def test_balance_and_last_payout_are_shown(client, auth, scenario):
    sentra = scenario["sentra"]
    completed_order(sentra, paid="bank_transfer", price=50_000, quantity=2)  # credits 100,000 less 5 %
    payout = Payout(sentra_id=sentra.id, amount_idr=1_000, bank_name="BRI", account_number="1234",
                    account_holder="Sentra", reference="TRF-1")
    db.session.add(payout)
    db.session.flush()
    post(sentra.id, "payout", f"payout:{payout.id}", debit_idr=1_000, payout_id=payout.id)
    db.session.commit()
    page = _page(client, auth, scenario["owner"], sentra)
    money = page[page.index('id="money-title"'):]
    assert 'id="balance">Rp94,000<' in money
    assert "Last payout: Rp1,000" in money
    assert 'id="bank-prompt"' in money


def test_the_bank_prompt_is_gone_once_the_account_is_set(client, auth, app):
    sentra = make_sentra()
    sentra.bank_name, sentra.bank_account_number, sentra.bank_account_holder = "BRI", "0012345", "Sentra"
    db.session.commit()
    page = _page(client, auth, sentra.memberships[0].user, sentra)
    assert 'id="bank-prompt"' not in page
    assert 'id="balance">Rp0<' in page


def test_a_member_is_told_only_the_owner_adds_the_bank_account(client, auth, app):
    sentra = make_sentra()
    member = make_user()
    add_member(sentra, member, "manager")
    db.session.commit()
    page = _page(client, auth, member, sentra)
    prompt = page[page.index('id="bank-prompt"'):]
    assert "the owner can add one" in prompt[:300]


def test_a_member_of_another_sentra_gets_404(client, auth, scenario):
    other_owner = scenario["other"].memberships[0].user
    auth.login(other_owner.email)
    assert client.get(f"/kelola/{scenario['sentra'].slug}/").status_code == 404


def test_a_pending_sentra_shows_its_status_page_without_the_dashboard(client, auth, app):
    sentra = make_sentra(status="pending")
    db.session.commit()
    page = _page(client, auth, sentra.memberships[0].user, sentra)
    assert "Waiting for the program office" in page
    assert 'id="todo-title"' not in page and "<svg" not in page


def test_a_suspended_sentra_shows_the_reason_without_the_dashboard(client, auth, app):
    sentra = make_sentra(status="suspended")
    sentra.status_reason = "Foto produk menyesatkan"
    db.session.commit()
    page = _page(client, auth, sentra.memberships[0].user, sentra)
    assert "Foto produk menyesatkan" in page
    assert 'id="todo-title"' not in page


def _queries_for_dashboard(client, sentra) -> int:
    with count_queries() as statements:
        assert client.get(f"/kelola/{sentra.slug}/").status_code == 200
    return len(statements)


def _sell(sentra, owner, how_many: int) -> None:
    buyer = make_user()
    variants = [make_product(sentra, variants=[{"stock": 50, "low_stock_threshold": 60}]).variants[0]
                for _ in range(how_many)]
    for i, variant in enumerate(variants):
        order = make_checkout(buyer, [(variant, 1)]).orders[0]
        if i % 2:
            accept_order(order, owner)
        db.session.execute(update(Order).where(Order.id == order.id)
                           .values(created_at=utcnow() - timedelta(days=i % CHART_DAYS)))
    db.session.commit()


def test_the_dashboard_costs_the_same_queries_with_1_or_20_orders(client, auth, app):
    small, big = make_sentra(), make_sentra(OTHER_KELURAHAN)
    db.session.commit()
    _sell(small, small.memberships[0].user, 1)
    _sell(big, big.memberships[0].user, 20)
    auth.login(small.memberships[0].user.email)
    few = _queries_for_dashboard(client, small)
    auth.logout()
    auth.login(big.memberships[0].user.email)
    many = _queries_for_dashboard(client, big)
    assert few == many
    assert db.session.scalar(db.select(db.func.count()).select_from(Variant)
                             .where(Variant.sentra_id == big.id)) == 20
