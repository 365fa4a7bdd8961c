"""The mentoring figures of the impact report (issue 20), per sentra.

Definitions (the README's "Pendampingan" section says the same):

- *mentoring_sessions*: mentoring sessions booked by the sentra whose slot started in the period (and
  has started: a session booked ahead counts once its time comes);
- *mentoring_hours*: the length of those sessions' slots, in hours.

A sentra's sessions count in its kelurahan, that kelurahan's kecamatan and the city; both figures add
up. One grouped statement, whatever the data.
"""
from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import and_, select

from orders.impact.period import Period
from orders.mentoring.models import MentoringSession, MentoringSlot
from shop.db import utcnow
from shop.extensions import db

ADDITIVE = ("mentoring_sessions", "mentoring_hours")


def sums_by_sentra(period: Period) -> Iterator[tuple[int, dict[str, float]]]:
    """(sentra id, {mentoring_sessions, mentoring_hours}) for sentras with a session held in the period."""
    sums: dict[int, dict[str, float]] = {}
    for sentra_id, starts_at, ends_at in db.session.execute(
        select(MentoringSession.sentra_id, MentoringSlot.starts_at, MentoringSlot.ends_at)
        .join(MentoringSlot, MentoringSlot.id == MentoringSession.slot_id)
        .where(and_(MentoringSlot.starts_at >= period.start, MentoringSlot.starts_at < period.end),
               MentoringSlot.starts_at <= utcnow())):
        row = sums.setdefault(sentra_id, dict.fromkeys(ADDITIVE, 0))
        row["mentoring_sessions"] += 1
        row["mentoring_hours"] += (ends_at - starts_at).total_seconds() / 3600
    yield from sums.items()
