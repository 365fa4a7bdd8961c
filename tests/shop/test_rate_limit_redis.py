"""Login limits held in Redis are shared by every worker process, as in production."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import uuid

import pytest

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")

WORKER = textwrap.dedent(
    """
    import sys
    from werkzeug.security import generate_password_hash
    from shop import create_app
    from shop.extensions import db
    from shop.accounts.models import User
    from shop.db import utcnow

    db_url, redis_url, prefix, action = sys.argv[1:5]
    app = create_app({"SQLALCHEMY_DATABASE_URI": db_url, "RATELIMIT_STORAGE_URI": redis_url,
                      "RATELIMIT_KEY_PREFIX": prefix,
                      "SECRET_KEY": "x", "WTF_CSRF_ENABLED": False, "TESTING": True})
    with app.app_context():
        if action == "setup":
            db.create_all()
            db.session.add(User(email="rina@example.test", name="Rina", email_verified_at=utcnow(),
                                password_hash=generate_password_hash("benar sekali ya", method="pbkdf2:sha256:1000")))
            db.session.commit()
            sys.exit(0)
    client = app.test_client()
    password = "salah terus" if action == "fail" else "benar sekali ya"
    codes = [client.post("/login", data={"email": "rina@example.test", "password": password}).status_code
             for _ in range(5 if action == "fail" else 1)]
    print(" ".join(map(str, codes)))
    """
)


def _redis_available() -> bool:
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
        return True
    except Exception:
        return False


def _run(db_url: str, redis_url: str, action: str, prefix: str = "") -> str:
    result = subprocess.run(
        [sys.executable, "-c", WORKER, db_url, redis_url, prefix, action],
        capture_output=True, text=True, timeout=60, check=True,
    )
    return result.stdout.strip()


@pytest.mark.nodb
def test_failed_logins_in_one_worker_lock_the_account_in_another(tmp_path):
    if not _redis_available():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"Redis is not reachable at {REDIS_URL}")
        pytest.skip(f"Redis is not reachable at {REDIS_URL}; enable with `apt-get install redis-server` "
                    "and `redis-server --daemonize yes --port 6379`")
    import redis

    # A key prefix of our own keeps parallel runs apart; flushing is then unnecessary.
    prefix = f"pasar-test-{uuid.uuid4().hex[:8]}"
    db_url = f"sqlite:///{tmp_path / 'workers.db'}"
    _run(db_url, REDIS_URL, "setup")

    assert _run(db_url, REDIS_URL, "fail", prefix).split() == ["401"] * 5
    assert _run(db_url, REDIS_URL, "succeed", prefix) == "429"  # another process, the right password
    assert _run(db_url, "memory://", "succeed") == "302"  # without the shared store it would pass
    client = redis.Redis.from_url(REDIS_URL)
    keys = list(client.scan_iter(match=f"*{prefix}*", count=1000))
    assert keys
    client.delete(*keys)
