"""Demo data: six sentras have openings, and demo residents' applications are in every state; seeding again adds none."""
from __future__ import annotations

from sqlalchemy import func, select

from orders.openings.models import JobApplication, Opening
from shop.extensions import db
from shop.seed.demo import seed_demo
from shop.sentras.models import SentraMembership


def test_the_demo_has_openings_and_applications_in_several_states_and_a_second_seed_adds_none():
    first = seed_demo(with_products=False)
    db.session.commit()
    openings = db.session.scalars(select(Opening)).all()
    assert first["openings_created"] == len(openings) == 6
    assert {o.role for o in openings} == {"production", "online_shop_admin", "photography", "design", "courier",
                                          "trainer"}
    states = {a.status for a in db.session.scalars(select(JobApplication))}
    assert states == {"submitted", "shortlisted", "trial", "accepted", "rejected", "withdrawn"}
    accepted = db.session.scalar(select(JobApplication).where(JobApplication.status == "accepted"))
    membership = db.session.scalar(select(SentraMembership).where(
        SentraMembership.sentra_id == accepted.sentra_id, SentraMembership.user_id == accepted.applicant_id))
    assert membership is not None and membership.birth_year == accepted.birth_year

    again = seed_demo(with_products=False)
    db.session.commit()
    assert again["openings_created"] == 0
    assert db.session.scalar(select(func.count()).select_from(JobApplication)) == len(states)
