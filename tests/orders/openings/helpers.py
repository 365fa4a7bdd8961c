"""Factories for the openings tests: openings and applications through the real services."""
from __future__ import annotations

from datetime import timedelta

from orders.openings.applications import ApplicationInput, apply_to_opening
from orders.openings.services import OpeningInput, post_opening, today_wib
from shop.accounts.models import User
from shop.extensions import db


def make_opening(sentra, actor: User | None = None, *, title: str = "Asisten Produksi Batik", role: str = "production",
                 positions: int = 2, days: int = 14, skills=("menjahit", "membatik"), **extra):
    actor = actor or sentra.memberships[0].user
    opening = post_opening(sentra, actor, OpeningInput(
        title=title, role=role, description="Membantu produksi batik tulis.", skills=list(skills),
        positions=positions, closes_on=today_wib() + timedelta(days=days), **extra))
    db.session.commit()
    return opening


def application_input(**overrides) -> ApplicationInput:
    values = {"motivation": "Saya suka membatik dan ingin belajar.", "skills": ["membatik"], "birth_year": 2004,
              "kelurahan_code": "32.75.08.1001", "phone": "0812-3456-7890"}
    values.update(overrides)
    return ApplicationInput(**values)


def apply(user: User, opening, **overrides):
    application = apply_to_opening(user, opening.id, application_input(**overrides))
    db.session.commit()
    return application
