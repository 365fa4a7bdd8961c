"""Running attempts at once on PostgreSQL, each in its own thread, app context and connection."""
from __future__ import annotations

import threading
from collections.abc import Callable

from shop.extensions import db


def race(app, attempts: list[Callable[[], None]], refused: type[Exception]) -> tuple[int, int]:
    """Run each attempt in its own thread and connection at once, committing; returns (done, refused)."""
    barrier = threading.Barrier(len(attempts))
    outcome = {"done": 0, "refused": 0}
    errors: list[BaseException] = []
    lock = threading.Lock()

    def run(attempt: Callable[[], None]) -> None:
        with app.app_context():
            try:
                barrier.wait(timeout=30)
                try:
                    attempt()
                    db.session.commit()
                    with lock:
                        outcome["done"] += 1
                except refused:
                    db.session.rollback()
                    with lock:
                        outcome["refused"] += 1
            except BaseException as error:  # reported in the main thread
                with lock:
                    errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(attempt,)) for attempt in attempts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(t.is_alive() for t in threads)
    assert errors == []
    return outcome["done"], outcome["refused"]
