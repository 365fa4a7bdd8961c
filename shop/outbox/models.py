"""The outbox table: one row per piece of background work."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from shop.db import utcnow
from shop.extensions import db


class OutboxJob(db.Model):
    __tablename__ = "outbox"
    __table_args__ = (
        # The worker's question: which undone jobs are due?
        Index("ix_outbox_due", "done_at", "run_after"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(60))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    run_after: Mapped[datetime] = mapped_column(default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # A lease: while it lies in the future one worker owns the job; a crashed
    # worker's job becomes due again once it passes.
    locked_until: Mapped[datetime | None]
    done_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)

    def __repr__(self) -> str:
        return f"<OutboxJob {self.id} {self.kind} attempts={self.attempts}>"
