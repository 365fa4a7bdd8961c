"""The base of every form: WTForms' own messages in the page's language, and text a database can store.

WTForms ships no Indonesian catalogue, so its default messages ("This field is required.", "Not a
valid integer value.", "Field cannot be longer than ...") would reach Indonesian pages in English.
:class:`PageForm` (a Flask-WTF form: CSRF) and :class:`SubForm` (a row inside a FieldList or
FormField) ask the app's own catalogue instead, where :data:`WTFORMS_MESSAGES` puts them.

Both also refuse a NUL character in any field with a field error: PostgreSQL cannot store it in
text, and no one types it.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import flask_babel
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, FieldList, FormField
from wtforms import Form as WTForm

NUL_MESSAGE = _l("This text contains a character that cannot be saved (NUL). Remove it and try again.")

# WTForms' messages as its catalogue spells them (wtforms/locale/wtforms.pot), listed so that
# pybabel extracts them into ours; WTForms asks for them by these msgids. Plural pairs are asked
# for one form at a time (see _Translations.ngettext), so each form is its own msgid.
WTFORMS_MESSAGES = (
    _l("Invalid field name '%s'."),
    _l("Field must be equal to %(other_name)s."),
    _l("Field must be at least %(min)d character long."),
    _l("Field must be at least %(min)d characters long."),
    _l("Field cannot be longer than %(max)d character."),
    _l("Field cannot be longer than %(max)d characters."),
    _l("Field must be exactly %(max)d character long."),
    _l("Field must be exactly %(max)d characters long."),
    _l("Field must be between %(min)d and %(max)d characters long."),
    _l("Number must be at least %(min)s."),
    _l("Number must be at most %(max)s."),
    _l("Number must be between %(min)s and %(max)s."),
    _l("Date must be at least %(min)s."),
    _l("Date must be at most %(max)s."),
    _l("Date must be between %(min)s and %(max)s."),
    _l("This field is required."),
    _l("Invalid input."),
    _l("Invalid email address."),
    _l("Invalid IP address."),
    _l("Invalid Mac address."),
    _l("Invalid URL."),
    _l("Invalid UUID."),
    _l("Invalid value, must be one of: %(values)s."),
    _l("Invalid value, can't be any of: %(values)s."),
    _l("This field cannot be edited."),
    _l("This field is disabled and cannot have a value."),
    _l("Invalid CSRF Token."),
    _l("CSRF token missing."),
    _l("CSRF failed."),
    _l("CSRF token expired."),
    _l("Invalid Choice: could not coerce."),
    _l("Choices cannot be None."),
    _l("Not a valid choice."),
    _l("Invalid choice(s): one or more data inputs could not be coerced."),
    _l("'%(value)s' is not a valid choice for this field."),
    _l("'%(value)s' are not valid choices for this field."),
    _l("Not a valid datetime value."),
    _l("Not a valid date value."),
    _l("Not a valid time value."),
    _l("Not a valid week value."),
    _l("Not a valid integer value."),
    _l("Not a valid decimal value."),
    _l("Not a valid float value."),
    # Flask-WTF's own CSRF messages.
    _l("The CSRF token is missing."),
    _l("The CSRF token is invalid."),
    _l("The CSRF token has expired."),
    _l("The CSRF session token is missing."),
    _l("The CSRF tokens do not match."),
    _l("The referrer header is missing."),
    _l("The referrer does not match the host."),
)


class _Translations:
    """WTForms' translations interface over the app's catalogue, in the request's language."""

    def gettext(self, string: str) -> str:
        return flask_babel.get_translations().ugettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.gettext(singular if n == 1 else plural)


TRANSLATIONS = _Translations()


def _leaves(fields: Iterable[Field]) -> Iterable[Field]:
    for field in fields:
        if isinstance(field, FormField):
            yield from _leaves(field.form)
        elif isinstance(field, FieldList):
            yield from _leaves(field.entries)
        else:
            yield field


def _refuse_nul(fields: Iterable[Field]) -> bool:
    """Add a field error to every field sent with a NUL character; whether there was none."""
    clean = True
    for field in _leaves(fields):
        if any(isinstance(value, str) and "\x00" in value for value in field.raw_data or ()):
            field.errors = [*field.errors, NUL_MESSAGE]
            clean = False
    return clean


class PageForm(FlaskForm):
    """A form posted from a page (CSRF-protected); see the module docstring."""

    class Meta(FlaskForm.Meta):
        def get_translations(self, form: WTForm) -> _Translations:
            return TRANSLATIONS

    def validate(self, extra_validators: Mapping[str, Sequence[Any]] | None = None) -> bool:
        valid = super().validate(extra_validators)
        return _refuse_nul(self) and valid


class SubForm(WTForm):
    """A row of a PageForm (inside a FieldList or FormField); see the module docstring."""

    class Meta(WTForm.Meta):
        def get_translations(self, form: WTForm) -> _Translations:
            return TRANSLATIONS
