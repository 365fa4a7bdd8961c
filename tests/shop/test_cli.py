"""Commands under ``flask --app shop``: create-admin, seed-places and seed-demo. None prompts."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select
from werkzeug.security import check_password_hash

from catalog.products.models import PriceTier, Product, ProductImage, StockMovement, Variant
from shop.accounts.models import User
from shop.extensions import db
from shop.partners.models import Partner, PartnerMembership, PartnerRole, PartnerStatus
from shop.places.models import Kecamatan, Kelurahan, Subsector
from shop.seed.demo import seed_demo
from shop.sentras.models import Role, Sentra, SentraMembership, SentraStatus, sentra_subsector
from tests.factories import make_user

DEMO_PASSWORD = "pasar-sentra-demo"


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email))


# create-admin -----------------------------------------------------------------------


def test_create_admin_grants_the_flag_without_prompting(runner):
    make_user("staf.program@example.test")
    db.session.commit()
    result = runner.invoke(args=["create-admin", "Staf.Program@example.test"], input="")
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert _user("staf.program@example.test").is_admin is True


def test_create_admin_for_an_unknown_email_fails_with_a_clear_message(runner):
    result = runner.invoke(args=["create-admin", "siapa@example.test"], input="")
    assert result.exit_code != 0
    assert "siapa@example.test" in result.output and "register" in result.output
    assert _count(User) == 0


def test_create_admin_needs_an_email_argument(runner):
    result = runner.invoke(args=["create-admin"], input="")
    assert result.exit_code != 0


# seed-places and seed-demo -------------------------------------------------------------


def test_seed_places_is_idempotent(runner):
    result = runner.invoke(args=["seed-places"], input="")
    assert result.exit_code == 0, result.output
    assert (_count(Kecamatan), _count(Kelurahan), _count(Subsector)) == (12, 56, 17)


def test_seed_places_seeds_the_shipped_search_synonyms_once(runner):
    from catalog.search.models import SearchSynonym

    assert runner.invoke(args=["seed-places"]).exit_code == 0
    groups = _count(SearchSynonym)
    assert groups > 5
    assert runner.invoke(args=["seed-places"]).exit_code == 0
    assert _count(SearchSynonym) == groups


@pytest.fixture
def seeded():
    """The demo sentras and accounts without products (their photos take seconds)."""
    seed_demo(with_products=False)
    db.session.commit()
    db.session.expire_all()


def test_seed_demo_makes_56_active_sentras_in_12_kecamatan(seeded):
    assert _count(Sentra) == 56
    assert db.session.scalar(select(func.count()).where(Sentra.status == SentraStatus.ACTIVE)) == 56
    kecamatan = db.session.scalar(
        select(func.count(func.distinct(Kelurahan.kecamatan_code))).join(
            Sentra, Sentra.kelurahan_code == Kelurahan.code
        )
    )
    assert kecamatan == 12


def test_seed_demo_sentras_are_named_after_their_kelurahan(seeded):
    assert db.session.scalar(select(Sentra).where(Sentra.slug == "jatiwaringin")) is not None
    assert db.session.scalar(select(Sentra).where(Sentra.slug == "teluk-pucung")) is not None


def test_seed_demo_twice_changes_nothing(runner, app, monkeypatch, tmp_path):
    monkeypatch.setitem(app.config, "MEDIA_ROOT", str(tmp_path / "media"))
    from catalog.search.log import SearchLog
    from orders.potential.models import SearcherDay, UnmetDay

    tables = (User, Sentra, SentraMembership, Partner, PartnerMembership, sentra_subsector,
              Product, Variant, PriceTier, ProductImage, StockMovement, SearchLog, SearcherDay, UnmetDay)
    result = runner.invoke(args=["seed-demo"], input="")
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    before = [_count(t) for t in tables]
    files = sorted((tmp_path / "media").rglob("*"))
    assert _count(Product) >= 56 * 10 and _count(ProductImage) >= _count(Product)
    result = runner.invoke(args=["seed-demo"], input="")
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert [_count(t) for t in tables] == before
    assert sorted((tmp_path / "media").rglob("*")) == files


@pytest.mark.parametrize(
    "email",
    [
        "admin@pasarsentra.test",
        "pembeli@pasarsentra.test",
        "mitra@pasarsentra.test",
        "pengelola.jatiwaringin@pasarsentra.test",
    ],
)
def test_demo_accounts_use_the_demo_password(seeded, email):
    user = _user(email)
    assert user is not None and check_password_hash(user.password_hash, DEMO_PASSWORD)


def test_demo_admin_is_program_office_and_buyer_is_not(seeded):
    assert _user("admin@pasarsentra.test").is_admin is True
    assert _user("pembeli@pasarsentra.test").is_admin is False


def test_demo_partner_account_owns_a_verified_partner(seeded):
    mitra = _user("mitra@pasarsentra.test")
    partner = db.session.scalar(
        select(Partner)
        .join(PartnerMembership)
        .where(PartnerMembership.user_id == mitra.id, PartnerMembership.role == PartnerRole.OWNER)
    )
    assert partner is not None and partner.status == PartnerStatus.VERIFIED


def test_demo_manager_owns_the_jatiwaringin_sentra(seeded):
    owner = _user("pengelola.jatiwaringin@pasarsentra.test")
    membership = db.session.scalar(
        select(SentraMembership).join(Sentra).where(Sentra.slug == "jatiwaringin", SentraMembership.user_id == owner.id)
    )
    assert membership is not None and membership.role == Role.OWNER


def test_demo_directory_lists_56_sentras(client, seeded):
    response = client.get("/sentra")
    assert response.status_code == 200
    assert response.get_data(as_text=True).count("sentra-card") == 56


def test_demo_buyer_has_a_saved_kota_bekasi_address_for_checkout(seeded):
    buyer = db.session.scalar(select(User).where(User.email == "pembeli@pasarsentra.test"))
    [address] = buyer.addresses
    assert address.is_default and address.kelurahan_code == "32.75.08.1001"
