"""Openings and applications as services (issue 20): posting, applying once, the sentra's decisions, withdrawal."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from orders.openings import applications
from orders.openings.errors import (
    AlreadyAppliedError,
    ApplicationStateError,
    OpeningClosedError,
    OpeningNotFoundError,
    OpeningValidationError,
)
from orders.openings.models import JobApplication, Opening
from orders.openings.services import OpeningInput, close_opening, post_opening, today_wib
from shop.db import utcnow
from shop.extensions import db
from shop.sentras.models import SentraMembership
from tests.factories import make_sentra, make_user
from tests.orders.openings.helpers import application_input, apply, make_opening


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_closing_date_in_the_past_or_an_unknown_role_is_a_field_error_and_nothing_is_saved():
    sentra = make_sentra()
    owner = sentra.memberships[0].user
    with pytest.raises(OpeningValidationError) as caught:
        post_opening(sentra, owner, OpeningInput(title="Kurir", role="driver", positions=0,
                                                 closes_on=today_wib() - timedelta(days=1)))
    assert set(caught.value.fields) == {"role", "positions", "closes_on"}
    db.session.rollback()
    assert _count(Opening) == 0


def test_skills_are_trimmed_chips_without_repeats():
    opening = make_opening(make_sentra(), skills=[" Menjahit ", "menjahit", "Canva  desain"])
    assert opening.skills == ["Menjahit", "Canva desain"]


def test_an_empty_motivation_and_a_birth_year_outside_1940_to_this_year_are_field_errors():
    opening = make_opening(make_sentra())
    user = make_user()
    for year in (1939, today_wib().year + 1, "2004"):
        with pytest.raises(OpeningValidationError) as caught:
            applications.apply_to_opening(user, opening.id, application_input(motivation="   ", birth_year=year))
        assert set(caught.value.fields) == {"motivation", "birth_year"}
        db.session.rollback()
    assert _count(JobApplication) == 0


def test_a_bad_kelurahan_phone_or_link_is_a_field_error():
    opening = make_opening(make_sentra())
    with pytest.raises(OpeningValidationError) as caught:
        applications.apply_to_opening(make_user(), opening.id, application_input(
            kelurahan_code="31.71.01.1001", phone="12", portfolio_url="javascript:alert(1)"))
    assert set(caught.value.fields) == {"kelurahan_code", "phone", "portfolio_url"}


def test_birth_years_1940_and_this_year_are_accepted_and_the_phone_is_normalised():
    opening = make_opening(make_sentra())
    first = apply(make_user(), opening, birth_year=1940)
    last = apply(make_user(), opening, birth_year=today_wib().year, phone="62 812 3456 7890")
    assert first.birth_year == 1940 and last.phone == "+6281234567890"


def test_a_second_application_to_the_same_opening_is_already_applied():
    opening = make_opening(make_sentra())
    user = make_user()
    apply(user, opening)
    with pytest.raises(AlreadyAppliedError):
        applications.apply_to_opening(user, opening.id, application_input(motivation="Lagi"))
    db.session.rollback()
    assert _count(JobApplication) == 1


def test_a_closed_opening_or_one_past_its_closing_day_takes_no_application():
    sentra = make_sentra()
    closed = make_opening(sentra)
    close_opening(sentra, closed.id)
    past = make_opening(sentra, title="Fotografer")
    past.closes_on = today_wib() - timedelta(days=1)
    db.session.commit()
    for opening in (closed, past):
        with pytest.raises(OpeningClosedError):
            applications.apply_to_opening(make_user(), opening.id, application_input())
        db.session.rollback()
    assert _count(JobApplication) == 0


def test_an_opening_closing_today_still_takes_applications():
    opening = make_opening(make_sentra(), days=0)
    assert apply(make_user(), opening).status == "submitted"


def test_the_phone_reaches_the_sentra_only_after_shortlisting():
    sentra = make_sentra()
    application = apply(make_user(), make_opening(sentra))
    assert not application.phone_visible_to_sentra
    applications.decide(sentra, application.id, "shortlisted", "Kami tertarik.")
    assert application.phone_visible_to_sentra and application.answered_at is not None


def test_a_trial_needs_a_future_time_and_keeps_its_note():
    sentra = make_sentra()
    application = apply(make_user(), make_opening(sentra))
    with pytest.raises(OpeningValidationError) as caught:
        applications.decide(sentra, application.id, "trial", "Datang jam 9", trial_at=utcnow() - timedelta(hours=1))
    assert set(caught.value.fields) == {"trial_at"}
    when = utcnow() + timedelta(days=2)
    applications.decide(sentra, application.id, "trial", "Datang jam 9, bawa contoh karya", trial_at=when)
    assert application.status == "trial" and application.trial_at == when
    assert application.trial_note == "Datang jam 9, bawa contoh karya" and application.phone_visible_to_sentra


def test_accepting_makes_a_membership_with_the_birth_year_without_an_invitation():
    sentra = make_sentra()
    user = make_user()
    application = apply(user, make_opening(sentra), birth_year=2003)
    applications.decide(sentra, application.id, "accepted", "Selamat bergabung!")
    db.session.commit()
    membership = db.session.scalar(select(SentraMembership).where(SentraMembership.sentra_id == sentra.id,
                                                                  SentraMembership.user_id == user.id))
    assert membership.role == "member" and membership.birth_year == 2003
    assert application.decided_at is not None and application.decision_note == "Selamat bergabung!"


def test_a_decided_application_takes_no_other_decision_and_cannot_be_withdrawn():
    sentra = make_sentra()
    user = make_user()
    application = apply(user, make_opening(sentra))
    applications.decide(sentra, application.id, "rejected", "Maaf, posisi sudah terisi.")
    with pytest.raises(ApplicationStateError):
        applications.decide(sentra, application.id, "accepted")
    with pytest.raises(ApplicationStateError):
        applications.withdraw(user, application.id)


def test_shortlisting_twice_is_refused():
    sentra = make_sentra()
    application = apply(make_user(), make_opening(sentra))
    applications.decide(sentra, application.id, "shortlisted")
    with pytest.raises(ApplicationStateError):
        applications.decide(sentra, application.id, "shortlisted")


def test_the_applicant_withdraws_and_the_sentra_can_no_longer_decide():
    sentra = make_sentra()
    user = make_user()
    application = apply(user, make_opening(sentra))
    applications.withdraw(user, application.id)
    assert application.status == "withdrawn" and application.withdrawn_at is not None
    with pytest.raises(ApplicationStateError):
        applications.decide(sentra, application.id, "shortlisted")


def test_applications_are_loaded_by_sentra_and_by_applicant():
    sentra, other = make_sentra("32.75.08.1001"), make_sentra("32.75.01.1001")
    user = make_user()
    application = apply(user, make_opening(sentra))
    with pytest.raises(OpeningNotFoundError):
        applications.decide(other, application.id, "shortlisted")
    with pytest.raises(OpeningNotFoundError):
        applications.withdraw(make_user(), application.id)
    assert application.status == "submitted"
