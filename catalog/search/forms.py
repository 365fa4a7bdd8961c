"""The search page's one posted form: a guest's kelurahan ("Tempat tinggal"), for the search log."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SelectField

from catalog.storefront.queries import reference
from shop.forms import PageForm


def kelurahan_codes() -> set[str]:
    return set(reference().kelurahan)


class GuestHomeForm(PageForm):
    q = HiddenField()
    kelurahan_code = SelectField(_l("Where do you live?"), choices=[], validate_choice=True)

    def fill_choices(self) -> None:
        """Every kelurahan by kecamatan, from the per-process reference data (no query)."""
        places = sorted(reference().kelurahan.values(), key=lambda kel: (kel.kecamatan.name, kel.name))
        self.kelurahan_code.choices = [("", _l("I would rather not say"))] + [
            (kel.code, f"{kel.name}, {kel.kecamatan.name}") for kel in places]
