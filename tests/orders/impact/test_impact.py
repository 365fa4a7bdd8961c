"""The program office's impact figures (/admin/dampak, its CSV and /api/v1/admin/impact) for a seeded scenario.

Three active sentras in two kecamatan and a pending one; every order, payout, share and piece of
work is written with a known time, and the expected figures below are counted by hand from it.
"""
from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime, timedelta
from itertools import count

import pytest
from sqlalchemy import select, update

from catalog.products.models import ProductEvent, StockMovement
from orders.b2b.models import Quote, Rfq, RfqComment
from orders.core.models import Checkout, Order, OrderEvent
from orders.impact.period import Period
from orders.impact.queries import impact_report
from orders.ledger.models import Payout, PayoutShare
from orders.shipping.models import Shipment, TrackingEvent
from shop.accounts.tokens import issue_token
from shop.extensions import db
from shop.places.models import Kelurahan
from shop.sentras.models import SentraMembership
from tests.factories import add_member, make_partner, make_product, make_sentra, make_user
from tests.queries import count_queries

_seq = count(1)
KEL_A, KEL_B, KEL_C, KEL_D = "32.75.08.1001", "32.75.08.1002", "32.75.01.1001", "32.75.04.1001"
KEC_AB, KEC_C = "32.75.08", "32.75.01"
MARCH = Period(date(2025, 3, 1), date(2025, 3, 31))


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def wib(*args) -> datetime:
    """A WIB wall-clock time as the UTC instant it is (WIB is UTC+7)."""
    return utc(*args) - timedelta(hours=7)


def place_order(sentra, buyer, when: datetime, total: int, *, status: str = "completed", refunded: int = 0,
                in_bekasi: bool = True, partner=None, checkout: Checkout | None = None) -> Order:
    """An order of ``buyer`` at ``sentra``, in its own checkout or in ``checkout`` (one that split)."""
    n = next(_seq)
    if checkout is None:
        address = {"kelurahan_code": KEL_A} if in_bekasi else {"city": "Jakarta Timur", "postal_code": "13620"}
        checkout = Checkout(buyer_id=buyer.id, idempotency_key=f"impact-{n}", payment_method="bank_transfer",
                            total_idr=total, recipient="Pembeli", phone="081234567890", street="Jl. Melati 5",
                            partner_id=partner.id if partner else None, created_at=when, **address)
        db.session.add(checkout)
        db.session.flush()
    order = Order(number=f"PS-IMP-{n:05d}", checkout_id=checkout.id, sentra_id=sentra.id, buyer_id=buyer.id,
                  status=status, payment_status="paid", payment_method="bank_transfer", delivery_method="pickup",
                  subtotal_idr=total, total_idr=total, refunded_idr=refunded, tracking_code=f"T{n:08d}",
                  partner_id=partner.id if partner else None, created_at=when)
    db.session.add(order)
    db.session.flush()
    return order


def pay_out(sentra, when: datetime, amount: int, shares: dict) -> Payout:
    payout = Payout(sentra_id=sentra.id, amount_idr=amount, bank_name="BJB", account_number="0012345678",
                    account_holder="Sentra", reference=f"TRF-{next(_seq)}", created_at=when)
    payout.shares = [PayoutShare(user_id=user.id, amount_idr=value) for user, value in shares.items()]
    db.session.add(payout)
    db.session.flush()
    return payout


@pytest.fixture
def scenario(app):
    """The seeded month (March 2025, WIB). Returns the people and sentras by name."""
    people = {name: make_user(f"{name}@impact.test") for name in
              ("a0", "a1", "a2", "b0", "b1", "c0", "c1", "d0", "s", "p1", "p2", "p3", "p4", "admin")}
    people["admin"].is_admin = True
    a = make_sentra(KEL_A, owner=people["a0"])
    b = make_sentra(KEL_B, owner=people["b0"])
    c = make_sentra(KEL_C, owner=people["c0"])
    make_sentra(KEL_D, owner=people["d0"], status="pending")
    for sentra, names in ((a, ("a1", "a2", "s")), (b, ("b1",)), (c, ("c1", "s"))):
        for name in names:
            add_member(sentra, people[name])
    db.session.execute(update(SentraMembership).values(created_at=utc(2025, 1, 1)))
    partner = make_partner(people["p3"])

    p1, p2, p3, p4 = (people[n] for n in ("p1", "p2", "p3", "p4"))
    place_order(a, p1, wib(2025, 3, 5, 10), 100_000)
    place_order(a, p1, wib(2025, 3, 20, 10), 50_000, refunded=20_000, status="processing")
    place_order(a, p2, wib(2025, 3, 10, 10), 80_000, in_bekasi=False)
    place_order(b, p2, wib(2025, 2, 10, 10), 40_000, in_bekasi=False)  # before: p2 returns to the kecamatan
    place_order(b, p3, wib(2025, 3, 15, 10), 200_000, partner=partner)
    place_order(c, p3, wib(2025, 3, 31, 23, 30), 30_000)  # the last half hour of the period
    place_order(a, p4, wib(2025, 3, 1, 0, 10), 10_000)  # the first minutes of the period
    place_order(c, p1, wib(2025, 3, 12), 99_000, status="cancelled")
    place_order(c, p1, wib(2025, 3, 13), 98_000, status="expired")
    place_order(c, p1, wib(2025, 3, 14), 97_000, status="pending_payment")
    place_order(c, p4, wib(2025, 4, 1, 0, 30), 96_000)  # just after the period
    place_order(a, p4, wib(2025, 2, 28, 23, 50), 95_000)  # just before it

    pay_out(a, wib(2025, 3, 25), 150_000, {people["a1"]: 60_000, people["a2"]: 0, people["s"]: 40_000})
    pay_out(b, wib(2025, 2, 20), 100_000, {people["b1"]: 50_000})
    pay_out(c, wib(2025, 3, 2), 70_000, {people["s"]: 20_000, people["c1"]: 30_000})

    product_a = make_product(a)
    product_b = make_product(b)
    product_c = make_product(c)
    in_march, in_february = wib(2025, 3, 18), wib(2025, 2, 18)
    db.session.add_all([
        ProductEvent(product_id=product_a.id, sentra_id=a.id, actor_id=people["a1"].id, kind="updated",
                     created_at=in_march),
        ProductEvent(product_id=product_a.id, sentra_id=a.id, actor_id=people["a0"].id, kind="updated",
                     created_at=in_february),
        StockMovement(variant_id=product_b.variants[0].id, sentra_id=b.id, delta=5, stock_after=15, reason="restock",
                      actor_id=people["b1"].id, created_at=in_march),
        StockMovement(variant_id=product_c.variants[0].id, sentra_id=c.id, delta=-1, stock_after=9, reason="order",
                      actor_id=people["c0"].id, created_at=in_march),  # a purchase, not stock work
    ])
    c_order = db.session.scalar(select(Order).where(Order.sentra_id == c.id, Order.status == "completed"))
    db.session.add(OrderEvent(order_id=c_order.id, kind="status", from_status="placed", to_status="processing",
                              actor_id=people["c1"].id, created_at=in_march))
    a_order = db.session.scalar(select(Order).where(Order.sentra_id == a.id).order_by(Order.id))
    shipment = Shipment(order_id=a_order.id, sentra_id=a.id, method="pickup")
    db.session.add(shipment)
    db.session.flush()
    db.session.add(TrackingEvent(shipment_id=shipment.id, status="ready_for_pickup", actor_id=people["s"].id,
                                 created_at=in_march))
    rfq_a = Rfq(partner_id=partner.id, sentra_id=a.id, needed_by=date(2025, 4, 1), recipient="Mitra",
                phone="0812", street="Jl. Mitra 2", kelurahan_code=KEL_A, created_at=wib(2025, 3, 3))
    rfq_b = Rfq(partner_id=partner.id, sentra_id=b.id, needed_by=date(2025, 4, 1), recipient="Mitra",
                phone="0812", street="Jl. Mitra 2", kelurahan_code=KEL_A, created_at=wib(2025, 3, 3))
    db.session.add_all([rfq_a, rfq_b])
    db.session.flush()
    db.session.add_all([
        Quote(rfq_id=rfq_a.id, sentra_id=a.id, valid_until=date(2025, 3, 30), delivery_method="pickup",
              subtotal_idr=1, total_idr=1, created_by_id=people["a2"].id, created_at=in_march),
        RfqComment(rfq_id=rfq_b.id, author_id=people["b0"].id, side="sentra", body="Bisa", created_at=in_march),
        RfqComment(rfq_id=rfq_b.id, author_id=people["p3"].id, side="partner", body="Oke", created_at=in_march),
    ])
    db.session.commit()
    return people


def by_code(rows):
    return {row.code: row.figures for row in rows}


def test_city_totals_are_counted_from_the_scenario(scenario):
    city = impact_report(MARCH).city
    assert (city.active_sentras, city.members, city.active_members) == (3, 9, 6)
    assert (city.earning_members, city.earned_idr, city.payouts, city.paid_out_idr) == (3, 150_000, 2, 220_000)
    assert (city.orders, city.gmv_idr, city.partner_orders, city.partner_gmv_idr) == (6, 450_000, 1, 200_000)
    assert (city.buyers, city.returning_buyers, city.bekasi_buyers) == (4, 4, 3)  # p3 ordered twice in the city
    assert city.bekasi_buyer_share == 0.75


def test_a_kelurahan_row_has_its_own_sentras_figures(scenario):
    a = by_code(impact_report(MARCH).kelurahan)[KEL_A]
    assert (a.active_sentras, a.members, a.active_members, a.earning_members, a.earned_idr) == (1, 4, 3, 2, 100_000)
    assert (a.orders, a.gmv_idr, a.buyers, a.returning_buyers, a.bekasi_buyers) == (4, 220_000, 3, 2, 2)  # p1, p4
    assert (a.payouts, a.paid_out_idr, a.partner_gmv_idr) == (1, 150_000, 0)
    assert a.bekasi_buyer_share == pytest.approx(2 / 3, abs=1e-4)


def test_a_kecamatan_total_counts_people_once_and_returning_buyers_in_its_scope(scenario):
    report = impact_report(MARCH)
    kec = by_code(report.kecamatan)
    assert (kec[KEC_AB].members, kec[KEC_AB].active_members, kec[KEC_AB].active_sentras) == (6, 5, 2)
    assert (kec[KEC_AB].orders, kec[KEC_AB].gmv_idr, kec[KEC_AB].buyers) == (5, 420_000, 4)
    assert (kec[KEC_AB].returning_buyers, kec[KEC_AB].bekasi_buyers) == (3, 3)  # p1 twice, p2 from B, p4 before
    assert (kec[KEC_AB].earning_members, kec[KEC_AB].earned_idr, kec[KEC_AB].paid_out_idr) == (2, 100_000, 150_000)
    assert (kec[KEC_C].members, kec[KEC_C].earning_members, kec[KEC_C].earned_idr) == (3, 2, 50_000)
    assert (kec[KEC_C].orders, kec[KEC_C].buyers, kec[KEC_C].returning_buyers) == (1, 1, 0)


def test_every_one_of_the_56_kelurahan_has_a_row_and_the_others_are_zero(scenario):
    report = impact_report(MARCH)
    codes = [row.code for row in report.kelurahan]
    assert len(codes) == 56 == len(set(codes))
    assert set(codes) == set(db.session.scalars(select(Kelurahan.code)))
    assert len(report.kecamatan) == 12
    figures = by_code(report.kelurahan)
    assert figures[KEL_D].members == 1 and figures[KEL_D].active_sentras == 0  # pending: not active
    for code, row in figures.items():
        if code not in (KEL_A, KEL_B, KEL_C, KEL_D):
            assert set(row.as_dict().values()) == {0}, code


def test_months_are_counted_in_wib(scenario):
    report = impact_report(Period(date(2025, 2, 1), date(2025, 3, 31)))
    months = {m.month: m for m in report.monthly}
    assert list(months) == ["2025-02", "2025-03"]
    assert (months["2025-02"].orders, months["2025-02"].gmv_idr) == (2, 135_000)  # B's and 23:50 on the 28th
    assert (months["2025-03"].orders, months["2025-03"].gmv_idr) == (6, 450_000)
    assert (months["2025-02"].paid_out_idr, months["2025-03"].paid_out_idr) == (100_000, 220_000)
    assert (months["2025-02"].active_members, months["2025-03"].active_members) == (1, 6)


# --- the page and its CSV files --------------------------------------------------------------------------


def login_admin(client, auth):
    auth.login("admin@impact.test")
    client.post("/bahasa", data={"lang": "en"})


def test_the_dashboard_shows_the_city_and_a_map_with_56_points(scenario, client, auth):
    login_admin(client, auth)
    response = client.get("/admin/dampak?from=2025-03-01&to=2025-03-31")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "Rp450,000" in body and "Jatiwaringin" in body
    svg = re.search(r'<svg class="map".*?</svg>', body, re.S).group(0)
    assert len(re.findall(r'<circle class="kel-point', svg)) == 56
    assert len(re.findall(r"<title>", svg)) == 56
    assert svg.count('data-code="') == 56
    assert 'class="chart chart-orders"' in body and "<script" not in body.split("</header>", 1)[-1]


def test_the_dashboard_defaults_to_the_last_30_days(scenario, client, auth):
    login_admin(client, auth)
    response = client.get("/admin/dampak")
    assert response.status_code == 200
    today = datetime.now(UTC) + timedelta(hours=7)
    assert f'value="{today.date().isoformat()}"' in response.get_data(as_text=True)


@pytest.mark.parametrize("query", ["from=2025-3-01&to=2025-03-31", "from=2025-03-31&to=2025-03-01",
                                   "from=2020-01-01&to=2025-01-01"])
def test_the_dashboard_refuses_a_bad_period_with_a_message(scenario, client, auth, query):
    login_admin(client, auth)
    response = client.get(f"/admin/dampak?{query}")
    assert response.status_code == 400
    assert 'role="alert"' in response.get_data(as_text=True)


def read_csv(response) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def test_the_kelurahan_table_downloads_as_csv_with_56_rows(scenario, client, auth):
    login_admin(client, auth)
    response = client.get("/admin/dampak.csv?table=kelurahan&from=2025-03-01&to=2025-03-31")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = read_csv(response)
    assert len(rows) == 56
    a = next(row for row in rows if row["code"] == KEL_A)
    assert (a["orders"], a["gmv_idr"], a["active_members"], a["kecamatan_code"]) == ("4", "220000", "3", KEC_AB)


def test_the_kecamatan_table_downloads_with_the_city_last(scenario, client, auth):
    login_admin(client, auth)
    rows = read_csv(client.get("/admin/dampak.csv?table=kecamatan&from=2025-03-01&to=2025-03-31"))
    assert len(rows) == 13
    assert (rows[-1]["code"], rows[-1]["gmv_idr"], rows[-1]["buyers"]) == ("32.75", "450000", "4")
    assert next(r for r in rows if r["code"] == KEC_AB)["returning_buyers"] == "3"


def test_the_monthly_table_downloads_as_csv(scenario, client, auth):
    login_admin(client, auth)
    rows = read_csv(client.get("/admin/dampak.csv?table=monthly&from=2025-02-01&to=2025-03-31"))
    assert [(r["month"], r["orders"], r["paid_out_idr"]) for r in rows] == [
        ("2025-02", "2", "100000"), ("2025-03", "6", "220000")]


@pytest.mark.parametrize("query", ["table=sentra&from=2025-03-01&to=2025-03-31", "table=kelurahan&from=nope",
                                   "table=monthly&from=2025-03-31&to=2025-03-01"])
def test_a_bad_csv_request_is_a_400(scenario, client, auth, query):
    login_admin(client, auth)
    assert client.get(f"/admin/dampak.csv?{query}").status_code == 400


def test_the_dashboard_is_for_the_office_only(scenario, client, auth):
    assert "/login" in client.get("/admin/dampak").headers["Location"]
    auth.login("a0@impact.test")
    assert client.get("/admin/dampak").status_code == 403
    assert client.get("/admin/dampak.csv?table=kelurahan").status_code == 403


# --- the API ---------------------------------------------------------------------------------------------


def bearer(user) -> dict[str, str]:
    token, _ = issue_token(user, "test", 30)
    db.session.commit()
    return {"Authorization": f"Bearer {token}"}


def test_the_api_returns_the_same_figures_with_56_kelurahan(scenario, client):
    response = client.get("/api/v1/admin/impact?from=2025-03-01&to=2025-03-31", headers=bearer(scenario["admin"]))
    assert response.status_code == 200
    body = response.get_json()
    assert (body["from"], body["to"]) == ("2025-03-01", "2025-03-31")
    assert len(body["kelurahan"]) == 56 and len(body["kecamatan"]) == 12
    a = next(row for row in body["kelurahan"] if row["code"] == KEL_A)
    assert (a["name"], a["kecamatan_code"], a["gmv_idr"], a["earned_idr"]) == ("Jatiwaringin", KEC_AB, 220_000,
                                                                                 100_000)
    assert (body["city"]["gmv_idr"], body["city"]["buyers"], body["city"]["bekasi_buyer_share"]) == (450_000, 4, 0.75)
    assert body["monthly"] == [{"month": "2025-03", "orders": 6, "gmv_idr": 450_000, "active_members": 6,
                                "paid_out_idr": 220_000}]
    money = [key for key in a if key.endswith("_idr")]
    assert sorted(money) == ["earned_idr", "gmv_idr", "median_member_earnings_idr", "paid_out_idr", "partner_gmv_idr",
                             "training_revenue_idr"]


@pytest.mark.parametrize(("query", "code"), [
    ("from=2025-03-01&to=2025-02-30", "invalid_date"),
    ("from=01-03-2025&to=2025-03-31", "invalid_date"),
    ("from=2025-03-31&to=2025-03-01", "reversed_range"),
    ("from=2020-01-01&to=2025-01-01", "range_too_long"),
])
def test_the_api_refuses_a_bad_period_with_a_400(scenario, client, query, code):
    response = client.get(f"/api/v1/admin/impact?{query}", headers=bearer(scenario["admin"]))
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == code and error["fields"]


def test_five_years_exactly_is_allowed(scenario, client):
    response = client.get("/api/v1/admin/impact?from=2020-01-01&to=2024-12-31", headers=bearer(scenario["admin"]))
    assert response.status_code == 200
    assert len(response.get_json()["monthly"]) == 60


def test_the_api_needs_an_admin_token(scenario, client):
    assert client.get("/api/v1/admin/impact").status_code == 401
    response = client.get("/api/v1/admin/impact", headers=bearer(scenario["a0"]))
    assert response.status_code == 403 and response.get_json()["error"]["code"] == "forbidden"


# --- a bounded number of queries -------------------------------------------------------------------------


def busy_sentras(first: int, last: int) -> None:
    """Active sentras in the kelurahan ``first`` to ``last`` (by code), each with two members, three
    buyers' orders, a payout with a share and listing and fulfilment work."""
    codes = list(db.session.scalars(select(Kelurahan.code).order_by(Kelurahan.code)))[first:last]
    for code in codes:
        sentra = make_sentra(code)
        helper = make_user()
        add_member(sentra, helper)
        product = make_product(sentra, actor=helper)
        for day in (3, 9, 15):
            order = place_order(sentra, make_user(), wib(2025, 3, day), 25_000)
            db.session.add(OrderEvent(order_id=order.id, actor_id=helper.id, created_at=wib(2025, 3, day)))
        db.session.add(ProductEvent(product_id=product.id, sentra_id=sentra.id, actor_id=helper.id,
                                    kind="updated", created_at=wib(2025, 3, 4)))
        pay_out(sentra, wib(2025, 3, 20), 50_000, {helper: 20_000})
    db.session.commit()


def queries_for_dashboard_and_api(client, auth) -> tuple[int, int]:
    admin = make_user(admin=True)
    db.session.commit()
    headers = bearer(admin)
    auth.login(admin.email)
    with count_queries() as page:
        assert client.get("/admin/dampak?from=2025-02-01&to=2025-03-31").status_code == 200
    with count_queries() as api:
        assert client.get("/api/v1/admin/impact?from=2025-02-01&to=2025-03-31", headers=headers).status_code == 200
    return len(page), len(api)


def test_the_query_count_does_not_grow_with_the_number_of_sentras(app, client, auth):
    busy_sentras(0, 1)
    one = queries_for_dashboard_and_api(client, auth)
    busy_sentras(1, 3)  # three in all now
    other = app.test_client()
    three = queries_for_dashboard_and_api(other, type(auth)(other))
    assert one == three


def test_the_dashboard_refuses_a_day_past_the_calendars_end_in_indonesian(client, auth):
    admin = make_user(admin=True)
    db.session.commit()
    auth.login(admin.email)
    response = client.get("/admin/dampak?from=9999-12-01&to=9999-12-31")
    assert response.status_code == 400
    assert "Pilih tanggal dari tahun 2000 sampai 2100." in response.get_data(as_text=True)
