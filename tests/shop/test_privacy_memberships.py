"""Accounts learn what sentras, partners (and any later kind of organisation) keep about a
member through ``register_memberships``, without importing them."""
from __future__ import annotations

import pytest

from shop.accounts import privacy, services
from shop.accounts.privacy import Memberships, register_memberships
from shop.extensions import db
from tests.factories import PASSWORD, add_member, make_partner, make_sentra, make_user


@pytest.fixture
def clubs(monkeypatch):
    """A made-up kind of organisation, registered for this test only."""
    monkeypatch.setattr(privacy, "_MEMBERSHIPS", dict(privacy._MEMBERSHIPS))
    members: dict[int, list[str]] = {}
    register_memberships(Memberships(
        key="club_memberships", position=30,
        export=lambda user_id: [{"club": name} for name in members.get(user_id, [])],
        owned=lambda user_id: [f"Klub {name}" for name in members.get(user_id, [])],
        delete=lambda user_id: members.pop(user_id, None),
    ))
    return members


def test_a_registered_kind_of_membership_is_part_of_the_export(app, clubs):
    user = make_user("sari@example.test")
    clubs[user.id] = ["Batik"]

    assert services.export_user_data(user)["club_memberships"] == [{"club": "Batik"}]


def test_owning_an_organisation_of_a_registered_kind_stops_the_account_deletion(app, clubs):
    user = make_user("sari@example.test")
    clubs[user.id] = ["Batik"]

    assert services.owned_organisations(user) == ["Klub Batik"]


def test_deleting_the_account_deletes_the_memberships_of_every_registered_kind(app, clubs):
    user = make_user("sari@example.test")
    db.session.flush()
    clubs[user.id] = []

    services.delete_account(user, PASSWORD)

    assert user.id not in clubs


def test_the_export_lists_sentra_memberships_before_partner_memberships(app):
    user = make_user("sari@example.test")
    add_member(make_sentra(owner=make_user("pemilik@example.test")), user)
    make_partner(owner=user)
    db.session.flush()

    keys = list(services.export_user_data(user))

    assert keys.index("sentra_memberships") < keys.index("partner_memberships") < keys.index("api_tokens")


def test_owned_organisations_name_sentras_before_partners(app):
    user = make_user("sari@example.test")
    sentra = make_sentra(owner=user)
    partner = make_partner(owner=user)
    db.session.flush()

    assert services.owned_organisations(user) == [sentra.name, partner.name]
