"""Every rupiah a form takes is read by shop.money's one parser (through RupiahField)."""
from __future__ import annotations

import pytest
from wtforms.fields.core import UnboundField
from wtforms.form import BaseForm

from shop.money import RupiahField

# Money fields whose names do not end in _idr.
NAMED_OTHERWISE = {("PayoutForm", "amount"), ("AdjustmentForm", "amount"), ("ThresholdForm", "threshold")}


def _subclasses(cls: type) -> set[type]:
    found = set()
    for sub in cls.__subclasses__():
        found |= {sub} | _subclasses(sub)
    return found


def _money_fields() -> list[tuple[str, str, UnboundField]]:
    """(form, field, unbound field) of every money field of the app's forms (all are imported by the app)."""
    fields = []
    for form in _subclasses(BaseForm):
        if not form.__module__.startswith(("shop.", "catalog.", "orders.")):
            continue
        for name in dir(form):
            value = getattr(form, name, None)
            if isinstance(value, UnboundField) and (name.endswith("_idr") or (form.__name__, name) in NAMED_OTHERWISE):
                fields.append((form.__name__, name, value))
    return fields


@pytest.mark.nodb
def test_every_rupiah_field_of_every_form_is_read_by_the_one_parser(app):
    fields = _money_fields()
    found = {(form, name) for form, name, _ in fields}
    assert found >= NAMED_OTHERWISE  # the list above still names real fields
    assert len(found) >= 10
    assert [(form, name) for form, name, unbound in fields if not issubclass(unbound.field_class, RupiahField)] == []
