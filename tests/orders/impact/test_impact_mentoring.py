"""The mentoring figures of the impact report, checked against a seeded March 2025 computed by hand.

Sessions (slot times in WIB; the booking sentra's kelurahan decides where a session counts):

| sentra | slot                     | hours | in March?                   |
| A      | 3 Mar 09:00-10:30        | 1.5   | yes                         |
| A      | 31 Mar 23:00-1 Apr 00:30 | 1.5   | yes (starts in March)       |
| A      | 28 Feb 23:30-1 Mar 00:30 | 1.0   | no (starts in February)     |
| B      | 10 Mar 13:00-15:00       | 2.0   | yes                         |
| C      | 20 Mar 08:00-08:30       | 0.5   | yes                         |
| C      | 1 Apr 00:00-01:00        | 1.0   | no (April)                  |
| C      | an open slot in March, never booked | - | no (not a session) |

A (Jatiwaringin) and B (Jatibening) lie in Pondokgede (32.75.08), C (Bekasijaya) in Bekasi Timur.
By hand: A 2 sessions / 3.0 h, B 1 / 2.0 h, C 1 / 0.5 h; Pondokgede 3 / 5.0 h; the city 4 / 5.5 h.
"""
from __future__ import annotations

from datetime import date

import pytest

from orders.impact.period import Period
from orders.impact.queries import impact_report
from orders.mentoring.models import MentoringSession, MentoringSlot
from shop.extensions import db
from tests.factories import make_sentra, make_user
from tests.orders.cart_helpers import bearer_for
from tests.orders.impact.test_impact import wib
from tests.orders.mentoring.helpers import make_mentor

MARCH = Period(date(2025, 3, 1), date(2025, 3, 31))
A, B, C = "32.75.08.1001", "32.75.08.1002", "32.75.01.1001"


@pytest.fixture
def mentoring():
    mentor = make_mentor()
    sentras = {code: make_sentra(code) for code in (A, B, C)}
    for code, starts, ends, booked in (
        (A, wib(2025, 3, 3, 9), wib(2025, 3, 3, 10, 30), True),
        (A, wib(2025, 3, 31, 23), wib(2025, 4, 1, 0, 30), True),
        (A, wib(2025, 2, 28, 23, 30), wib(2025, 3, 1, 0, 30), True),
        (B, wib(2025, 3, 10, 13), wib(2025, 3, 10, 15), True),
        (C, wib(2025, 3, 20, 8), wib(2025, 3, 20, 8, 30), True),
        (C, wib(2025, 4, 1, 0), wib(2025, 4, 1, 1), True),
        (C, wib(2025, 3, 21, 8), wib(2025, 3, 21, 9), False),
    ):
        slot = MentoringSlot(mentor_id=mentor.id, starts_at=starts, ends_at=ends, mode="place", place="Balai",
                             status="booked" if booked else "open")
        db.session.add(slot)
        db.session.flush()
        if booked:
            sentra = sentras[code]
            db.session.add(MentoringSession(slot_id=slot.id, mentor_id=mentor.id, sentra_id=sentra.id,
                                            booked_by_id=sentra.memberships[0].user_id, topic="pricing",
                                            question="Harga?"))
    db.session.commit()
    return impact_report(MARCH)


def _mentoring(figures) -> tuple[int, float]:
    return figures.mentoring_sessions, figures.mentoring_hours


def test_each_kelurahan_counts_the_sessions_its_sentra_held_in_the_period(mentoring):
    rows = {row.code: row.figures for row in mentoring.kelurahan}
    assert _mentoring(rows[A]) == (2, 3.0)
    assert _mentoring(rows[B]) == (1, 2.0)
    assert _mentoring(rows[C]) == (1, 0.5)
    assert _mentoring(rows["32.75.04.1001"]) == (0, 0)


def test_the_kecamatan_and_the_city_add_their_kelurahan_up(mentoring):
    kecamatan = {row.code: row.figures for row in mentoring.kecamatan}
    assert _mentoring(kecamatan["32.75.08"]) == (3, 5.0)
    assert _mentoring(kecamatan["32.75.01"]) == (1, 0.5)
    assert _mentoring(mentoring.city) == (4, 5.5)


def test_the_api_the_csv_and_the_dashboard_carry_the_mentoring_figures(mentoring, client, auth):
    admin = make_user("kantor@example.test", admin=True)
    db.session.commit()
    body = client.get("/api/v1/admin/impact?from=2025-03-01&to=2025-03-31", headers=bearer_for(admin)).get_json()
    assert (body["city"]["mentoring_sessions"], body["city"]["mentoring_hours"]) == (4, 5.5)
    row = next(r for r in body["kelurahan"] if r["code"] == A)
    assert (row["mentoring_sessions"], row["mentoring_hours"]) == (2, 3.0)
    auth.login(admin.email)
    csv = client.get("/admin/dampak.csv?table=kecamatan&from=2025-03-01&to=2025-03-31").get_data(as_text=True)
    header, *lines = csv.splitlines()
    columns = header.split(",")
    city = dict(zip(columns, lines[-1].split(","), strict=False))
    assert (city["mentoring_sessions"], city["mentoring_hours"]) == ("4", "5.5")
    page = client.get("/admin/dampak?from=2025-03-01&to=2025-03-31").get_data(as_text=True)
    assert "Sesi pendampingan" in page
