"""A sentra's opportunities ("Peluang"): what people nearby look for and cannot find, and what they
buy from other sentras, for the sentra's members (page and API)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from orders.impact.period import Period
from orders.potential.queries import Elsewhere, Term, bought_elsewhere, unmet_terms
from shop.extensions import db
from shop.places.models import Kecamatan, Kelurahan, Subsector
from shop.sentras.models import Sentra


@dataclass
class Opportunities:
    period: Period
    kelurahan: Kelurahan
    kecamatan: Kecamatan
    unmet_kelurahan: list[Term]
    unmet_kecamatan: list[Term]
    elsewhere: Elsewhere
    subsector_names: dict[str, Subsector]


def sentra_opportunities(sentra: Sentra, period: Period) -> Opportunities:
    """The opportunities of ``sentra``'s kelurahan and kecamatan in ``period`` (reads the rollup)."""
    kelurahan = db.session.get(Kelurahan, sentra.kelurahan_code)
    kecamatan = kelurahan.kecamatan
    unmet = unmet_terms(period, [kelurahan.code, kecamatan.code])
    elsewhere = bought_elsewhere(period, kelurahan.code)
    names = {code: db.session.get(Subsector, code) for code, _n in elsewhere.subsectors}
    return Opportunities(period, kelurahan, kecamatan, unmet.get(kelurahan.code, []), unmet.get(kecamatan.code, []),
                         elsewhere, names)


def opportunities_json(found: Opportunities, locale: str) -> dict[str, Any]:
    def terms(items: list[Term]) -> list[dict[str, Any]]:
        return [{"term": t.term, "searches": t.searches, "searchers": t.searchers} for t in items]

    return {
        "from": found.period.first.isoformat(), "to": found.period.last.isoformat(),
        "kelurahan": {"code": found.kelurahan.code, "name": found.kelurahan.name,
                      "unmet": terms(found.unmet_kelurahan)},
        "kecamatan": {"code": found.kecamatan.code, "name": found.kecamatan.name,
                      "unmet": terms(found.unmet_kecamatan)},
        "bought_elsewhere": {
            "subsectors": [{"code": code, "name": found.subsector_names[code].name_for(locale)
                            if found.subsector_names.get(code) else code, "orders": n}
                           for code, n in found.elsewhere.subsectors],
            "products": [{"title": title, "orders": n} for title, n in found.elsewhere.products],
        },
    }
