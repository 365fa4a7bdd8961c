"""The search log (issue 22): what is kept of a search, and what never is."""
from __future__ import annotations

import http.client
import threading
import time

import pytest
from sqlalchemy import create_engine, inspect, select
from werkzeug.serving import make_server

from catalog.search.log import GUEST_ID, SearchLog, normalise, searcher_hash, writer
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


def test_a_guest_is_counted_by_a_keyed_hash_of_a_random_session_id(client, catalogue, app):
    get(client, "/search?q=tas")
    get(client, "/search?q=kain")
    with client.session_transaction() as session:
        sid = session[GUEST_ID]
    first, second = logged()
    assert first.searcher == second.searcher == searcher_hash(f"s:{sid}")
    assert sid not in first.searcher
    other = app.test_client()
    get(other, "/search?q=tas")
    assert logged()[-1].searcher != first.searcher  # another guest is another searcher


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


def test_a_guest_who_chose_a_kelurahan_counts_there(client, catalogue):
    page = get(client, "/search?q=tas").get_data(as_text=True)
    assert 'action="/search/tempat-tinggal"' in page
    response = client.post("/search/tempat-tinggal", data={"kelurahan_code": KEL_B, "q": "tas"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/search?q=tas")
    get(client, "/search?q=kain")
    assert logged()[-1].kelurahan_code == KEL_B


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


def test_a_logged_search_page_is_never_kept_by_a_cache(client, catalogue):
    for _ in range(2):
        response = get(client, "/search?q=tas")
        assert response.headers.get("X-Page-Cache") != "hit"
        assert not response.headers.get("Cache-Control", "").startswith("public")
    assert len(logged()) == 2


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
            assert conn.getresponse().status == 200
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
