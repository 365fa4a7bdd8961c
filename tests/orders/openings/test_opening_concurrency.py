"""One application per opening and one final decision per application, with real parallel connections on PostgreSQL."""
from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import func, select

from orders.openings import applications
from orders.openings.errors import AlreadyAppliedError, ApplicationStateError
from orders.openings.models import JobApplication, Opening
from shop.accounts.models import User
from shop.extensions import db
from shop.sentras.models import Sentra, SentraMembership
from tests.concurrency import race
from tests.factories import make_sentra, make_user
from tests.orders.openings.helpers import application_input, apply, make_opening

pytestmark = pytest.mark.postgres_only

ATTEMPTS = 12


def test_twelve_simultaneous_applications_of_one_person_make_one(app):
    opening = make_opening(make_sentra())
    user_id, opening_id = make_user().id, opening.id
    db.session.commit()

    def attempt() -> None:
        applications.apply_to_opening(db.session.get(User, user_id), opening_id, application_input())

    assert race(app, [attempt] * ATTEMPTS, AlreadyAppliedError) == (1, ATTEMPTS - 1)
    assert db.session.scalar(select(func.count()).select_from(JobApplication)) == 1


def test_accepting_and_rejecting_at_once_leaves_one_decision_and_at_most_one_membership(app):
    sentra = make_sentra()
    application = apply(make_user(), make_opening(sentra))
    sentra_id, application_id, applicant_id = sentra.id, application.id, application.applicant_id

    def decision(choice: str) -> Callable[[], None]:
        def attempt() -> None:
            applications.decide(db.session.get(Sentra, sentra_id), application_id, choice, "")
        return attempt

    attempts = [decision("accepted" if i % 2 else "rejected") for i in range(ATTEMPTS)]
    assert race(app, attempts, ApplicationStateError) == (1, ATTEMPTS - 1)
    db.session.expire_all()
    final = db.session.get(JobApplication, application_id).status
    members = db.session.scalar(select(func.count()).select_from(SentraMembership).where(
        SentraMembership.sentra_id == sentra_id, SentraMembership.user_id == applicant_id))
    assert (final, members) in {("accepted", 1), ("rejected", 0)}


def test_accepting_the_last_places_at_once_still_closes_the_opening(app):
    """Each acceptance counts the opening's accepted applicants under the opening's row lock, so six managers
    accepting at once cannot each count only their own and leave the filled opening open."""
    sentra = make_sentra()
    opening = make_opening(sentra, positions=2)
    ids = [apply(make_user(), opening).id for _ in range(6)]
    sentra_id, opening_id = sentra.id, opening.id

    def accept(application_id: int) -> Callable[[], None]:
        def attempt() -> None:
            applications.decide(db.session.get(Sentra, sentra_id), application_id, "accepted", "")
        return attempt

    assert race(app, [accept(i) for i in ids], ApplicationStateError) == (6, 0)
    db.session.expire_all()
    assert db.session.get(Opening, opening_id).status == "closed"
