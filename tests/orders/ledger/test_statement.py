"""The sentra's statement: every entry oldest first with the running balance, by WIB days, as CSV too."""
from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import pytest

from orders.ledger import payouts, statements
from orders.ledger.services import balance_idr, post
from shop.extensions import db
from shop.sentras.models import Role
from tests.factories import add_member, make_sentra, make_user
from tests.orders.ledger.ledger_helpers import completed_order


def _at(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


@pytest.fixture
def dated():
    """Four entries: +10.000 on 30 Apr, -3.000 on 1 May 23:30 WIB (16:30 UTC), +5.000 on 2 May 00:30 WIB
    (1 May 17:30 UTC), -1.000 on 3 May."""
    sentra = make_sentra()
    for key, when, credit, debit in [("a", _at(2024, 4, 30, 3), 10_000, 0), ("b", _at(2024, 5, 1, 16, 30), 0, 3_000),
                                     ("c", _at(2024, 5, 1, 17, 30), 5_000, 0), ("d", _at(2024, 5, 3, 3), 0, 1_000)]:
        post(sentra.id, "adjustment", f"adjustment:{key}", credit_idr=credit, debit_idr=debit, created_at=when,
             note=f"entry {key}")
    db.session.commit()
    return sentra


def test_every_entry_shows_oldest_first_with_the_balance_after_it(dated):
    result = statements.statement(dated.id)
    assert [(r.note, r.credit_idr, r.debit_idr, r.balance_idr) for r in result.rows] == [
        ("entry a", 10_000, 0, 10_000), ("entry b", 0, 3_000, 7_000), ("entry c", 5_000, 0, 12_000),
        ("entry d", 0, 1_000, 11_000)]
    assert (result.opening_idr, result.closing_idr) == (0, 11_000) == (0, balance_idr(dated.id))


def test_a_date_range_counts_whole_wib_days_and_opens_with_the_balance_before_it(dated):
    result = statements.statement(dated.id, date(2024, 5, 1), date(2024, 5, 1))
    assert [r.note for r in result.rows] == ["entry b"]  # 23:30 WIB on 1 May; 00:30 WIB on 2 May is the next day
    assert (result.opening_idr, result.rows[0].balance_idr, result.closing_idr) == (10_000, 7_000, 7_000)
    assert [r.note for r in statements.statement(dated.id, from_date=date(2024, 5, 2)).rows] == ["entry c", "entry d"]
    assert [r.note for r in statements.statement(dated.id, to_date=date(2024, 4, 30)).rows] == ["entry a"]


def test_a_reversed_range_is_a_400(dated):
    with pytest.raises(statements.InvalidDateRangeError) as caught:
        statements.statement(dated.id, date(2024, 5, 3), date(2024, 5, 1))
    assert caught.value.status == 400


def test_a_later_page_carries_the_running_balance_of_the_pages_before(dated):
    second = statements.statement(dated.id, page=2, per_page=3)
    assert (second.pages, second.has_prev, second.has_next) == (2, True, False)
    assert [(r.note, r.balance_idr) for r in second.rows] == [("entry d", 11_000)]
    assert statements.statement(dated.id, page=99, per_page=3).page == 2  # past the end: the last page


def test_the_statement_lists_only_the_sentras_own_entries(dated):
    other = make_sentra("32.75.01.1001")
    post(other.id, "adjustment", "adjustment:other", credit_idr=99_000)
    db.session.commit()
    assert len(statements.statement(dated.id).rows) == 4


def test_the_csv_has_every_entry_with_the_running_balance_in_wib(dated):
    rows = list(csv.DictReader(io.StringIO(statements.statement_csv(dated.id))))
    assert list(rows[0]) == list(statements.STATEMENT_COLUMNS)
    assert [(r["date_wib"], r["credit_idr"], r["debit_idr"], r["balance_idr"]) for r in rows] == [
        ("2024-04-30 10:00", "10000", "0", "10000"), ("2024-05-01 23:30", "0", "3000", "7000"),
        ("2024-05-02 00:30", "5000", "0", "12000"), ("2024-05-03 10:00", "0", "1000", "11000")]


def test_members_download_the_statement_with_order_numbers_and_payouts(client, auth):
    sentra = make_sentra()
    member = add_member(sentra, make_user("member@example.test"), Role.MEMBER).user
    order = completed_order(sentra, price=50_000, quantity=2)
    sentra.bank_name, sentra.bank_account_number, sentra.bank_account_holder = "BRI", "0123456789", "Sentra"
    payouts.record_payout(sentra, make_user(admin=True), 45_000, "TRF-55")
    db.session.commit()
    auth.login(member.email)
    response = client.get(f"/kelola/{sentra.slug}/keuangan.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [(r["kind"], r["order_number"], r["payout_reference"], r["balance_idr"]) for r in rows] == [
        ("order_credit", order.number, "", "95000"), ("payout", "", "TRF-55", "50000")]


def test_the_statement_page_shows_the_balance_and_links_orders(client, auth):
    sentra = make_sentra()
    order = completed_order(sentra, price=50_000, quantity=2)
    auth.login(sentra.memberships[0].user.email)
    client.post("/bahasa", data={"lang": "en"})
    page = client.get(f"/kelola/{sentra.slug}/keuangan")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Rp95,000" in text and f"/kelola/{sentra.slug}/pesanan/{order.number}" in text


def test_the_statement_page_filters_by_dates_and_refuses_a_reversed_range(client, auth, dated):
    auth.login(dated.memberships[0].user.email)
    page = client.get(f"/kelola/{dated.slug}/keuangan?from=2024-05-02&to=2024-05-03")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert [note in text for note in ("entry a", "entry b", "entry c", "entry d")] == [False, False, True, True]
    assert client.get(f"/kelola/{dated.slug}/keuangan?from=2024-05-03&to=2024-05-01").status_code == 400
    assert client.get(f"/kelola/{dated.slug}/keuangan?from=kemarin").status_code == 400
    assert client.get(f"/kelola/{dated.slug}/keuangan.csv?from=2024-05-03&to=2024-05-01").status_code == 400


def test_the_csv_of_a_range_holds_that_range_only(client, auth, dated):
    auth.login(dated.memberships[0].user.email)
    response = client.get(f"/kelola/{dated.slug}/keuangan.csv?from=2024-05-01&to=2024-05-01")
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [(r["note"], r["balance_idr"]) for r in rows] == [("entry b", "7000")]


def test_someone_outside_the_sentra_gets_404(client, auth, dated):
    make_user("stranger@example.test")
    db.session.commit()
    auth.login("stranger@example.test")
    assert client.get(f"/kelola/{dated.slug}/keuangan").status_code == 404
    assert client.get(f"/kelola/{dated.slug}/keuangan.csv").status_code == 404
