"""Read-only queries behind the public pages.

The public pages are the hot path (DESIGN.md, Performance budgets), so they read
plain rows with Core selects of the columns they show, never whole ORM graphs,
and take place and subsector names from a per-process cache: that reference data
is seeded once and never changes while the app runs.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from itertools import groupby
from typing import Any

from flask import current_app
from sqlalchemy import and_, bindparam, exists, false, func, select, true

from catalog.products.models import Product, ProductImage, ProductStatus, Variant
from shop.database import prebuilt_rows
from shop.extensions import db
from shop.paging import Page
from shop.places.models import Kecamatan, Kelurahan, KelurahanSurvey, Subsector
from shop.records import quick_init
from shop.sentras.models import Sentra, SentraMembership, SentraStatus, sentra_subsector

PER_PAGE = 24
MORE_FROM_SENTRA = 4
# A list counts its products this far past the page's first one; beyond, it says "more than".
COUNT_AHEAD = 500


# --- reference data, cached per process ---------------------------------------------------


@dataclass(frozen=True)
class KecamatanRef:
    code: str
    name: str
    alias: str | None


@dataclass(frozen=True)
class KelurahanRef:
    code: str
    name: str
    alias: str | None
    kecamatan: KecamatanRef


@dataclass(frozen=True)
class SubsectorRef:
    code: str
    name_id: str
    name_en: str

    def name_for(self, locale: str) -> str:
        return self.name_en if locale == "en" else self.name_id


@dataclass(frozen=True)
class Reference:
    kecamatan: dict[str, KecamatanRef]  # by name
    kelurahan: dict[str, KelurahanRef]
    subsectors: dict[str, SubsectorRef]  # ordered by Indonesian name

    def kelurahan_codes_of(self, kecamatan_code: str) -> list[str]:
        return [k.code for k in self.kelurahan.values() if k.kecamatan.code == kecamatan_code]


_CACHE_KEY = "catalog.reference"


def reference() -> Reference:
    """Kecamatan, kelurahan and subsectors, read once per process (per app)."""
    cached = current_app.extensions.get(_CACHE_KEY)
    if cached is not None:
        return cached
    kecamatan = {
        code: KecamatanRef(code, name, alias)
        for code, name, alias in db.session.execute(
            select(Kecamatan.code, Kecamatan.name, Kecamatan.alias).order_by(Kecamatan.name)
        )
    }
    kelurahan = {
        code: KelurahanRef(code, name, alias, kecamatan[kec])
        for code, name, alias, kec in db.session.execute(
            select(Kelurahan.code, Kelurahan.name, Kelurahan.alias, Kelurahan.kecamatan_code).order_by(Kelurahan.name)
        )
    }
    subsectors = {
        code: SubsectorRef(code, name_id, name_en)
        for code, name_id, name_en in db.session.execute(
            select(Subsector.code, Subsector.name_id, Subsector.name_en).order_by(Subsector.name_id)
        )
    }
    ref = Reference(kecamatan, kelurahan, subsectors)
    if subsectors and kelurahan:  # not before seed-places has run
        current_app.extensions[_CACHE_KEY] = ref
    return ref


def all_subsectors() -> list[SubsectorRef]:
    return list(reference().subsectors.values())


# --- sentras ---------------------------------------------------------------------------------


@quick_init
@dataclass(frozen=True)
class SentraView:
    """What public pages show of a sentra (the attributes sentra_card() reads)."""

    id: int
    slug: str
    name: str
    kelurahan: KelurahanRef
    subsectors: list[SubsectorRef] = field(default_factory=list)
    description: str = ""
    whatsapp: str = ""
    address: str = ""
    opening_hours: str | None = None
    logo_key: str | None = None
    rating_avg: float = 0.0
    rating_count: int = 0


SENTRA_COLUMNS = (
    Sentra.id, Sentra.slug, Sentra.name, Sentra.applied_kelurahan_code, Sentra.description,
    Sentra.whatsapp, Sentra.address, Sentra.opening_hours, Sentra.logo_key, Sentra.rating_avg, Sentra.rating_count,
)
_SUBSECTORS_OF = select(sentra_subsector.c.sentra_id, sentra_subsector.c.subsector_code).where(
    sentra_subsector.c.sentra_id.in_(bindparam("ids", expanding=True))
)
_MEMBERS = (
    select(func.count(SentraMembership.id))
    .where(SentraMembership.sentra_id == Sentra.id)
    .correlate(Sentra)
    .scalar_subquery()
    .label("members")
)
# The office's survey of the sentra's kelurahan in force (issue 22), joined in: no statement more.
# Table aliases, not ORM ones: aliasing a mapped class configures every mapper at import.
_SURVEY = KelurahanSurvey.__table__.alias("survey")
_NEWER_SURVEY = KelurahanSurvey.__table__.alias("newer_survey")
_SENTRA_BY_SLUG = (
    select(*SENTRA_COLUMNS, _MEMBERS, _SURVEY.c.raw_materials, _SURVEY.c.artisans, _SURVEY.c.cultural_assets)
    .outerjoin(_SURVEY, and_(
        _SURVEY.c.kelurahan_code == Sentra.applied_kelurahan_code,
        ~exists().where(_NEWER_SURVEY.c.kelurahan_code == _SURVEY.c.kelurahan_code,
                        _NEWER_SURVEY.c.version > _SURVEY.c.version)))
    .where(Sentra.slug == bindparam("slug"), Sentra.status == SentraStatus.ACTIVE)
)
_FEATURED = (
    select(*SENTRA_COLUMNS)
    .where(Sentra.status == SentraStatus.ACTIVE)
    .order_by(Sentra.decided_at.desc().nulls_last(), Sentra.id.desc())
    .limit(bindparam("limit"))
)
_ACTIVE = select(*SENTRA_COLUMNS).where(Sentra.status == SentraStatus.ACTIVE)
_ACTIVE_IN_SUBSECTOR = _ACTIVE.where(
    Sentra.id.in_(select(sentra_subsector.c.sentra_id).where(sentra_subsector.c.subsector_code == bindparam("subsector")))
)
_ACTIVE_KELURAHAN = select(Sentra.kelurahan_code).where(Sentra.status == SentraStatus.ACTIVE)
# A text tests every active sentra's name and place: those two columns first, the shown ones for the few that hold it.
_ACTIVE_NAMES = select(Sentra.id, Sentra.name, Sentra.applied_kelurahan_code).where(Sentra.status == SentraStatus.ACTIVE)
_ACTIVE_NAMES_IN_SUBSECTOR = _ACTIVE_NAMES.where(
    Sentra.id.in_(select(sentra_subsector.c.sentra_id).where(sentra_subsector.c.subsector_code == bindparam("subsector")))
)
_ACTIVE_BY_ID = _ACTIVE.where(Sentra.id.in_(bindparam("ids", expanding=True)))


def _subsectors_by_sentra(ids: list[int]) -> dict[int, list[SubsectorRef]]:
    if not ids:
        return {}
    ref = reference().subsectors
    out: dict[int, list[SubsectorRef]] = {}
    for sentra_id, code in prebuilt_rows(_SUBSECTORS_OF, ids=ids):
        out.setdefault(sentra_id, []).append(ref[code])
    for items in out.values():
        items.sort(key=lambda s: s.name_id)
    return out


def _sentra_views(rows: list[Any]) -> list[SentraView]:
    kelurahan = reference().kelurahan
    subsectors = _subsectors_by_sentra([row.id for row in rows])
    return [
        SentraView(
            id=row.id, slug=row.slug, name=row.name, kelurahan=kelurahan[row.applied_kelurahan_code],
            subsectors=subsectors.get(row.id, []), description=row.description, whatsapp=row.whatsapp,
            address=row.address, opening_hours=row.opening_hours, logo_key=row.logo_key,
            rating_avg=row.rating_avg or 0.0, rating_count=row.rating_count or 0,
        )
        for row in rows
    ]


def public_sentras(subsector: str | None = None, text: str | None = None) -> list[SentraView]:
    """Active sentras ordered by kecamatan then kelurahan, with places and subsectors.

    With ``text``: those whose name, kelurahan or kecamatan (names squashed, or their aliases) hold it.
    """
    if text:
        needle = text.strip().lower()
        places = _places_holding(needle)
        names = prebuilt_rows(_ACTIVE_NAMES_IN_SUBSECTOR, subsector=subsector) if subsector \
            else prebuilt_rows(_ACTIVE_NAMES)
        ids = [row.id for row in names if row.applied_kelurahan_code in places or needle in row.name.lower()]
        found = {row.id: row for row in prebuilt_rows(_ACTIVE_BY_ID, ids=ids)} if ids else {}
        rows = [found[i] for i in ids if i in found]  # in the order of the read that tested them
    else:
        rows = prebuilt_rows(_ACTIVE_IN_SUBSECTOR, subsector=subsector) if subsector else prebuilt_rows(_ACTIVE)
    views = _sentra_views(rows)
    views.sort(key=lambda s: (s.kelurahan.kecamatan.name, s.kelurahan.name))
    return views


def _places_holding(needle: str) -> set[str]:
    """Codes of the kelurahan whose name or kecamatan's name (squashed), or their aliases, hold ``needle``.

    Decided once per kelurahan, not once per sentra (a search tests every sentra against its text).
    """
    squashed = needle.replace(" ", "")
    return {
        code for code, kel in reference().kelurahan.items()
        if squashed in kel.name.lower()
        or needle in (kel.alias or "").lower()
        or squashed in kel.kecamatan.name.lower()
        or needle in (kel.kecamatan.alias or "").lower()
    }


def group_by_kecamatan(sentras: list[SentraView]) -> list[tuple[KecamatanRef, list[SentraView]]]:
    return [(kec, list(items)) for kec, items in groupby(sentras, key=lambda s: s.kelurahan.kecamatan)]


@dataclass(frozen=True)
class KelurahanPotential:
    """What the storefront shows of the office's latest field survey of the sentra's kelurahan."""

    raw_materials: str
    artisans: str
    cultural_assets: str


@quick_init
@dataclass(frozen=True)
class StorefrontSentra:
    sentra: SentraView
    members: int
    potential: KelurahanPotential | None  # None: not surveyed, or the survey says nothing of these three


def public_sentra(slug: str) -> StorefrontSentra | None:
    """An active sentra by slug with its number of members and its kelurahan's potential, or None."""
    rows = prebuilt_rows(_SENTRA_BY_SLUG, slug=slug)
    if not rows:
        return None
    row = rows[0]
    texts = (row.raw_materials or "", row.artisans or "", row.cultural_assets or "")
    return StorefrontSentra(_sentra_views(rows)[0], row.members, KelurahanPotential(*texts) if any(texts) else None)


def featured_sentras(limit: int = 6) -> list[SentraView]:
    """Newest active sentras first (a curated choice can replace this later)."""
    return _sentra_views(prebuilt_rows(_FEATURED, limit=limit))


def marketplace_counts() -> dict[str, int]:
    codes = [row.kelurahan_code for row in prebuilt_rows(_ACTIVE_KELURAHAN)]
    kelurahan = reference().kelurahan
    return {
        "sentras": len(codes),
        "kecamatan": len({kelurahan[c].kecamatan.code for c in codes if c in kelurahan}),
    }


# --- product cards -----------------------------------------------------------------------------


@quick_init
@dataclass(frozen=True)
class Photo:
    """A stored photo's keys and size, enough for image_urls() and the width/height attributes."""

    key: str
    thumb_320_key: str
    thumb_960_key: str
    width: int
    height: int
    alt_text: str

    def height_at(self, width: int) -> int:
        return max(1, round(self.height * width / self.width)) if self.width else width


@quick_init
@dataclass(frozen=True)
class ProductCard:
    id: int
    title: str
    slug: str
    price_min_idr: int
    price_max_idr: int
    stock: int
    made_to_order: bool
    lead_time_days: int | None
    photo: Photo | None
    sentra_name: str | None = None
    kelurahan: KelurahanRef | None = None
    sentra_id: int | None = None  # with the sentra's name: the page-cache scope a list of cards depends on


def _first_image_id():
    return (
        select(ProductImage.id)
        .where(ProductImage.product_id == Product.id)
        .order_by(ProductImage.position, ProductImage.id)
        .limit(1)
        .correlate(Product)
        .scalar_subquery()
    )


def _listed():
    """The product has an active variant (``Product.listed``, kept from its variants): read on the product's
    row or index entry, with no lookup of its variants."""
    return Product.listed == true()


def _page_of_products(where: tuple[Any, ...], sentra_where: tuple[Any, ...], by_id: bool = False):
    """The ids of the public products that match, newest first, walking an index in that order.

    ``where`` is on the product, ``sentra_where`` on its sentra. The walk
    (``ix_product_subsector_newest`` or ``ix_product_sentra_newest``) reads a page's rows
    and stops, however large the catalogue. ``by_id``: ``where`` names the products by id,
    which are then read by key; their status is tested on the row (``|| ''``), so SQLite
    without statistics (a new database) never walks every active product of an index led by
    ``status`` (``ix_product_popular``, ``ix_product_public``) instead.
    """
    status = Product.status.concat("") if by_id else Product.status
    return (
        select(Product.id)
        # ``+ 0`` keeps SQLite from reaching the products through their sentra (every product of
        # every active sentra, then a sort): it takes them in the index's order, each sentra by key.
        .join(Sentra, Sentra.id == Product.sentra_id + 0)
        .where(status == ProductStatus.ACTIVE, Sentra.status == SentraStatus.ACTIVE, _listed(),
               *where, *sentra_where)
        .order_by(Product.created_at.desc(), Product.id.desc())
    )


def _count_of_products(where: tuple[Any, ...], sentra_where: tuple[Any, ...]):
    """How many public products match, counted no further than ``count_limit``.

    The sentras are chosen first, so ``ix_product_public`` (status, listed, sentra, subsector)
    finds exactly the matching products, with or without a kecamatan filter, and the count stops
    at the limit: its cost follows the limit, not the catalogue, and it reads no variant.
    """
    sentras = select(Sentra.id).where(Sentra.status == SentraStatus.ACTIVE, *sentra_where)
    matching = (
        select(Product.id)
        .where(Product.status == ProductStatus.ACTIVE, Product.sentra_id.in_(sentras), _listed(), *where)
        .limit(bindparam("count_limit"))
        .subquery("capped")
    )
    return select(func.count()).select_from(matching).scalar_subquery()


def _card_query(*where: Any, sentra_where: tuple[Any, ...] = (), with_sentra: bool = False, counted: bool = True,
                by_id: bool = False):
    """One row per public product of a page: retail price range, total stock and first photo.

    The page's ids are chosen first (an index walk, ``limit``/``offset``), then only those
    products are joined to their variants and photos. With ``counted``, every row also
    carries ``total``: how many match, counted no further than ``count_limit`` (the caller
    asks for a little more than the page needs, see :data:`COUNT_AHEAD`).

    Prices here are the retail unit prices at quantity 1, which every pricing
    strategy agrees on (wholesale tiers start at 2 units), so a list needs no
    per-variant strategy call.
    """
    page = _page_of_products(where, sentra_where, by_id).limit(bindparam("limit")).offset(bindparam("offset")).subquery("page")
    columns = [
        Product.id, Product.title, Product.slug, Product.made_to_order, Product.lead_time_days,
        func.min(Variant.price_idr).label("price_min"), func.max(Variant.price_idr).label("price_max"),
        func.sum(Variant.stock).label("stock"),
        ProductImage.key.label("image_key"), ProductImage.thumb_320_key, ProductImage.thumb_960_key,
        ProductImage.width, ProductImage.height, ProductImage.alt_text,
    ]
    if counted:
        columns.append(_count_of_products(where, sentra_where).label("total"))
    group = [Product.id, ProductImage.id]
    if with_sentra:
        columns += [Sentra.name.label("sentra_name"), Sentra.applied_kelurahan_code, Sentra.id.label("sentra_id")]
        group.append(Sentra.id)
    statement = (
        select(*columns)
        .select_from(page)
        .join(Product, Product.id == page.c.id)
        .join(Variant, and_(Variant.product_id == Product.id, Variant.archived == false()))
        .outerjoin(ProductImage, ProductImage.id == _first_image_id())
    )
    if with_sentra:
        statement = statement.join(Sentra, Sentra.id == Product.sentra_id)
    return statement.group_by(*group).order_by(Product.created_at.desc(), Product.id.desc())


_SENTRA_CARDS = _card_query(Product.sentra_id == bindparam("sentra_id"))
_MORE_CARDS = _card_query(Product.sentra_id == bindparam("sentra_id"), Product.id != bindparam("product_id"),
                          counted=False)
_CATEGORY_CARDS = _card_query(Product.subsector_code == bindparam("subsector"), with_sentra=True)
_CATEGORY_CARDS_IN = _card_query(
    Product.subsector_code == bindparam("subsector"),
    sentra_where=(Sentra.kelurahan_code.in_(bindparam("kelurahan", expanding=True)),),
    with_sentra=True,
)


def _card(row: Any, kelurahan: dict[str, KelurahanRef] | None = None) -> ProductCard:
    """A card from a :func:`_card_query` row (with its sentra when ``kelurahan`` is given)."""
    return ProductCard(
        id=row.id, title=row.title, slug=row.slug, price_min_idr=row.price_min, price_max_idr=row.price_max,
        stock=int(row.stock or 0), made_to_order=row.made_to_order, lead_time_days=row.lead_time_days,
        photo=Photo(row.image_key, row.thumb_320_key, row.thumb_960_key, row.width, row.height, row.alt_text)
        if row.image_key else None,
        sentra_name=row.sentra_name if kelurahan is not None else None,
        kelurahan=kelurahan.get(row.applied_kelurahan_code) if kelurahan is not None else None,
        sentra_id=row.sentra_id if kelurahan is not None else None,
    )


def _cards(statement, page: int, per_page: int, with_sentra: bool = False, **params: Any) -> Page:
    """A page of cards; its total is exact up to :data:`COUNT_AHEAD` products past the page's start.

    Beyond that the page says "more than" (``Page.total_is_lower_bound``): an exact count
    would read every matching product, and the category pages would slow down as the
    catalogue grows.
    """
    offset = (page - 1) * per_page
    count_limit = offset + max(COUNT_AHEAD, per_page) + 1  # enough to know whether a next page exists
    rows = prebuilt_rows(statement, limit=per_page, offset=offset, count_limit=count_limit, **params)
    total = rows[0].total if rows else 0
    if not rows and page > 1:  # past the last page: still say how many there are
        count_limit = max(COUNT_AHEAD, per_page) + 1
        first = prebuilt_rows(statement, limit=1, offset=0, count_limit=count_limit, **params)
        total = first[0].total if first else 0
    more = total >= count_limit
    kelurahan = reference().kelurahan if with_sentra else None
    items = [_card(row, kelurahan) for row in rows]
    return Page(items, total - 1 if more else total, page, per_page, total_is_lower_bound=more)


def sentra_products(sentra_id: int, page: int = 1, per_page: int = PER_PAGE) -> Page:
    """A page of an active sentra's public products, newest first."""
    return _cards(_SENTRA_CARDS, page, per_page, sentra_id=sentra_id)


def category_products(subsector_code: str, kelurahan_codes: list[str] | None = None, page: int = 1,
                      per_page: int = PER_PAGE) -> Page:
    """A page of public products of one subsector across active sentras, newest first.

    ``kelurahan_codes`` limits them to sentras of those kelurahan (a kecamatan filter).
    """
    if kelurahan_codes is None:
        return _cards(_CATEGORY_CARDS, page, per_page, True, subsector=subsector_code)
    return _cards(_CATEGORY_CARDS_IN, page, per_page, True, subsector=subsector_code, kelurahan=kelurahan_codes)


def more_from_sentra(sentra_id: int, product_id: int, limit: int = MORE_FROM_SENTRA) -> list[ProductCard]:
    """The sentra's newest other public products (no total: the product page shows none)."""
    rows = prebuilt_rows(_MORE_CARDS, limit=limit, offset=0, sentra_id=sentra_id, product_id=product_id)
    return [_card(row) for row in rows]
