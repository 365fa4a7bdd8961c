"""Wrong attendance codes are limited per member and class, on the door page and the API alike."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import uuid

import pytest
from sqlalchemy import select

from orders.classes.models import ClassBooking
from shop.extensions import db
from tests.factories import add_member, make_sentra, make_user
from tests.orders.cart_helpers import bearer_for
from tests.orders.classes.helpers import book, make_class
from tests.shop.test_rate_limit_redis import REDIS_URL, _redis_available

LIMIT = 10  # ATTENDANCE_CODE_FAILURES: 10 per 10 minutes


def _wrong(code: str) -> str:
    return "000000" if code != "000000" else "111111"


def _door():
    owner = make_user("pemilik@example.test")
    sentra = make_sentra(owner=owner)
    klass = make_class(sentra, capacity=20)
    booking = book(make_user(name="Putri Ayu"), klass, 1).booking
    db.session.commit()
    return owner, sentra, klass, booking


def _attended(booking_id: int) -> bool:
    db.session.expire_all()
    return db.session.scalar(select(ClassBooking.attended_at).where(ClassBooking.id == booking_id)) is not None


def test_after_ten_wrong_codes_the_api_answers_429_even_for_the_right_code(client):
    owner, sentra, klass, booking = _door()
    url = f"/api/v1/kelola/{sentra.slug}/classes/{klass.id}/attendance"
    headers = bearer_for(owner)
    codes = [client.post(url, json={"code": _wrong(booking.code)}, headers=headers).status_code for _ in range(LIMIT)]
    assert codes == [422] * LIMIT
    refused = client.post(url, json={"code": booking.code}, headers=headers)
    assert refused.status_code == 429
    error = refused.get_json()["error"]
    assert error["code"] == "rate_limited" and error["message"] and "code" in error["fields"]
    assert not _attended(booking.id)


def test_the_limit_is_per_member_and_per_class(client):
    owner, sentra, klass, booking = _door()
    other_class = make_class(sentra, title="Kelas Lain")
    other_booking = book(make_user(), other_class, 1).booking
    colleague = make_user("anggota@example.test")
    add_member(sentra, colleague, "member")
    db.session.commit()
    url = f"/api/v1/kelola/{sentra.slug}/classes/{klass.id}/attendance"
    for _ in range(LIMIT):
        client.post(url, json={"code": _wrong(booking.code)}, headers=bearer_for(owner))
    assert client.post(url, json={"code": booking.code}, headers=bearer_for(owner)).status_code == 429
    other_url = f"/api/v1/kelola/{sentra.slug}/classes/{other_class.id}/attendance"
    assert client.post(other_url, json={"code": other_booking.code}, headers=bearer_for(owner)).status_code == 200
    assert client.post(url, json={"code": booking.code}, headers=bearer_for(colleague)).status_code == 200
    assert _attended(booking.id)


def test_the_door_page_says_in_indonesian_to_wait_and_the_list_still_checks_in(client, auth):
    owner, sentra, klass, booking = _door()
    auth.login(owner.email)
    url = f"/kelola/{sentra.slug}/kelas/{klass.id}/hadir"
    for _ in range(LIMIT):
        assert client.post(url, data={"code": _wrong(booking.code)}).status_code == 422
    refused = client.post(url, data={"code": booking.code})
    assert refused.status_code == 429
    assert "Terlalu banyak kode salah" in refused.get_data(as_text=True)
    assert not _attended(booking.id)
    assert client.post(f"{url}/{booking.id}").status_code == 302  # from the list: not limited
    assert _attended(booking.id)


def test_right_codes_do_not_count(client):
    owner, sentra, klass, _booking = _door()
    bookings = [book(make_user(), klass, 1).booking for _ in range(LIMIT + 2)]
    db.session.commit()
    url = f"/api/v1/kelola/{sentra.slug}/classes/{klass.id}/attendance"
    answers = [client.post(url, json={"code": b.code}, headers=bearer_for(owner)).status_code for b in bookings]
    assert answers == [200] * len(bookings)


ATTENDANCE_WORKER = textwrap.dedent(
    """
    import sys
    from shop import create_app
    from orders.classes import limits
    from orders.classes.errors import TooManyWrongCodesError

    redis_url, prefix, action = sys.argv[1:4]
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "RATELIMIT_STORAGE_URI": redis_url,
                      "RATELIMIT_KEY_PREFIX": prefix, "SECRET_KEY": "x", "TESTING": True})
    with app.app_context():
        if action == "fail":
            for _ in range(10):
                limits.count_wrong_code(7, 42)
        try:
            limits.refuse_when_throttled(7, 42)
            print("open")
        except TooManyWrongCodesError as error:
            print(error.status)
    """
)


@pytest.mark.nodb
def test_wrong_codes_counted_by_one_worker_process_refuse_in_another():
    if not _redis_available():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"Redis is not reachable at {REDIS_URL}")
        pytest.skip(f"Redis is not reachable at {REDIS_URL}; enable with `redis-server --daemonize yes`")
    import redis

    prefix = f"pasar-test-{uuid.uuid4().hex[:8]}"

    def run(action: str, storage: str = REDIS_URL) -> str:
        return subprocess.run([sys.executable, "-c", ATTENDANCE_WORKER, storage, prefix, action], capture_output=True,
                              text=True, timeout=60, check=True).stdout.strip()

    assert run("check") == "open"
    assert run("fail") == "429"
    assert run("check") == "429"  # another process sees the same counter
    assert run("check", "memory://") == "open"  # without the shared store it would not
    client = redis.Redis.from_url(REDIS_URL)
    keys = list(client.scan_iter(match=f"*{prefix}*", count=1000))
    assert keys
    client.delete(*keys)
