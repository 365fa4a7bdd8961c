"""Invoice numbers: one gapless sequence per sentra and year, INV/<SLUG>/<YYYY>/<NNNN>."""
from __future__ import annotations

from datetime import UTC, datetime

from orders.b2b import invoices
from shop.extensions import db
from tests.factories import make_sentra
from tests.orders.b2b.b2b_helpers import partner_team
from tests.orders.b2b.papers_helpers import accepted_order


def _numbers(sentra, team, count):
    return [accepted_order(sentra=sentra, team=team, lines=1).invoice.number for _ in range(count)]


def test_a_sentras_invoices_are_numbered_one_after_another(app):
    sentra = make_sentra()
    team = partner_team(threshold=None)
    year = invoices.today_wib().year
    slug = sentra.slug.upper()
    assert _numbers(sentra, team, 3) == [f"INV/{slug}/{year}/0001", f"INV/{slug}/{year}/0002",
                                         f"INV/{slug}/{year}/0003"]


def test_two_sentras_count_independently(app):
    first, second = make_sentra("32.75.08.1001"), make_sentra("32.75.01.1001")
    team = partner_team(threshold=None)
    a1 = accepted_order(sentra=first, team=team).invoice
    b1 = accepted_order(sentra=second, team=team).invoice
    a2 = accepted_order(sentra=first, team=team).invoice
    assert (a1.sequence, b1.sequence, a2.sequence) == (1, 1, 2)
    assert a1.number.startswith(f"INV/{first.slug.upper()}/") and b1.number.startswith(f"INV/{second.slug.upper()}/")


def test_a_new_year_starts_again_at_one_in_wib(app, monkeypatch):
    sentra = make_sentra()
    team = partner_team(threshold=None)
    # 31 Dec 2026 16:59 UTC is 23:59 WIB; 17:00 UTC is already 1 Jan 2027 in Bekasi.
    monkeypatch.setattr(invoices, "utcnow", lambda: datetime(2026, 12, 31, 16, 59, tzinfo=UTC))
    last_of_2026 = _numbers(sentra, team, 2)
    monkeypatch.setattr(invoices, "utcnow", lambda: datetime(2026, 12, 31, 17, 0, tzinfo=UTC))
    first_of_2027 = _numbers(sentra, team, 1)
    slug = sentra.slug.upper()
    assert last_of_2026 == [f"INV/{slug}/2026/0001", f"INV/{slug}/2026/0002"]
    assert first_of_2027 == [f"INV/{slug}/2027/0001"]


def test_a_rolled_back_invoice_gives_its_number_back(app):
    sentra = make_sentra()
    team = partner_team(threshold=None)
    db.session.commit()
    year = invoices.today_wib().year
    assert invoices.next_sequence(sentra.id, year) == 1
    db.session.rollback()
    first = accepted_order(sentra=sentra, team=team).invoice
    assert first.sequence == 1
