"""Applications in the account's data export and deletion (UU PDP): the applicant's own rows.

Deleting an account deletes its applications and their portfolio photos (once the deletion commits).
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select

from orders.openings.models import JobApplication
from shop import storage
from shop.accounts.privacy import Memberships, iso, register_memberships
from shop.extensions import db


def _export(user_id: int) -> list[dict[str, Any]]:
    rows = db.session.scalars(select(JobApplication).where(JobApplication.applicant_id == user_id)
                              .order_by(JobApplication.id))
    return [{"opening": a.opening.title, "sentra": a.opening.sentra.name, "status": a.status,
             "motivation": a.motivation, "skills": list(a.skills), "birth_year": a.birth_year,
             "kelurahan_code": a.kelurahan_code, "phone": a.phone, "portfolio_url": a.portfolio_url,
             "has_portfolio_photo": a.portfolio_key is not None, "trial_at": iso(a.trial_at),
             "trial_note": a.trial_note, "decision_note": a.decision_note, "applied_at": iso(a.created_at),
             "withdrawn_at": iso(a.withdrawn_at)} for a in rows]


def _delete(user_id: int) -> None:
    keys = [key for key in db.session.scalars(select(JobApplication.portfolio_key).where(
        JobApplication.applicant_id == user_id, JobApplication.portfolio_key.is_not(None))) if key]
    db.session.execute(delete(JobApplication).where(JobApplication.applicant_id == user_id))
    storage.delete_after_commit(db.session, keys)


register_memberships(Memberships("job_applications", 30, _export, lambda _user_id: [], _delete))
