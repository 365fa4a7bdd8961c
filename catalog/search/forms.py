"""The search page's one posted form: a guest's kelurahan ("Tempat tinggal"), for the search log."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SelectField

from shop.forms import PageForm
from shop.places.services import kelurahan_choices


class GuestHomeForm(PageForm):
    q = HiddenField()
    kelurahan_code = SelectField(_l("Where do you live?"), choices=[], validate_choice=True)

    def fill_choices(self) -> None:
        self.kelurahan_code.choices = [("", _l("I would rather not say"))] + kelurahan_choices()
