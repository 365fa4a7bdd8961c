"""Races between applications, with real parallel connections on PostgreSQL."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from shop.accounts.models import User
from shop.extensions import db
from shop.sentras.models import Sentra, SentraMembership
from shop.sentras.services import KelurahanTakenError, SentraProfile, apply_for_sentra
from tests.factories import make_user

pytestmark = pytest.mark.postgres_only

APPLICANTS = 12
KELURAHAN = "32.75.08.1001"


def test_many_simultaneous_applications_for_one_kelurahan_create_exactly_one_sentra(app):
    user_ids = [make_user().id for _ in range(APPLICANTS)]
    db.session.commit()
    barrier = threading.Barrier(APPLICANTS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def apply(user_id: int) -> None:
        with app.app_context():
            user = db.session.get(User, user_id)
            profile = SentraProfile(
                name=f"Sentra {user_id}", description="Cerita", whatsapp="+6281234567890",
                address="Jl. Contoh 1", opening_hours=None, subsector_codes=("kriya",),
            )
            barrier.wait(timeout=30)
            try:
                apply_for_sentra(user, KELURAHAN, profile)
                db.session.commit()
                outcome = "created"
            except KelurahanTakenError:
                db.session.rollback()
                outcome = "taken"
            finally:
                db.session.remove()
            with lock:
                outcomes.append(outcome)

    threads = [threading.Thread(target=apply, args=(uid,)) for uid in user_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes) == ["created"] + ["taken"] * (APPLICANTS - 1)
    assert db.session.scalar(select(func.count(Sentra.id)).where(Sentra.kelurahan_code == KELURAHAN)) == 1
    assert db.session.scalar(select(func.count(SentraMembership.id))) == 1

