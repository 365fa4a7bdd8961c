"""The office's view of openings and applications per kelurahan, and how long applications wait.

*Waiting*: applications the sentra has not answered yet (submitted, none of shortlist, trial day,
accept or reject); their median and longest wait run until now. *Answered in*: the median time from
applying to the sentra's first answer, over the applications answered so far. Withdrawn applications
that were never answered count in neither. Three statements, whatever the data.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from statistics import median

from sqlalchemy import func, select

from orders.openings.models import ApplicationStatus, JobApplication, Opening, OpeningStatus
from orders.openings.services import today_wib
from shop.extensions import db
from shop.places.models import Kecamatan, Kelurahan
from shop.sentras.models import Sentra


@dataclass
class PlaceOpenings:
    code: str
    name: str
    kecamatan: str
    openings_open: int = 0
    openings: int = 0
    applications: int = 0
    accepted: int = 0
    waiting: int = 0
    waits_days: list[float] = field(default_factory=list)
    answer_days: list[float] = field(default_factory=list)

    @property
    def median_wait_days(self) -> float | None:
        return round(median(self.waits_days), 1) if self.waits_days else None

    @property
    def oldest_wait_days(self) -> float | None:
        return round(max(self.waits_days), 1) if self.waits_days else None

    @property
    def median_answer_days(self) -> float | None:
        return round(median(self.answer_days), 1) if self.answer_days else None


def _days(start: datetime, end: datetime) -> float:
    return (end - start).total_seconds() / 86400


def openings_by_kelurahan(now: datetime) -> tuple[list[PlaceOpenings], PlaceOpenings]:
    """A row per kelurahan with any opening or application (by kecamatan, then code), and the city's row."""
    sentra_place = {sentra_id: code for sentra_id, code in db.session.execute(
        select(Sentra.id, Sentra.kelurahan_code).where(Sentra.kelurahan_code.is_not(None)))}
    places = {code: (name, kec) for code, name, kec in db.session.execute(
        select(Kelurahan.code, Kelurahan.name, Kecamatan.name)
        .join(Kecamatan, Kecamatan.code == Kelurahan.kecamatan_code))}
    rows: dict[str, PlaceOpenings] = {}
    city = PlaceOpenings("32.75", "Kota Bekasi", "")

    def targets(sentra_id: int) -> list[PlaceOpenings]:
        code = sentra_place.get(sentra_id)
        if code is None or code not in places:
            return [city]
        if code not in rows:
            rows[code] = PlaceOpenings(code, *places[code])
        return [rows[code], city]

    today = today_wib()
    for sentra_id, total, live in db.session.execute(
            select(Opening.sentra_id, func.count(),
                   func.count().filter((Opening.status == OpeningStatus.OPEN) & (Opening.closes_on >= today)))
            .group_by(Opening.sentra_id)):
        for row in targets(sentra_id):
            row.openings += total
            row.openings_open += live
    for sentra_id, status, created_at, answered_at in db.session.execute(
            select(JobApplication.sentra_id, JobApplication.status, JobApplication.created_at,
                   JobApplication.answered_at)):
        for row in targets(sentra_id):
            row.applications += 1
            row.accepted += status == ApplicationStatus.ACCEPTED
            if answered_at is not None:
                row.answer_days.append(_days(created_at, answered_at))
            elif status == ApplicationStatus.SUBMITTED:
                row.waiting += 1
                row.waits_days.append(_days(created_at, now))
    return sorted(rows.values(), key=lambda r: (r.kecamatan, r.code)), city
