"""Office staff saving one kelurahan's survey at the same moment get consecutive versions, none lost
(real parallel connections on PostgreSQL)."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from shop.accounts.models import User
from shop.extensions import db
from shop.places import surveys
from shop.places.models import Kelurahan, KelurahanSurvey
from tests.factories import make_user

pytestmark = pytest.mark.postgres_only

SAVERS = 8
KEL = "32.75.08.1001"


def test_simultaneous_saves_become_consecutive_versions(app):
    user_ids = [make_user(admin=True).id for _ in range(SAVERS)]
    db.session.commit()
    barrier = threading.Barrier(SAVERS)
    errors: list[BaseException] = []

    def save(user_id: int) -> None:
        with app.app_context():
            try:
                user = db.session.get(User, user_id)
                kelurahan = db.session.get(Kelurahan, KEL)
                barrier.wait(timeout=30)
                surveys.save_survey(kelurahan, surveys.SurveyInput(notes=f"oleh {user_id}"), user)
                db.session.commit()
            except BaseException as error:  # noqa: BLE001 - reported by the assertion below
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=save, args=(uid,)) for uid in user_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    rows = db.session.execute(select(KelurahanSurvey.version, KelurahanSurvey.notes)
                              .order_by(KelurahanSurvey.version)).all()
    assert [version for version, _ in rows] == list(range(1, SAVERS + 1))
    assert sorted(notes for _, notes in rows) == sorted(f"oleh {uid}" for uid in user_ids)
