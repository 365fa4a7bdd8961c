"""The search log (issue 22): what is kept of a search, and what never is."""
from __future__ import annotations

import http.client
import threading
import time

import pytest
from sqlalchemy import create_engine, inspect, select
from werkzeug.serving import make_server

from catalog.search.log import (
    GUEST_ID,
    SearchLog,
    address_identity,
    normalise,
    searcher_hash,
    writer,
)
from shop.accounts.models import Address
from shop.extensions import db
from tests.factories import make_product, make_sentra, make_user
from tests.orders.potential.helpers import KEL_A, KEL_B, bearer


@pytest.fixture
def catalogue(app):
    sentra = make_sentra(KEL_A)
    make_product(sentra, title="Tas Anyaman Eceng", subsector="kriya")
    make_product(sentra, title="Tas Batik Tulis", subsector="fesyen")
    db.session.commit()
    return sentra


def get(client, url, **kwargs):
    """A GET answered as a WSGI server answers it: the body read, then the response closed (the search
    log writes at that moment; the test client alone never closes a response)."""
    response = client.get(url, **kwargs)
    response.get_data()
    response.close()
    return response


def logged() -> list[SearchLog]:
    db.session.expire_all()
    return list(db.session.scalars(select(SearchLog).order_by(SearchLog.id)))


def test_a_guest_search_keeps_the_normalised_text_its_total_and_no_place(client, catalogue):
    assert get(client, "/search?q=%20%20TAS%20%20%20Anyaman%20").status_code == 200
    [row] = logged()
    assert (row.term, row.results, row.filtered, row.kelurahan_code) == ("tas anyaman", 1, False, None)


def test_the_log_stores_no_user_id_address_or_session(app):
    columns = {column["name"] for column in inspect(db.engine).get_columns("search_log")}
    assert columns == {"id", "day", "term", "results", "filtered", "kelurahan_code", "searcher", "rolled_up"}


def test_a_guest_is_counted_by_a_keyed_hash_of_address_and_browser_and_given_no_session(client, catalogue, app):
    first = get(client, "/search?q=tas", headers={"User-Agent": "Firefox 1"})
    get(client, "/search?q=kain", headers={"User-Agent": "Firefox 1"})
    assert "Set-Cookie" not in first.headers  # searching gives no session: the page stays public
    one, two = logged()
    assert one.searcher == two.searcher == searcher_hash(address_identity("127.0.0.1", "Firefox 1"))
    assert "127.0.0.1" not in one.searcher
    get(app.test_client(), "/search?q=tas", headers={"User-Agent": "Chromium 2"})
    get(app.test_client(), "/search?q=tas", environ_base={"REMOTE_ADDR": "10.0.0.9"},
        headers={"User-Agent": "Firefox 1"})
    assert len({row.searcher for row in logged()}) == 3  # another guest is another searcher


def test_a_guest_whose_session_carries_an_id_from_before_is_counted_by_it(client, catalogue):
    with client.session_transaction() as session:
        session[GUEST_ID] = "an-id-given-before"
    get(client, "/search?q=tas")
    assert logged()[-1].searcher == searcher_hash("s:an-id-given-before")


def test_a_user_is_counted_by_a_hash_of_their_id_where_they_live(client, auth, catalogue):
    user = make_user("warga@example.test")
    user.kelurahan_code = KEL_B
    db.session.commit()
    auth.login("warga@example.test")
    get(client, "/search?q=tas")
    [row] = logged()
    assert (row.searcher, row.kelurahan_code) == (searcher_hash(f"u:{user.id}"), KEL_B)
    assert str(user.id) != row.searcher


def test_the_hash_changes_with_the_secret_key(app):
    before = searcher_hash("u:1")
    app.config["SECRET_KEY"] = "another"
    try:
        assert searcher_hash("u:1") != before
    finally:
        app.config["SECRET_KEY"] = "test-secret-key-not-for-production"


def test_a_guest_who_chose_a_kelurahan_counts_there_as_the_same_searcher(client, catalogue):
    page = get(client, "/search?q=tas").get_data(as_text=True)
    assert 'href="/search/tempat-tinggal?q=tas"' in page
    assert 'action="/search/tempat-tinggal"' in client.get("/search/tempat-tinggal?q=tas").get_data(as_text=True)
    response = client.post("/search/tempat-tinggal", data={"kelurahan_code": KEL_B, "q": "tas"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/search?q=tas")
    get(client, "/search?q=kain")
    before, after = logged()
    assert (before.kelurahan_code, after.kelurahan_code) == (None, KEL_B)
    assert before.searcher == after.searcher


def test_an_unknown_kelurahan_is_refused_and_nothing_changes(client, catalogue):
    client.post("/search/tempat-tinggal", data={"kelurahan_code": "99.99", "q": "tas"})
    get(client, "/search?q=kain")
    assert logged()[-1].kelurahan_code is None


@pytest.mark.parametrize("text", ["sari@example.test", "0812345678", "kode 123456", "tas 2024123"])
def test_texts_that_may_be_personal_are_never_stored(client, catalogue, text):
    get(client, "/search", query_string={"q": text})
    get(client, "/api/v1/search", query_string={"q": text})
    assert logged() == []


def test_short_numbers_are_kept():
    assert normalise("Kaos 12345 ") == "kaos 12345"


def test_only_the_first_page_is_logged(client, catalogue):
    get(client, "/search?q=tas&page=2")
    get(client, "/api/v1/search?q=tas&page=2")
    get(client, "/search")  # no text: a browse, not a search
    assert logged() == []


@pytest.mark.parametrize("agent", ["Googlebot/2.1", "Mozilla/5.0 (compatible; bingbot/2.0)", "SomeCrawler 1.0",
                                   "Baiduspider", "BOT-checker"])
def test_robots_are_not_logged(client, catalogue, agent):
    get(client, "/search?q=tas", headers={"User-Agent": agent})
    get(client, "/api/v1/search?q=tas", headers={"User-Agent": agent})
    assert logged() == []


def test_nothing_is_logged_when_the_log_is_off(client, catalogue, app):
    app.config["SEARCH_LOG"] = False
    try:
        get(client, "/search?q=tas")
        get(client, "/api/v1/search?q=tas")
    finally:
        app.config["SEARCH_LOG"] = True
    assert logged() == []


def test_a_filtered_search_says_so(client, catalogue):
    get(client, "/search?q=tas&subsector=kriya")
    [row] = logged()
    assert (row.results, row.filtered) == (1, True)


def test_the_api_logs_a_token_user_by_their_id_and_a_caller_without_one_by_a_hash(client, catalogue):
    user = make_user("api@example.test")
    user.kelurahan_code = KEL_A
    db.session.commit()
    get(client, "/api/v1/search?q=kain%20tenun", headers=bearer(user))
    get(client, "/api/v1/search?q=kain%20tenun")
    with_token, without = logged()
    assert (with_token.term, with_token.results, with_token.kelurahan_code) == ("kain tenun", 0, KEL_A)
    assert with_token.searcher == searcher_hash(f"u:{user.id}")
    assert without.kelurahan_code is None and without.searcher != with_token.searcher


def test_a_search_page_kept_by_the_page_cache_is_logged_on_every_answer(client, catalogue):
    browser = {"User-Agent": "Firefox 1"}
    answers = [get(client, "/search?q=tas", headers=browser) for _ in range(2)]
    assert [a.headers["X-Page-Cache"] for a in answers] == ["miss", "hit"]
    assert answers[1].headers["Cache-Control"] == "public, no-cache"  # every answer reaches the server
    revalidated = get(client, "/search?q=tas", headers={**browser, "If-None-Match": answers[1].headers["ETag"]})
    assert revalidated.status_code == 304
    rows = logged()
    assert [(row.term, row.results) for row in rows] == [("tas", 2)] * 3
    assert {row.searcher for row in rows} == {searcher_hash(address_identity("127.0.0.1", "Firefox 1"))}
    kept = answers[1].get_data(as_text=True)
    assert "csrf_token" not in kept and "Set-Cookie" not in answers[0].headers


def test_a_kept_search_page_answered_to_a_robot_or_with_the_log_off_is_not_logged(client, catalogue, app):
    get(client, "/search?q=tas", headers={"User-Agent": "Googlebot/2.1"})  # a robot fills the cache: not logged
    assert get(client, "/search?q=tas", headers={"User-Agent": "Googlebot/2.1"}).headers["X-Page-Cache"] == "hit"
    assert logged() == []
    assert get(client, "/search?q=tas").headers["X-Page-Cache"] == "hit"  # the next person is
    assert len(logged()) == 1
    app.config["SEARCH_LOG"] = False
    try:
        assert get(client, "/search?q=tas").headers["X-Page-Cache"] == "hit"
    finally:
        app.config["SEARCH_LOG"] = True
    assert len(logged()) == 1


def test_a_failed_log_on_a_cache_hit_still_serves_the_page(client, catalogue, monkeypatch):
    get(client, "/search?q=tas")

    def fail(*_args, **_kwargs):
        raise RuntimeError("no log today")

    monkeypatch.setattr("catalog.search.log.searcher_hash", fail)
    hit = get(client, "/search?q=tas")
    assert (hit.status_code, hit.headers["X-Page-Cache"]) == (200, "hit")
    assert len(logged()) == 1


def test_a_search_is_written_once_its_response_is_sent_not_before(client, catalogue):
    response = client.get("/search?q=tas")
    assert response.status_code == 200 and logged() == []  # the searcher never waits for the insert
    response.close()
    assert [row.term for row in logged()] == ["tas"]


def test_a_search_through_a_real_wsgi_server_is_written_after_its_answer(app, catalogue):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        for path in ("/search?q=tas+anyaman", "/api/v1/search?q=keripik"):
            conn = http.client.HTTPConnection("127.0.0.1", server.server_port, timeout=10)
            conn.request("GET", path)
            response = conn.getresponse()
            # Read the body, as a browser does. A client that hangs up with the body unread resets the
            # connection; Werkzeug's server then skips the response's close() (about one such request
            # in three), and that search waits in the queue for the next write or the process exit.
            assert (response.status, bool(response.read())) == (200, True)
            conn.close()
        deadline = time.monotonic() + 10
        while len(logged()) < 2 and time.monotonic() < deadline:
            time.sleep(0.02)  # the server writes after the answer, in its own thread: poll with a deadline
    finally:
        server.shutdown()
        thread.join()
    assert sorted(row.term for row in logged()) == ["keripik", "tas anyaman"]


def test_a_user_without_a_chosen_kelurahan_counts_at_their_latest_address(client, auth, catalogue):
    user = make_user("alamat@example.test")
    db.session.add(Address(user_id=user.id, label="Rumah", recipient="Warga", phone="+6281234",
                           street="Jl. Melati 1", kelurahan_code=KEL_B, postal_code="17411"))
    db.session.commit()
    auth.login("alamat@example.test")
    get(client, "/search?q=tas")
    assert logged()[-1].kelurahan_code == KEL_B


def test_a_database_error_while_logging_does_not_break_the_search_and_the_search_is_kept(
        client, catalogue, app, monkeypatch, caplog):
    real_engine = writer().engine
    broken = create_engine("sqlite:///file:missing?mode=ro&uri=true")  # any write fails
    monkeypatch.setattr(writer(), "engine", broken)
    for url in ("/search?q=tas", "/api/v1/search?q=tas"):
        assert get(client, url).status_code == 200
    assert "not logged yet" in caplog.text and logged() == []
    monkeypatch.setattr(writer(), "engine", real_engine)
    get(client, "/search?q=kain")  # the database is back: the next write takes what was left behind
    assert [row.term for row in logged()] == ["tas", "tas", "kain"]
    assert writer().pending() == 0


def test_a_search_that_cannot_even_be_queued_is_answered(client, catalogue, monkeypatch):
    def fail(*_args, **_kwargs):
        raise RuntimeError("no log today")

    monkeypatch.setattr("catalog.search.log.searcher_hash", fail)
    assert get(client, "/search?q=tas").status_code == 200
    assert get(client, "/api/v1/search?q=tas").status_code == 200
    assert logged() == []


def test_a_process_that_stops_writes_the_searches_it_holds(client, catalogue):
    client.get("/search?q=tas")  # a response never closed: its search is still queued
    assert writer().pending() == 1
    assert writer().write() == 1  # what atexit runs
    assert [row.term for row in logged()] == ["tas"]


def test_with_csrf_on_a_guest_search_page_stays_public_and_the_kelurahan_form_has_its_own_page(
        client, catalogue, csrf_enabled):
    page = get(client, "/search?q=tas")
    assert "Set-Cookie" not in page.headers and "csrf_token" not in page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "public, no-cache"
    form = client.get("/search/tempat-tinggal?q=tas")
    assert 'name="csrf_token"' in form.get_data(as_text=True)
    assert "no-store" in form.headers["Cache-Control"]
