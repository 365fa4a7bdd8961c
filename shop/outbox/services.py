"""Enqueue background work with the change that causes it; drain it in the worker.

A handler is a plain function of the job's payload, registered by kind in a dict; a
periodic task (expire payments, complete delivered orders...) is a function of nothing that
the worker runs about once a minute, registered per app. Each package registers its own
(``catalog.worker``, ``orders.worker``); the composition root (``shop.cli``) calls them.
Handlers must be idempotent: a job may run again after a crash, a lost lease or a
retry, so running it twice must leave the same state as running it once.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from flask import Flask
from sqlalchemy import insert, or_, select, update

from shop.db import utcnow
from shop.extensions import db
from shop.outbox.after_request import note_enqueued
from shop.outbox.models import OutboxJob

log = logging.getLogger(__name__)

Handler = Callable[[dict[str, Any]], None]
HANDLERS: dict[str, Handler] = {}
PERIODIC_EXTENSION = "worker_periodic"  # app.extensions key: the app's periodic tasks, in order

LEASE = timedelta(minutes=5)  # a job running longer than this may be taken by another worker
BACKOFF_BASE = timedelta(seconds=30)
BACKOFF_MAX = timedelta(hours=1)
ERROR_CHARS = 2000


class UnknownJobKindError(LookupError):
    """A job of a kind no handler is registered for (kept and retried: a later deploy may know it)."""


class PermanentJobError(Exception):
    """Raised by a handler when trying again cannot help (e.g. an API refused the request with a 4xx).

    The job is closed as failed: its work is rolled back, ``done_at`` is set and the error is kept
    in ``last_error`` (a failed job is one that is done with an error), and it is never retried.
    """


def register(kind: str) -> Callable[[Handler], Handler]:
    """Register ``fn(payload)`` as the handler of jobs of ``kind`` (the last registration wins)."""

    def decorator(fn: Handler) -> Handler:
        HANDLERS[kind] = fn
        return fn

    return decorator


def add_periodic(app: Flask, *tasks: Callable[[], object]) -> None:
    """Have the worker of ``app`` run ``tasks`` about once a minute, after those added before."""
    app.extensions.setdefault(PERIODIC_EXTENSION, []).extend(tasks)


def periodic_tasks(app: Flask) -> list[Callable[[], object]]:
    """The periodic tasks registered for ``app``, in the order they run."""
    return app.extensions.get(PERIODIC_EXTENSION, [])


def enqueue(kind: str, payload: dict[str, Any], run_after: datetime | None = None) -> OutboxJob:
    """Add a job to the outbox in the caller's transaction (flushed, not committed).

    If the caller's transaction rolls back, the job is gone with it.
    """
    job = OutboxJob(kind=kind, payload=payload, run_after=run_after or utcnow(), attempts=0)
    db.session.add(job)
    db.session.flush()
    note_enqueued()
    return job


def enqueue_in_flush(kind: str, payload: dict[str, Any]) -> None:
    """Like :func:`enqueue`, for session hooks that run inside a flush (where flushing again is refused).

    Writes with a Core INSERT through the flushing session's connection: same transaction.
    """
    now = utcnow()
    db.session.execute(insert(OutboxJob).values(kind=kind, payload=payload, created_at=now, run_after=now, attempts=0))
    note_enqueued()


def backoff(attempts: int) -> timedelta:
    """How long to wait before trying a job again after its ``attempts``-th failure."""
    return min(BACKOFF_BASE * (2 ** max(attempts - 1, 0)), BACKOFF_MAX)


def _due_clause(now: datetime):
    return (
        OutboxJob.done_at.is_(None),
        OutboxJob.run_after <= now,
        or_(OutboxJob.locked_until.is_(None), OutboxJob.locked_until < now),
    )


def claim(limit: int) -> list[int]:
    """Lease up to ``limit`` due jobs to this worker and commit the lease; returns their ids.

    On PostgreSQL the due rows are selected ``FOR UPDATE SKIP LOCKED``, so parallel
    workers take disjoint jobs without waiting on each other, then leased. On SQLite one
    ``UPDATE ... WHERE id IN (SELECT ... LIMIT n) RETURNING id`` holds the single write
    lock, so workers claim one after the other.
    """
    now = utcnow()
    due = select(OutboxJob.id).where(*_due_clause(now)).order_by(OutboxJob.run_after, OutboxJob.id).limit(limit)
    lease = {"locked_until": now + LEASE, "attempts": OutboxJob.attempts + 1}
    if db.session.get_bind().dialect.name == "postgresql":
        ids = list(db.session.scalars(due.with_for_update(skip_locked=True)))
        if ids:
            db.session.execute(
                update(OutboxJob).where(OutboxJob.id.in_(ids)).values(**lease)
                .execution_options(synchronize_session=False)
            )
    else:
        ids = list(db.session.scalars(
            update(OutboxJob)
            .where(OutboxJob.id.in_(due.scalar_subquery()), *_due_clause(now))
            .values(**lease)
            .returning(OutboxJob.id)
            .execution_options(synchronize_session=False)
        ))
    db.session.commit()
    return sorted(ids)


def _run(job_id: int) -> bool:
    job = db.session.get(OutboxJob, job_id)
    if job is None or job.done_at is not None:
        return True
    kind, payload, attempts = job.kind, dict(job.payload or {}), job.attempts
    try:
        handler = HANDLERS.get(kind)
        if handler is None:
            raise UnknownJobKindError(f"no handler registered for {kind!r}")
        handler(payload)
        job = db.session.get(OutboxJob, job_id)
        job.done_at = utcnow()
        job.locked_until = None
        job.last_error = None
        db.session.commit()
        return True
    except PermanentJobError as exc:  # retrying cannot help: closed as failed, with its error
        db.session.rollback()
        log.error("outbox job %s (%s) failed for good, attempt %s: %s", job_id, kind, attempts, exc)
        db.session.execute(
            update(OutboxJob)
            .where(OutboxJob.id == job_id)
            .values(done_at=utcnow(), locked_until=None, last_error=f"{type(exc).__name__}: {exc}"[:ERROR_CHARS])
            .execution_options(synchronize_session=False)
        )
        db.session.commit()
        return False
    except Exception as exc:  # any failure of a handler is recorded and retried later
        db.session.rollback()
        delay = backoff(attempts)
        log.warning("outbox job %s (%s) failed, attempt %s, retry in %s: %s", job_id, kind, attempts, delay, exc)
        db.session.execute(
            update(OutboxJob)
            .where(OutboxJob.id == job_id)
            .values(
                run_after=utcnow() + delay,
                locked_until=None,
                last_error=f"{type(exc).__name__}: {exc}"[:ERROR_CHARS],
            )
            .execution_options(synchronize_session=False)
        )
        db.session.commit()
        return False


def drain(limit: int = 100) -> int:
    """Run up to ``limit`` due jobs, each in its own transaction; returns how many were run.

    Manages its own transactions (like checkout): it commits the lease, then each job's
    work together with its ``done_at``. A failing job is rolled back, gets its error
    recorded and a later ``run_after`` (exponential backoff) and stays undone; one that
    raised :class:`PermanentJobError` is closed with its error instead.
    Never raises for a failing handler.
    """
    ids = claim(limit)
    for job_id in ids:
        _run(job_id)
    return len(ids)


def pending_count() -> int:
    """How many jobs are not done yet (due or waiting for a retry)."""
    return db.session.scalar(select(db.func.count()).select_from(OutboxJob).where(OutboxJob.done_at.is_(None)))
