"""Demo data: two mentors with slots to come and past sessions with notes; seeding again adds nothing."""
from __future__ import annotations

from sqlalchemy import func, select

from orders.mentoring.models import Mentor, MentoringSession, MentoringSlot
from orders.mentoring.services import SlotFilters, open_slots
from shop.extensions import db
from shop.seed.demo import seed_demo


def test_two_demo_mentors_with_future_slots_and_past_sessions_and_a_second_seed_adds_nothing():
    first = seed_demo(with_products=False)
    db.session.commit()
    mentors = db.session.scalars(select(Mentor).order_by(Mentor.email)).all()
    assert [m.email for m in mentors] == ["mentor.fajar@pasarsentra.test", "mentor.ratna@pasarsentra.test"]
    assert all(m.user_id is not None and m.active for m in mentors)
    slots, total = open_slots(SlotFilters())
    assert total == 8 and {s.mentor_id for s in slots} == {m.id for m in mentors}
    sessions = db.session.scalars(select(MentoringSession)).all()
    assert len(sessions) == 4 and all(s.notes and s.actions for s in sessions)
    assert any(a.done_at for s in sessions for a in s.actions) and any(not a.done_at for s in sessions
                                                                        for a in s.actions)
    assert first["mentoring_created"] == 2 + 8 + 4 * 2
    counts = (db.session.scalar(select(func.count(MentoringSlot.id))),
              db.session.scalar(select(func.count(MentoringSession.id))))
    again = seed_demo(with_products=False)
    db.session.commit()
    assert again["mentoring_created"] == 0
    assert (db.session.scalar(select(func.count(MentoringSlot.id))),
            db.session.scalar(select(func.count(MentoringSession.id)))) == counts
