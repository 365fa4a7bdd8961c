"""The young-people figures of the impact report (issue 20), checked against a seeded March 2025 computed by hand.

Kelurahan 32.75.08.1001 (A) and 32.75.08.1002 (B) are in kecamatan 32.75.08; 32.75.01.1001 (C) is not.
Gen Z is 15-28: for an applicant in the year they applied, for a member in 2025 (the period's last year).

Openings: A posts one on 3 Mar and one on 20 Feb; B one on 10 Mar; C one in January and one on 1 Apr.
-> openings A 1, B 1, C 0; kecamatan 08: 2; city 2.

| person | opening | born | applied | state                 | -> applicant | Gen Z | joined in March |
| Q1     | A, Mar  | 2000 | 5 Mar   | accepted 12 Mar       | A            | yes   | A               |
| Q2     | A, Mar  | 1990 | 6 Mar   | rejected 7 Mar        | A            | no    |                 |
| Q3     | A, Feb  | 2008 | 25 Feb  | accepted 2 Mar        | (February)   |       | A               |
| Q1     | B       | 2000 | 11 Mar  | submitted             | B            | yes   |                 |
| Q4     | B       | 2011 | 12 Mar  | withdrawn             | B            | no 14 |                 |
| Q5     | C, Jan  | 1997 | 20 Mar  | submitted             | C            | yes 28|                 |
| Q6     | C, Jan  | 1996 | 21 Mar  | submitted             | C            | no 29 |                 |
-> applicants A 2, B 2, C 2, kecamatan 08: 3 (Q1 once), city 5; Gen Z A 1, B 1, C 1, kec 08: 1, city 2;
   joined A 2, kecamatan 08: 2, city 2.

Members before 1 April 2025 (the owners joined in 2026: not counted):
A: Q1 (2000), Q3 (2008), M1 (1980), M2 (2010: 15), M3 (no year), M4 (1999, joined 5 Apr: not yet);
B: M5 (2003), M2 (2010); C: M6 (1997: 28).
-> members_gen_z A 3 (Q1, Q3, M2), B 2, C 1, kecamatan 08: 4, city 5.

Payout shares in March: A on 15 Mar Q1 100,000, M1 500,000, M2 0; (A on 28 Feb: Q3 70,000);
B on 20 Mar M2 40,000, M5 200,000; C on 10 Mar M6 30,000 (and on 1 Apr M6 90,000).
-> earning Gen Z A 1 (Q1), B 2, C 1, kecamatan 08: 3, city 4;
   median A 100,000, B 120,000, C 30,000, kecamatan 08 100,000 (40,000 / 100,000 / 200,000),
   kecamatan 01 30,000, city 70,000 (30,000 / 40,000 / 100,000 / 200,000).
"""
from __future__ import annotations

from datetime import date

import pytest

from orders.impact.export import table_csv
from orders.impact.period import Period
from orders.impact.queries import impact_report
from orders.openings.models import JobApplication, Opening
from shop.extensions import db
from shop.sentras.models import SentraMembership
from tests.factories import make_sentra, make_user
from tests.orders.cart_helpers import bearer_for
from tests.orders.impact.test_impact import pay_out, wib

MARCH = Period(date(2025, 3, 1), date(2025, 3, 31))
A, B, C = "32.75.08.1001", "32.75.08.1002", "32.75.01.1001"
NAMES = ("openings", "applicants", "applicants_gen_z", "joined", "members_gen_z", "members_gen_z_earning",
         "median_member_earnings_idr")


def _opening(sentra, created):
    opening = Opening(sentra_id=sentra.id, title="Lowongan", role="production", positions=2,
                      closes_on=date(2025, 4, 30), created_at=created)
    db.session.add(opening)
    db.session.flush()
    return opening


def _apply(opening, person, born, applied, status="submitted", decided=None):
    db.session.add(JobApplication(opening_id=opening.id, sentra_id=opening.sentra_id, applicant_id=person.id,
                                  motivation="Ingin bergabung", birth_year=born, kelurahan_code=A,
                                  phone="+6281234567890", created_at=applied, status=status, decided_at=decided,
                                  answered_at=decided))


def _member(sentra, person, born, joined):
    db.session.add(SentraMembership(sentra_id=sentra.id, user_id=person.id, role="member", birth_year=born,
                                    created_at=joined))


@pytest.fixture
def young():
    a, b, c = (make_sentra(code) for code in (A, B, C))
    oa1, oa2 = _opening(a, wib(2025, 3, 3, 10)), _opening(a, wib(2025, 2, 20, 10))
    ob1 = _opening(b, wib(2025, 3, 10, 10))
    oc0 = _opening(c, wib(2025, 1, 5, 10))
    _opening(c, wib(2025, 4, 1, 10))
    q1, q2, q3, q4, q5, q6 = (make_user() for _ in range(6))
    m1, m2, m3, m4, m5, m6 = (make_user() for _ in range(6))
    _apply(oa1, q1, 2000, wib(2025, 3, 5, 9), "accepted", wib(2025, 3, 12, 9))
    _apply(oa1, q2, 1990, wib(2025, 3, 6, 9), "rejected", wib(2025, 3, 7, 9))
    _apply(oa2, q3, 2008, wib(2025, 2, 25, 9), "accepted", wib(2025, 3, 2, 9))
    _apply(ob1, q1, 2000, wib(2025, 3, 11, 9))
    _apply(ob1, q4, 2011, wib(2025, 3, 12, 9), "withdrawn")
    _apply(oc0, q5, 1997, wib(2025, 3, 20, 9))
    _apply(oc0, q6, 1996, wib(2025, 3, 21, 9))
    _member(a, q1, 2000, wib(2025, 3, 12, 9))
    _member(a, q3, 2008, wib(2025, 3, 2, 9))
    _member(a, m1, 1980, wib(2024, 1, 10, 9))
    _member(a, m2, 2010, wib(2024, 6, 1, 9))
    _member(a, m3, None, wib(2024, 6, 1, 9))
    _member(a, m4, 1999, wib(2025, 4, 5, 9))
    _member(b, m5, 2003, wib(2024, 2, 1, 9))
    _member(b, m2, 2010, wib(2024, 2, 1, 9))
    _member(c, m6, 1997, wib(2024, 2, 1, 9))
    db.session.flush()
    pay_out(a, wib(2025, 3, 15, 10), 600_000, {q1: 100_000, m1: 500_000, m2: 0})
    pay_out(a, wib(2025, 2, 28, 10), 70_000, {q3: 70_000})
    pay_out(b, wib(2025, 3, 20, 10), 240_000, {m2: 40_000, m5: 200_000})
    pay_out(c, wib(2025, 3, 10, 10), 30_000, {m6: 30_000})
    pay_out(c, wib(2025, 4, 1, 10), 90_000, {m6: 90_000})
    db.session.commit()


def _figures(figures) -> tuple:
    return tuple(getattr(figures, name) for name in NAMES)


def test_the_kelurahan_rows_match_the_hand_count(young):
    report = impact_report(MARCH)
    rows = {row.code: _figures(row.figures) for row in report.kelurahan}
    assert rows[A] == (1, 2, 1, 2, 3, 1, 100_000)
    assert rows[B] == (1, 2, 1, 0, 2, 2, 120_000)
    assert rows[C] == (0, 2, 1, 0, 1, 1, 30_000)
    assert rows["32.75.08.1003"] == (0,) * 7


def test_the_kecamatan_and_city_count_each_person_once(young):
    report = impact_report(MARCH)
    kecamatan = {row.code: _figures(row.figures) for row in report.kecamatan}
    assert kecamatan["32.75.08"] == (2, 3, 1, 2, 4, 3, 100_000)
    assert kecamatan["32.75.01"] == (0, 2, 1, 0, 1, 1, 30_000)
    assert _figures(report.city) == (2, 5, 2, 2, 5, 4, 70_000)


def test_gen_z_members_are_counted_by_the_period_end_year():
    sentra = make_sentra(A)
    young_then, older_then = make_user(), make_user()
    _member(sentra, young_then, 1996, wib(2023, 1, 1, 9))  # 28 in 2024, 29 in 2025
    _member(sentra, older_then, 2010, wib(2023, 1, 1, 9))  # 14 in 2024, 15 in 2025
    db.session.commit()
    in_2024 = impact_report(Period(date(2024, 12, 1), date(2024, 12, 31))).city.members_gen_z
    in_2025 = impact_report(Period(date(2025, 1, 1), date(2025, 1, 31))).city.members_gen_z
    assert (in_2024, in_2025) == (1, 1)
    row_2025 = impact_report(Period(date(2025, 1, 1), date(2025, 1, 31)))
    assert row_2025.city.median_member_earnings_idr == 0 and row_2025.city.members_gen_z_earning == 0


def test_the_api_rows_and_the_csv_carry_the_new_figures(young, client):
    admin = make_user(admin=True)
    body = client.get("/api/v1/admin/impact?from=2025-03-01&to=2025-03-31", headers=bearer_for(admin)).get_json()
    assert {name: body["city"][name] for name in NAMES} == dict(zip(NAMES, (2, 5, 2, 2, 5, 4, 70_000), strict=True))
    row = next(r for r in body["kelurahan"] if r["code"] == B)
    assert row["median_member_earnings_idr"] == 120_000 and row["members_gen_z_earning"] == 2
    header = table_csv(impact_report(MARCH), "kecamatan").splitlines()[0]
    assert all(name in header.split(",") for name in NAMES)
