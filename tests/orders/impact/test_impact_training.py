"""The training figures of the impact report, checked against a seeded March 2025 computed by hand.

Kelurahan 32.75.08.1001 (A) and 32.75.08.1002 (B) are in kecamatan 32.75.08; 32.75.01.1001 (C) is not.

| class | sessions (WIB)       | held in March |
| A1    | 5 Mar                | yes           |
| A2    | 2 Apr                | no            |
| A3    | 10 Mar, cancelled    | no            |
| B1    | 20 Mar and 27 Mar    | yes (once)    |
| C1    | 15 Mar               | yes           |

| person | class | seats | paid   | status          | booked | born | checked in |
| P1     | A1    | 2     | 0      | confirmed       | Mar    | 2005 | 5 Mar      |
| P2     | A1    | 1     | 0      | confirmed       | Mar    | 1990 | 5 Mar      |
| P3     | A1    | 1     | 0      | cancelled       | Mar    |      |            |
| P1     | B1    | 1     | 50,000 | confirmed       | Mar    | 2005 | 20 Mar     |
| P4     | B1    | 3     | 150,000| pending_payment | Mar    |      |            |
| P5     | C1    | 1     | 0      | confirmed       | Mar    | 2012 | 15 Mar     |
| P6     | C1    | 2     | 60,000 | confirmed       | Feb    |      |            |
| P7     | C1    | 1     | 0      | confirmed       | Mar    |      | 15 Mar     |

Gen Z is 15-28 in the year attended: P1 (20) is; P2 (35) and P5 (13) are not; P7 gave no year.
Certificates are issued on 31 March to the five check-ins (A: 2, B: 1, C: 2).
"""
from __future__ import annotations

from datetime import date
from itertools import count

import pytest
from sqlalchemy import select

from orders.classes.certificates import issue_certificates
from orders.classes.models import ClassAttendance, ClassBooking, ClassSession, TrainingClass
from orders.facilities.models import Facility, FacilityBooking
from orders.impact.period import Period
from orders.impact.queries import impact_report
from shop.extensions import db
from shop.sentras.models import Sentra
from tests.factories import make_sentra, make_user
from tests.orders.cart_helpers import bearer_for
from tests.orders.impact.test_impact import wib

_codes = count(1)
MARCH = Period(date(2025, 3, 1), date(2025, 3, 31))
A, B, C = "32.75.08.1001", "32.75.08.1002", "32.75.01.1001"


def _class(sentra, sessions, *, status="published", price=0):
    klass = TrainingClass(sentra_id=sentra.id, title="Kelas", subsector_code="kriya", location="Sentra",
                          capacity=20, seats_taken=0, price_idr=price, status=status,
                          starts_at=sessions[0][0], ends_at=sessions[-1][1],
                          sessions=[ClassSession(starts_at=s, ends_at=e) for s, e in sessions])
    db.session.add(klass)
    db.session.flush()
    return klass


def _day(month, day):
    return [(wib(2025, month, day, 9), wib(2025, month, day, 12))]


def _book(klass, person, seats, *, total=0, status="confirmed", booked=None, born=None, attended=None):
    booking = ClassBooking(
        class_id=klass.id, sentra_id=klass.sentra_id, buyer_id=person.id, idempotency_key=f"k{klass.id}-{person.id}",
        seats=seats, total_idr=total, status=status, code=f"C{next(_codes):05d}",
        birth_year=born, created_at=booked or wib(2025, 3, 1, 10), attended_at=attended,
        attendances=[ClassAttendance(session_id=s.id, checked_in_at=attended) for s in klass.sessions] if attended
        else [])
    db.session.add(booking)


@pytest.fixture
def training():
    sentras = {code: make_sentra(code) for code in (A, B, C)}
    a1 = _class(sentras[A], _day(3, 5))
    _class(sentras[A], _day(4, 2))
    _class(sentras[A], _day(3, 10), status="cancelled")
    b1 = _class(sentras[B], _day(3, 20) + _day(3, 27), price=50_000)
    c1 = _class(sentras[C], _day(3, 15), price=30_000)
    p1, p2, p3, p4, p5, p6, p7 = (make_user() for _ in range(7))
    _book(a1, p1, 2, born=2005, attended=wib(2025, 3, 5, 9))
    _book(a1, p2, 1, born=1990, attended=wib(2025, 3, 5, 9))
    _book(a1, p3, 1, status="cancelled")
    _book(b1, p1, 1, total=50_000, born=2005, attended=wib(2025, 3, 20, 9))
    _book(b1, p4, 3, total=150_000, status="pending_payment")
    _book(c1, p5, 1, born=2012, attended=wib(2025, 3, 15, 9))
    _book(c1, p6, 2, total=60_000, booked=wib(2025, 2, 25, 10))
    _book(c1, p7, 1, attended=wib(2025, 3, 15, 9))
    db.session.flush()
    assert issue_certificates(wib(2025, 3, 31, 12)) == 5
    db.session.commit()
    return impact_report(MARCH)


def _training(figures):
    return (figures.classes_held, figures.seats_booked, figures.people_trained, figures.genz_trained,
            figures.certificates_issued, figures.training_revenue_idr)


def test_each_kelurahan_counts_its_own_classes_seats_people_and_revenue(training):
    rows = {row.code: row.figures for row in training.kelurahan}
    assert _training(rows[A]) == (1, 3, 2, 1, 2, 0)
    assert _training(rows[B]) == (1, 1, 1, 1, 1, 50_000)
    assert _training(rows[C]) == (1, 2, 2, 0, 2, 0)
    assert _training(rows["32.75.04.1001"]) == (0, 0, 0, 0, 0, 0)


def test_a_person_trained_in_two_kelurahan_counts_once_in_the_kecamatan_and_the_city(training):
    kecamatan = {row.code: row.figures for row in training.kecamatan}
    assert _training(kecamatan["32.75.08"]) == (2, 4, 2, 1, 3, 50_000)
    assert _training(training.city) == (3, 6, 4, 1, 5, 50_000)


def test_facility_hours_count_confirmed_bookings_by_members_and_by_others(training):
    """A: a member 2 h and a resident 1.5 h in March; a block, a cancelled booking and an April one do not count."""
    sentra = db.session.scalar(select(Sentra).where(Sentra.kelurahan_code == A))
    facility = Facility(sentra_id=sentra.id, name="Mesin Jahit", units=5)
    db.session.add(facility)
    db.session.flush()
    member, resident = make_user(), make_user()
    for user, by_member, starts, ends, kind, status in (
        (member, True, wib(2025, 3, 3, 9), wib(2025, 3, 3, 11), "booking", "confirmed"),
        (resident, False, wib(2025, 3, 4, 9), wib(2025, 3, 4, 10, 30), "booking", "confirmed"),
        (resident, False, wib(2025, 3, 5, 9), wib(2025, 3, 5, 12), "booking", "cancelled"),
        (member, True, wib(2025, 3, 6, 9), wib(2025, 3, 6, 12), "maintenance", "confirmed"),
        (member, True, wib(2025, 4, 1, 9), wib(2025, 4, 1, 12), "booking", "confirmed"),
    ):
        db.session.add(FacilityBooking(facility_id=facility.id, sentra_id=sentra.id, user_id=user.id,
                                       idempotency_key=f"f{starts.isoformat()}{user.id}", kind=kind, status=status,
                                       starts_at=starts, ends_at=ends, by_member=by_member))
    db.session.commit()
    report = impact_report(MARCH)
    row = {r.code: r.figures for r in report.kelurahan}[A]
    assert (row.facility_hours_members, row.facility_hours_others) == (2.0, 1.5)
    assert (report.city.facility_hours_members, report.city.facility_hours_others) == (2.0, 1.5)


def test_the_api_and_the_dashboard_carry_the_training_figures(training, client, auth):
    admin = make_user("kantor@example.test", admin=True)
    db.session.commit()
    body = client.get("/api/v1/admin/impact?from=2025-03-01&to=2025-03-31", headers=bearer_for(admin)).get_json()
    assert (body["city"]["classes_held"], body["city"]["people_trained"], body["city"]["genz_trained"]) == (3, 4, 1)
    auth.login(admin.email)
    page = client.get("/admin/dampak?from=2025-03-01&to=2025-03-31").get_data(as_text=True)
    assert "Kelas terselenggara" in page
