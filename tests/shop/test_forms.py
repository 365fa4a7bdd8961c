"""Every form speaks the page's language, WTForms' own messages included, and refuses a NUL character."""
from __future__ import annotations

import importlib
import pkgutil

from flask_wtf import FlaskForm
from wtforms import Form

from shop.extensions import db
from shop.forms import PageForm, SubForm
from tests.factories import PASSWORD, make_user


def _login(client, user) -> None:
    assert client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302


def test_wtforms_own_required_message_is_indonesian_on_an_indonesian_page(client):
    body = client.post("/login", data={"email": "", "password": "x"}).get_data(as_text=True)
    assert "Kolom ini wajib diisi." in body
    assert "This field is required." not in body


def test_wtforms_own_length_message_is_indonesian_on_an_indonesian_page(client):
    body = client.post("/lupa-sandi", data={"email": "x" * 10_000}).get_data(as_text=True)
    assert "Field cannot be longer" not in body
    assert "karakter" in body


def test_wtforms_own_messages_stay_english_on_an_english_page(client):
    client.post("/bahasa", data={"lang": "en"})
    body = client.post("/login", data={"email": "", "password": "x"}).get_data(as_text=True)
    assert "This field is required." in body


def test_a_nul_character_is_a_field_error_and_nothing_is_saved(client):
    user = make_user(name="Sari Warga")
    db.session.commit()
    _login(client, user)
    response = client.post("/akun", data={"name": "Sari\x00Warga", "phone": ""})
    assert response.status_code == 400  # the profile page's answer to a refused form
    assert "tidak dapat disimpan (NUL)" in response.get_data(as_text=True)
    db.session.expire_all()
    assert user.name == "Sari Warga"


def _all_modules() -> None:
    for package in ("shop", "catalog", "orders"):
        root = importlib.import_module(package)
        for info in pkgutil.walk_packages(root.__path__, f"{package}."):
            importlib.import_module(info.name)


def _subclasses(cls: type) -> set[type]:
    found = set(cls.__subclasses__())
    return found.union(*(_subclasses(sub) for sub in found)) if found else found


def test_every_form_of_the_app_takes_its_messages_from_the_shared_base():
    _all_modules()
    ours = [cls for cls in _subclasses(Form) if cls.__module__.split(".")[0] in ("shop", "catalog", "orders")]
    assert ours, "no form found"
    stray = sorted(f"{cls.__module__}.{cls.__qualname__}" for cls in ours
                   if not issubclass(cls, (PageForm, SubForm)) and cls is not PageForm and cls is not SubForm)
    assert stray == [], "derive from shop.forms.PageForm (or SubForm for rows), not FlaskForm or wtforms.Form"
    assert FlaskForm in PageForm.__mro__
