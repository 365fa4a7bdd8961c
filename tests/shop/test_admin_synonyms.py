"""The program office edits search synonyms at /admin/sinonim; changes reach Meilisearch through the outbox."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from catalog.search.models import SearchSynonym
from catalog.search.synonyms import shipped_groups, synonym_groups
from shop.extensions import db
from shop.outbox.models import OutboxJob
from tests.factories import make_user


@pytest.fixture
def admin(auth):
    make_user("kantor@example.test", admin=True)
    db.session.commit()
    auth.login("kantor@example.test")


def _rows() -> list[str]:
    db.session.expire_all()
    return list(db.session.scalars(select(SearchSynonym.words).order_by(SearchSynonym.id)))


def _settings_jobs() -> int:
    return len(list(db.session.scalars(select(OutboxJob).where(OutboxJob.kind == "search.settings"))))


def test_a_user_without_the_admin_flag_gets_403(client, auth):
    make_user("warga@example.test")
    db.session.commit()
    auth.login("warga@example.test")
    assert client.get("/admin/sinonim").status_code == 403
    assert client.post("/admin/sinonim", data={"words": "a, b"}).status_code == 403


def test_the_list_shows_the_shipped_groups_before_any_edit(client, admin):
    response = client.get("/admin/sinonim")
    assert response.status_code == 200
    assert "kripik, keripik" in response.get_data(as_text=True)


def test_adding_a_group_keeps_the_shipped_ones_and_adds_it(client, admin):
    response = client.post("/admin/sinonim", data={"words": "Peci,  Kopiah, songkok"})
    assert response.status_code == 302
    rows = _rows()
    assert len(rows) == len(shipped_groups()) + 1
    assert rows[-1] == "peci, kopiah, songkok"
    assert ["peci", "kopiah", "songkok"] in synonym_groups()


def test_a_group_of_one_word_is_refused_and_the_text_kept(client, admin):
    response = client.post("/admin/sinonim", data={"words": "peci"})
    assert response.status_code == 422
    assert "peci" in response.get_data(as_text=True)
    assert _rows() == []


def test_editing_a_group_replaces_its_words(client, admin):
    client.post("/admin/sinonim", data={"words": "peci, kopiah"})
    row = db.session.scalar(select(SearchSynonym).where(SearchSynonym.words == "peci, kopiah"))
    assert client.get(f"/admin/sinonim/{row.id}").status_code == 200
    response = client.post(f"/admin/sinonim/{row.id}", data={"words": "peci, kopiah, songkok"})
    assert response.status_code == 302
    assert "peci, kopiah, songkok" in _rows()


def test_an_invalid_edit_changes_nothing(client, admin):
    client.post("/admin/sinonim", data={"words": "peci, kopiah"})
    row = db.session.scalar(select(SearchSynonym).where(SearchSynonym.words == "peci, kopiah"))
    assert client.post(f"/admin/sinonim/{row.id}", data={"words": ","}).status_code == 422
    assert "peci, kopiah" in _rows()


def test_deleting_a_group_removes_it(client, admin):
    client.post("/admin/sinonim", data={"words": "peci, kopiah"})
    row = db.session.scalar(select(SearchSynonym).where(SearchSynonym.words == "peci, kopiah"))
    assert client.post(f"/admin/sinonim/{row.id}/hapus").status_code == 302
    assert "peci, kopiah" not in _rows()


def test_an_unknown_group_is_404(client, admin):
    assert client.get("/admin/sinonim/999999").status_code == 404
    assert client.post("/admin/sinonim/999999/hapus").status_code == 404


def test_a_change_queues_a_settings_job_for_meilisearch(app, client, admin, monkeypatch):
    monkeypatch.setitem(app.config, "SEARCH_BACKEND", "meilisearch")
    client.post("/admin/sinonim", data={"words": "peci, kopiah"})
    assert _settings_jobs() == 1


def test_a_change_queues_nothing_with_the_sql_backend(client, admin):
    client.post("/admin/sinonim", data={"words": "peci, kopiah"})
    assert _settings_jobs() == 0
