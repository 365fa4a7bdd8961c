"""What the programme office reads about mentoring: sessions per sentra and per mentor, and the
active sentras with no session in the last 90 days. Each is one grouped query."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from orders.mentoring.models import Mentor, MentoringSession, MentoringSlot
from shop.db import utcnow
from shop.extensions import db
from shop.sentras.models import Sentra, SentraStatus

QUIET_DAYS = 90


@dataclass(frozen=True)
class Tally:
    id: int
    name: str
    sessions: int  # held: started already
    upcoming: int
    last_at: datetime | None


def sessions_per_sentra(now: datetime | None = None) -> list[Tally]:
    return _per(Sentra, MentoringSession.sentra_id, now or utcnow())


def sessions_per_mentor(now: datetime | None = None) -> list[Tally]:
    return _per(Mentor, MentoringSession.mentor_id, now or utcnow())


def _per(model, column, now: datetime) -> list[Tally]:
    held = MentoringSlot.starts_at <= now
    rows = db.session.execute(
        select(model.id, model.name, func.count().filter(held), func.count().filter(~held),
               func.max(MentoringSlot.starts_at).filter(held))
        .select_from(MentoringSession).join(MentoringSlot, MentoringSlot.id == MentoringSession.slot_id)
        .join(model, model.id == column)
        .group_by(model.id, model.name).order_by(func.count().desc(), model.name))
    return [Tally(*row) for row in rows]


def quiet_sentras(now: datetime | None = None, days: int = QUIET_DAYS) -> list[Sentra]:
    """Active sentras with no session held in the last ``days`` days (none booked ahead counts either)."""
    now = now or utcnow()
    recent = (select(MentoringSession.sentra_id).join(MentoringSlot, MentoringSlot.id == MentoringSession.slot_id)
              .where(MentoringSlot.starts_at > now - timedelta(days=days), MentoringSlot.starts_at <= now))
    return list(db.session.scalars(select(Sentra).where(Sentra.status == SentraStatus.ACTIVE,
                                                        Sentra.id.not_in(recent)).order_by(Sentra.name)))


def all_sessions(page: int, per_page: int) -> tuple[list[MentoringSession], int]:
    total = db.session.scalar(select(func.count(MentoringSession.id)))
    items = db.session.scalars(select(MentoringSession).join(MentoringSlot)
                               .order_by(MentoringSlot.starts_at.desc(), MentoringSession.id.desc())
                               .offset((page - 1) * per_page).limit(per_page))
    return list(items), int(total or 0)
