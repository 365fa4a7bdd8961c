"""The outbox: jobs written with the change that causes them, run once by the worker, retried with backoff."""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from shop.accounts.models import User
from shop.db import utcnow
from shop.extensions import db
from shop.outbox import services as outbox
from shop.outbox.models import OutboxJob
from tests.factories import make_user


@pytest.fixture
def calls(monkeypatch) -> list[dict]:
    """A handler of kind "test.record" that records every payload it runs."""
    seen: list[dict] = []
    monkeypatch.setitem(outbox.HANDLERS, "test.record", seen.append)
    return seen


@pytest.fixture
def failing(monkeypatch) -> None:
    def fail(payload: dict) -> None:
        raise RuntimeError("engine said no")

    monkeypatch.setitem(outbox.HANDLERS, "test.fail", fail)


def _jobs() -> list[OutboxJob]:
    db.session.expire_all()
    return list(db.session.scalars(select(OutboxJob).order_by(OutboxJob.id)))


def test_a_rolled_back_change_leaves_no_job():
    make_user("pembeli@example.test")
    outbox.enqueue("test.record", {"n": 1})
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(OutboxJob)) == 0
    assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_a_committed_change_keeps_its_job_with_the_payload():
    make_user("pembeli@example.test")
    outbox.enqueue("test.record", {"product_ids": [3, 1]})
    db.session.commit()
    (job,) = _jobs()
    assert (job.kind, job.payload, job.attempts, job.done_at) == ("test.record", {"product_ids": [3, 1]}, 0, None)


def test_drain_runs_each_due_job_once(calls):
    outbox.enqueue("test.record", {"n": 1})
    outbox.enqueue("test.record", {"n": 2})
    db.session.commit()
    assert outbox.drain() == 2
    assert outbox.drain() == 0
    assert calls == [{"n": 1}, {"n": 2}]
    assert all(job.done_at is not None and job.attempts == 1 for job in _jobs())


def test_drain_leaves_a_job_that_is_not_due_yet(calls):
    outbox.enqueue("test.record", {"n": 1}, run_after=utcnow() + timedelta(minutes=5))
    db.session.commit()
    assert outbox.drain() == 0
    assert calls == []


def test_drain_takes_at_most_limit_jobs(calls):
    for n in range(3):
        outbox.enqueue("test.record", {"n": n})
    db.session.commit()
    assert outbox.drain(limit=2) == 2
    assert outbox.drain(limit=2) == 1


def test_a_failing_job_stays_undone_with_its_error_and_a_later_run_after(failing):
    outbox.enqueue("test.fail", {})
    db.session.commit()
    before = utcnow()
    assert outbox.drain() == 1
    (job,) = _jobs()
    assert job.done_at is None
    assert job.attempts == 1
    assert "engine said no" in job.last_error
    assert job.run_after >= before + outbox.BACKOFF_BASE
    assert job.locked_until is None
    assert outbox.drain() == 0  # not due again before the backoff passes


def test_a_failed_job_runs_again_once_due_and_then_is_done(failing, calls, monkeypatch):
    outbox.enqueue("test.fail", {"n": 7})
    db.session.commit()
    outbox.drain()
    monkeypatch.setitem(outbox.HANDLERS, "test.fail", calls.append)  # the engine is back
    job = _jobs()[0]
    job.run_after = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert outbox.drain() == 1
    (job,) = _jobs()
    assert (job.attempts, job.last_error, calls) == (2, None, [{"n": 7}])
    assert job.done_at is not None


def test_a_failing_handler_leaves_none_of_its_database_work(monkeypatch):
    def half_done(payload: dict) -> None:
        make_user("setengah@example.test")
        raise RuntimeError("crashed halfway")

    monkeypatch.setitem(outbox.HANDLERS, "test.half", half_done)
    outbox.enqueue("test.half", {})
    db.session.commit()
    outbox.drain()
    assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_a_job_of_an_unknown_kind_is_kept_with_an_error():
    outbox.enqueue("test.nobody-handles-this", {})
    db.session.commit()
    outbox.drain()
    (job,) = _jobs()
    assert job.done_at is None
    assert "no handler" in job.last_error


def test_a_job_leased_by_another_worker_is_not_taken(calls):
    job = outbox.enqueue("test.record", {"n": 1})
    job.locked_until = utcnow() + timedelta(minutes=1)
    db.session.commit()
    assert outbox.drain() == 0


def test_a_job_whose_lease_expired_is_taken_again(calls):
    job = outbox.enqueue("test.record", {"n": 1})
    job.locked_until = utcnow() - timedelta(seconds=1)  # its worker died
    job.attempts = 1
    db.session.commit()
    assert outbox.drain() == 1
    assert calls == [{"n": 1}]


@pytest.mark.nodb
def test_backoff_doubles_from_thirty_seconds_up_to_an_hour():
    assert [outbox.backoff(n).total_seconds() for n in (1, 2, 3)] == [30, 60, 120]
    assert outbox.backoff(30) == timedelta(hours=1)


def test_worker_once_runs_what_is_due_and_exits(runner, calls):
    outbox.enqueue("test.record", {"n": 1})
    db.session.commit()
    result = runner.invoke(args=["worker", "--once"], input="")
    assert result.exit_code == 0, result.output
    assert calls == [{"n": 1}]
    assert _jobs()[0].done_at is not None


def test_worker_once_exits_after_a_failing_job(runner, failing):
    outbox.enqueue("test.fail", {})
    db.session.commit()
    result = runner.invoke(args=["worker", "--once"], input="")
    assert result.exit_code == 0, result.output
    assert _jobs()[0].attempts == 1


@pytest.mark.postgres_only
def test_parallel_drains_never_run_the_same_job_twice(app, monkeypatch):
    seen: list[int] = []
    lock = threading.Lock()
    start = threading.Barrier(4)

    def record(payload: dict) -> None:
        with lock:
            seen.append(payload["n"])

    monkeypatch.setitem(outbox.HANDLERS, "test.parallel", record)
    for n in range(60):
        outbox.enqueue("test.parallel", {"n": n})
    db.session.commit()
    errors: list[BaseException] = []

    def work() -> None:
        try:
            with app.app_context():
                start.wait()
                while outbox.drain(limit=3):
                    pass
                db.session.remove()
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sorted(seen) == list(range(60))
    assert all(job.done_at is not None and job.attempts == 1 for job in _jobs())
