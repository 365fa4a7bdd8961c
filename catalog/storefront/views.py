"""Public pages: home, the sentra directory, storefronts, categories and product pages."""
from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user

from catalog.pricing import strategy_for
from catalog.reviews.queries import product_reviews
from catalog.storefront import popularity, product_page, queries
from catalog.storefront.display import Texts, media_prefix, photo_urls
from catalog.storefront.freshness import SEARCH, SENTRAS, category_scope, sentra_scope
from shop import dashboards
from shop.caching import public_page, public_until
from shop.i18n import current_language
from shop.i18n import gettext as _
from shop.storage import get_storage
from shop.validation import whatsapp_link

bp = Blueprint("storefront", __name__)


def _page_number(name: str = "page") -> int:
    """``?page=`` (or ``name``) as a positive integer; anything else is the first page."""
    page = request.args.get(name, "1")
    return int(page) if page.isdigit() and 0 < int(page) <= 10_000 else 1


@bp.get("/")
def home():
    """A shop: popular products first, subsector chips, and the sentras of the chosen kecamatan.

    The kecamatan is a query parameter (``?kecamatan=32.75.08``), never a cookie: the page
    cache keeps guest pages by URL, so each choice is its own cached page. An unknown code
    is ignored (the page shows the featured sentras instead).
    """
    ref = queries.reference()
    kecamatan = ref.kecamatan.get(request.args.get("kecamatan", ""))
    popular = popularity.popular_products()
    # Sentras, and the cards of products of these sentras (their stock and prices move their sentra's
    # scope); SEARCH moves when a product becomes public, or leaves, anywhere.
    public_page(SENTRAS, SEARCH, *sorted({sentra_scope(card.sentra_id) for card in popular}))
    if kecamatan is not None:
        sentras = [s for s in queries.public_sentras() if s.kelurahan.kecamatan.code == kecamatan.code]
    else:
        sentras = queries.featured_sentras()
    return render_template(
        "catalog/storefront/home.html",
        popular=Texts().cards(popular, get_storage()),
        sentras=sentras,
        kecamatan=kecamatan,
        all_kecamatan=list(ref.kecamatan.values()),
        subsectors=queries.all_subsectors(),
        locale=current_language(),
    )


@bp.get("/sentra")
def directory():
    """All active sentras on one page, grouped by kecamatan; filter by subsector or text."""
    subsectors = queries.all_subsectors()
    chosen = request.args.get("subsector") or None
    if chosen and chosen not in queries.reference().subsectors:
        chosen = None
    text = (request.args.get("q") or "").strip()[:80] or None
    sentras = queries.public_sentras(subsector=chosen, text=text)
    public_page(SENTRAS)
    return render_template(
        "catalog/storefront/directory.html",
        groups=queries.group_by_kecamatan(sentras),
        total=len(sentras),
        subsectors=subsectors,
        chosen=chosen,
        text=text or "",
        locale=current_language(),
    )


@bp.get("/sentra/<slug>")
def sentra_detail(slug: str):
    """A sentra's storefront with its products, 24 a page. :raise 404: unknown or not active sentra."""
    found = queries.public_sentra(slug)
    if found is None:
        abort(404)
    sentra = found.sentra
    public_page(sentra_scope(sentra.id))
    products = queries.sentra_products(sentra.id, _page_number())
    texts = Texts()
    classes = dashboards.provided(dashboards.STOREFRONT_CLASSES)
    classes = classes(sentra) if classes is not None else []
    if classes:  # an ended class leaves the list without a write: a cached copy lasts until then
        public_until(min(klass.ends_at for klass in classes))
    facilities = dashboards.provided(dashboards.STOREFRONT_FACILITIES)
    openings = dashboards.provided(dashboards.STOREFRONT_OPENINGS)
    return render_template(
        "catalog/storefront/sentra.html",
        classes=classes,
        facilities=facilities(sentra) if facilities is not None else [],
        openings=openings(sentra) if openings is not None else [],
        sentra=sentra,
        members=found.members,
        potential=found.potential,
        whatsapp=whatsapp_link(sentra.whatsapp),
        products=products,
        cards=texts.cards(products.items, get_storage()),
        rating_text=texts.rating(sentra.rating_avg),
    )


@bp.get("/kategori/<code>")
def category(code: str):
    """Public products of one subsector, newest first, optionally in one kecamatan.

    :raise 404: unknown subsector code.
    """
    ref = queries.reference()
    subsector = ref.subsectors.get(code)
    if subsector is None:
        abort(404)
    kecamatan = ref.kecamatan.get(request.args.get("kecamatan", ""))
    codes = ref.kelurahan_codes_of(kecamatan.code) if kecamatan else None
    products = queries.category_products(code, codes, _page_number())
    public_page(category_scope(code))
    return render_template(
        "catalog/storefront/category.html",
        subsector=subsector,
        kecamatan=kecamatan,
        all_kecamatan=list(ref.kecamatan.values()),
        products=products,
        cards=Texts().cards(products.items, get_storage()),
        locale=current_language(),
    )


@bp.get("/p/<int:product_id>-<slug>")
def product_detail(product_id: int, slug: str):
    """A public product page. A wrong slug redirects (301) to the canonical URL.

    :raise 404: unknown, draft or archived product, or its sentra is not active.
    """
    strategy = strategy_for(current_user)
    product = product_page.public_product(product_id, with_tiers=strategy.shows_tiers)
    if product is None:
        abort(404)
    if slug != product.slug:
        return redirect(url_for("storefront.product_detail", product_id=product.id, slug=product.slug,
                                **request.args), code=301)
    public_page(sentra_scope(product.sentra.id))
    texts = Texts()
    chosen = _chosen_variant(product.variants)
    prices = {v.id: strategy.price(v).unit_price_idr for v in product.variants}
    stocks = {v.id: texts.stock(v.stock, product.made_to_order, product.lead_time_days) for v in product.variants}
    tiers = {v.id: strategy.visible_tiers(v) for v in product.variants} if strategy.shows_tiers else {}
    page_url = url_for("storefront.product_detail", product_id=product.id, slug=product.slug, _external=True)
    more = queries.more_from_sentra(product.sentra.id, product.id)
    reviews = product_reviews(product.id, product.rating_count, _page_number("reviews_page"))
    storage = get_storage()
    media = media_prefix(storage)
    photos, variant_photos = _photos_for(product, chosen)
    if chosen is not None:
        headline_stock = stocks[chosen.id]
    elif product.made_to_order:
        headline_stock = texts.stock(0, True, product.lead_time_days)
    else:
        headline_stock = None
    return render_template(
        "catalog/storefront/product.html",
        product=product,
        chosen=chosen,
        texts=texts,
        headline_price=texts.price(prices[chosen.id]) if chosen else texts.price(min(prices.values()),
                                                                                  max(prices.values())),
        headline_stock=headline_stock,
        prices={vid: texts.idr(amount) for vid, amount in prices.items()},
        stocks=stocks,
        tiers=tiers if any(tiers.values()) else None,
        photos=[(photo, photo_urls(photo, media)) for photo in photos],
        variant_photos=variant_photos,
        whatsapp=whatsapp_link(
            product.sentra.whatsapp,
            _("Hello %(sentra)s, I am interested in %(product)s: %(url)s",
              sentra=product.sentra.name, product=product.title, url=page_url),
        ),
        more=texts.cards(more, storage),
        reviews=reviews,
        media=media,
        locale=texts.locale,
    )


def _photos_for(product: product_page.ProductPage, chosen: product_page.VariantView | None):
    """The photos, the chosen variant's own photo first, and the photo each variant shows (its index there).

    A variant without a photo of its own shows the cover; with no photos at all nothing changes.
    """
    photos = list(product.photos)
    if not photos:
        return photos, {}
    first = product.variant_photos.get(chosen.id) if chosen is not None else None
    if first:
        photos.insert(0, photos.pop(first))
    order = {id(photo): index for index, photo in enumerate(photos)}
    return photos, {v.id: order[id(product.photos[product.variant_photos.get(v.id, 0)])] for v in product.variants}


def _chosen_variant(variants: list[product_page.VariantView]) -> product_page.VariantView | None:
    """The variant picked with ``?variant=`` (the picker works without JavaScript); else the only one."""
    wanted = request.args.get("variant", "")
    for variant in variants:
        if str(variant.id) == wanted:
            return variant
    return variants[0] if len(variants) == 1 else None
