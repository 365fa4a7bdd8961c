"""Demo data: every demo sentra teaches one or two upcoming classes and lends a facility; seeding again adds none."""
from __future__ import annotations

from collections import Counter

from sqlalchemy import select

from orders.classes.models import ClassStatus, TrainingClass
from orders.facilities.models import Facility
from shop.db import utcnow
from shop.extensions import db
from shop.seed.demo import seed_demo
from shop.sentras.models import Sentra


def test_every_demo_sentra_has_one_or_two_upcoming_classes_and_a_second_seed_adds_none():
    first = seed_demo(with_products=False)
    db.session.commit()
    classes = db.session.scalars(select(TrainingClass)).all()
    per_sentra = Counter(k.sentra_id for k in classes)
    sentras = db.session.scalars(select(Sentra.id)).all()
    assert len(sentras) == 56 and set(per_sentra) == set(sentras)
    assert set(per_sentra.values()) <= {1, 2} and first["classes_created"] == len(classes)
    assert all(k.status == ClassStatus.PUBLISHED and k.starts_at > utcnow() for k in classes)
    assert any(k.audience == "youth" for k in classes) and any(k.price_idr > 0 for k in classes)

    facilities = db.session.scalars(select(Facility)).all()
    assert sorted(f.sentra_id for f in facilities) == sorted(sentras) and first["facilities_created"] == 56

    again = seed_demo(with_products=False)
    assert again["classes_created"] == 0 and again["facilities_created"] == 0
