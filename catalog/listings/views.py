"""The sentra's listing management at /kelola/<sentra_slug>/produk, made for a phone.

List with search and filters; one page to create or edit a product with its
variants and photos; stock changes; duplicate, archive, restore, publish and
delete. Every view is decorated with :func:`sentra_required` (members manage
listings, managers and owners delete); another sentra's product is a 404.
The CSV routes live in :mod:`catalog.listings.csv_views` on this blueprint.
"""
from __future__ import annotations

import re
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from catalog import images, stock
from catalog.listings import services as listings
from catalog.listings import staging
from catalog.products import queries, services
from catalog.products.forms import (
    STATUS_LABELS,
    PhotoForm,
    ProductForm,
    ProductStatusForm,
    StockForm,
    VariantForm,
    product_initial_data,
)
from catalog.products.models import Product, ProductImage, ProductStatus, Variant
from shop.extensions import db
from shop.i18n import current_language
from shop.places.services import subsector_choices
from shop.sentras.access import sentra_required
from shop.sentras.models import Role
from shop.storage import StorageError

bp = Blueprint("products", __name__, url_prefix="/kelola/<sentra_slug>/produk")

_VARIANT_FIELD = re.compile(r"variants-(\d+)-(\w+)")


# --- helpers --------------------------------------------------------------------------------


def _load(product_id: int) -> Product:
    try:
        return services.load_product(g.sentra.id, product_id)
    except services.ProductNotFoundError:
        abort(404)


def _variant_of(product: Product, variant_id: int) -> Variant:
    try:
        variant = services.load_variant(g.sentra.id, variant_id)
    except services.ProductNotFoundError:
        abort(404)
    if variant.product_id != product.id:
        abort(404)
    return variant


def _thumb_url(product: Product) -> str | None:
    return images.image_urls(product.images[0])["w320"] if product.images else None


def _can_delete() -> bool:
    return Role(g.membership.role).rank >= Role.MANAGER.rank


def _edit_url(product: Product, anchor: str | None = None) -> str:
    return url_for("products.edit", sentra_slug=g.sentra.slug, product_id=product.id, _anchor=anchor)


def _back(product: Product):
    """Quick actions return to the list when they were used there, else to the product."""
    if request.form.get("back") == "list":
        return redirect(url_for("products.index", sentra_slug=g.sentra.slug))
    return redirect(_edit_url(product))


def _new_form(product: Product | None = None, submitted: bool = True) -> ProductForm:
    """The product form: as submitted on a POST to the product page, else filled from ``product``."""
    if submitted and request.method == "POST":
        form = ProductForm()
    elif product is not None:
        form = ProductForm(formdata=None, data=product_initial_data(product))
    else:  # a new product; ?judul= starts it with a title (the sentra's "Peluang" page links so)
        title = (request.args.get("judul") or "").strip()[:120]
        form = ProductForm(formdata=None, data={"title": title} if title else None)
    form.subsector_code.choices = [("", _("Choose a subsector"))] + subsector_choices(current_language())
    return form


def _add_row(form: ProductForm) -> None:
    if len(form.variants) < services.MAX_VARIANTS:
        form.variants.append_entry()
    else:
        flash(_("A product has at most %(n)d variants.", n=services.MAX_VARIANTS), "warning")


def _show_errors(form: ProductForm, rows: list, fields: dict[str, Any]) -> None:
    """Put the service's messages on the fields they belong to ("variants-0-sku" -> row 0's SKU)."""
    for name, message in fields.items():
        match = _VARIANT_FIELD.fullmatch(name)
        if match and int(match[1]) < len(rows) and match[2] in rows[int(match[1])]._fields:
            target = rows[int(match[1])][match[2]]
        elif name in form._fields and name not in ("variants", "photos", "csrf_token"):
            target = form[name]
        else:
            form.form_errors.append(message)
            continue
        target.errors = [*target.errors, message]


def _add_photos(product: Product, form: ProductForm) -> None:
    """Store the uploaded photos; the first bad one raises (the caller rolls everything back).

    Photos staged on an earlier showing of the form come first, in the order they were chosen.
    """
    alt_text = (form.photo_alt.data or "").strip()
    for _token, staged in staging.ticked_photos(form, g.sentra.id, current_user.id):
        try:
            images.add_staged_photo(product, staged, alt_text, actor_id=current_user.id)
        except images.InvalidImageError as error:
            form.photos.errors = [*form.photos.errors, error.message]
            raise
    for upload in form.uploads():
        try:
            images.add_photo(product, upload.read(), alt_text, actor_id=current_user.id)
        except images.InvalidImageError as error:
            form.photos.errors = [*form.photos.errors, _("%(file)s: %(message)s", file=upload.filename,
                                                          message=error.message)]
            raise


def _save(form: ProductForm, product: Product | None) -> tuple[Product | None, int]:
    """Create or update the product and store its new photos in one transaction.

    Returns the product and 200, or None and the status of the page that shows the errors.
    """
    draft, rows = form.draft()
    try:
        if product is None:
            product = listings.create_product(g.sentra, current_user.id, draft)
        else:
            product = listings.update_product(product, current_user.id, draft)
        _add_photos(product, form)
    except services.ProductValidationError as error:
        db.session.rollback()
        _show_errors(form, rows, error.fields)
        return None, 422
    except images.InvalidImageError:
        db.session.rollback()  # also deletes the files stored for this request
        return None, 422
    except IntegrityError:  # a SKU or ref taken by a concurrent save, after validation passed
        db.session.rollback()
        form.form_errors.append(_("Another product was saved with the same SKU just now. Check the SKUs and save again."))
        return None, 409
    except StorageError:
        db.session.rollback()
        current_app.logger.exception("could not store product photos")
        form.photos.errors = [*form.photos.errors, _("The photos could not be stored just now. Please try again.")]
        return None, 503
    db.session.commit()
    return product, 200


def _variant_choices(product: Product) -> list[tuple[str, str]]:
    return [("", _("The whole product"))] + [(str(v.id), v.label or v.sku) for v in product.active_variants]


def _photo_form(product: Product, image: ProductImage) -> PhotoForm:
    """An existing photo's form: its description and the variant it shows."""
    form = PhotoForm(prefix=f"photo-{image.id}", formdata=None,
                     data={"alt_text": image.alt_text, "variant_id": str(image.variant_id or "")})
    form.variant_id.choices = _variant_choices(product)
    return form


def _product_page(form: ProductForm, product: Product | None, status: int = 200,
                  stock_forms: dict[int, StockForm] | None = None):
    """The create page (``product`` None) or the edit page with photos, stock and history."""
    context: dict[str, Any] = {
        "sentra": g.sentra,
        "form": form,
        "product": product,
        "invalid": status >= 400,
        "status_labels": STATUS_LABELS,
        "max_photos": images.MAX_PHOTOS,
        # The row that static/js/products.js copies to add a variant without a round trip.
        "blank_row": VariantForm(formdata=None, prefix="variants-__i__-"),
        "staged": [(token, images.image_urls(photo))
                   for token, photo in staging.ticked_photos(form, g.sentra.id, current_user.id)],
    }
    if product is not None:
        stock_forms = stock_forms or {}
        context.update(
            variants_by_id={v.id: v for v in product.variants},
            photos=[
                (image, images.image_urls(image), _photo_form(product, image))
                for image in product.images
            ],
            stock_forms=[
                (v, stock_forms.get(v.id) or StockForm(prefix=f"stock-{v.id}", formdata=None))
                for v in product.active_variants
            ],
            movements=queries.recent_movements(product.id),
            status_form=ProductStatusForm(formdata=None),
            can_delete=_can_delete(),
        )
    return render_template("catalog/products/form.html", **context), status


# --- list -----------------------------------------------------------------------------------


@bp.get("/")
@sentra_required()
def index(sentra_slug: str):
    """The sentra's products: search (title, ref, SKU), status and low-stock filters, 20 a page."""
    status = request.args.get("status", "")
    filters = queries.ListFilters(
        text=(request.args.get("q") or "").strip()[:80],
        status=status if status in queries.STATUS_FILTERS else "",
        low_stock=request.args.get("low") == "1",
    )
    page = queries.list_products(g.sentra.id, filters, max(request.args.get("page", 1, type=int) or 1, 1))
    rows = [(p, queries.summarize(p), _thumb_url(p)) for p in page.items]
    return render_template(
        "catalog/products/list.html",
        sentra=g.sentra,
        page=page,
        rows=rows,
        filters=filters,
        any_products=bool(rows) or queries.has_products(g.sentra.id),
        status_form=ProductStatusForm(formdata=None),
    )


# --- create and edit ------------------------------------------------------------------------


def _saved_message(product: Product) -> str:
    """What a new product's save says: only a draft still waits to be published."""
    if product.status == ProductStatus.ACTIVE:
        return _("Product saved and published: buyers can find it now.")
    if product.status == ProductStatus.DRAFT:
        return _("Product saved. Publish it when it is ready.")
    return _("Product saved.")


@bp.route("/baru", methods=["GET", "POST"])
@sentra_required()
def create(sentra_slug: str):
    """A new product with its variants and photos; "add another variant" re-renders with a row more."""
    form = _new_form()
    if request.method == "POST" and "add_variant" in request.form:
        _add_row(form)
        staging.keep_uploads(form, g.sentra.id, current_user.id)
        return _product_page(form, None)
    if form.validate_on_submit():
        product, status = _save(form, None)
        if product is not None:
            flash(_saved_message(product), "success")
            return redirect(_edit_url(product))
        staging.keep_uploads(form, g.sentra.id, current_user.id)
        return _product_page(form, None, status)
    if form.is_submitted():
        staging.keep_uploads(form, g.sentra.id, current_user.id)
        return _product_page(form, None, 422)
    return _product_page(form, None)


@bp.route("/<int:product_id>/ubah", methods=["GET", "POST"])
@sentra_required()
def edit(sentra_slug: str, product_id: int):
    """Change a product; a variant row marked remove is archived (orders may point at it)."""
    product = _load(product_id)
    form = _new_form(product)
    if request.method == "POST" and "add_variant" in request.form:
        _add_row(form)
        staging.keep_uploads(form, g.sentra.id, current_user.id)
        return _product_page(form, product)
    if form.validate_on_submit():
        saved, status = _save(form, product)
        if saved is not None:
            flash(_("Changes saved."), "success")
            return redirect(_edit_url(saved))
        staging.keep_uploads(form, g.sentra.id, current_user.id)
        return _product_page(form, _load(product_id), status)
    if form.is_submitted():
        staging.keep_uploads(form, g.sentra.id, current_user.id)
        return _product_page(form, product, 422)
    return _product_page(form, product)


# --- stock ----------------------------------------------------------------------------------


@bp.post("/<int:product_id>/varian/<int:variant_id>/stok")
@sentra_required()
def change_stock(sentra_slug: str, product_id: int, variant_id: int):
    """Restock (add units) or correct (set the counted number); never below zero (409)."""
    product = _load(product_id)
    variant = _variant_of(product, variant_id)
    form = StockForm(prefix=f"stock-{variant.id}")
    if not form.validate_on_submit():
        return _product_page(_new_form(product, submitted=False), product, 422, {variant.id: form})
    note = (form.note.data or "").strip() or None
    try:
        if form.mode.data == "restock":
            movement = stock.restock(variant.id, form.quantity.data, actor_id=current_user.id, note=note)
        else:
            movement = stock.set_stock(variant.id, form.quantity.data, actor_id=current_user.id, note=note)
    except (stock.InsufficientStockError, stock.InvalidQuantityError):
        db.session.rollback()
        form.quantity.errors = [*form.quantity.errors, _("Stock cannot go below zero.")]
        product = _load(product_id)
        return _product_page(_new_form(product, submitted=False), product, 409, {variant.id: form})
    db.session.commit()
    if movement is None:
        flash(_("Stock of %(sku)s was already %(n)d; nothing changed.", sku=variant.sku, n=form.quantity.data), "info")
    else:
        flash(_("Stock of %(sku)s is now %(n)d.", sku=variant.sku, n=movement.stock_after), "success")
    return redirect(_edit_url(product, "stock"))


# --- photos ---------------------------------------------------------------------------------


@bp.post("/<int:product_id>/foto/<int:image_id>")
@sentra_required()
def photo(sentra_slug: str, product_id: int, image_id: int):
    """Change a photo's alt text, move it up or down, or remove it (the files go after the commit)."""
    product = _load(product_id)
    form = PhotoForm(prefix=f"photo-{image_id}")
    if not form.validate_on_submit():
        flash(_("The photo description is at most 200 characters."), "error")
        return _product_page(_new_form(product, submitted=False), product, 422)
    try:
        if form.action.data == "alt":
            images.set_alt_text(product, image_id, (form.alt_text.data or "").strip(), actor_id=current_user.id)
            if form.variant_id.raw_data:  # a form from before photos had a variant sends none
                variant_id = form.variant_id.data or ""
                images.set_photo_variant(product, image_id, int(variant_id) if variant_id.isdigit() else None,
                                         actor_id=current_user.id)
            message = _("Photo description saved.")
        elif form.action.data == "remove":
            images.delete_files_after_commit(images.remove_photo(product, image_id, actor_id=current_user.id))
            message = _("Photo removed.")
        else:
            images.move_photo(product, image_id, -1 if form.action.data == "up" else 1, actor_id=current_user.id)
            message = _("Photo moved.")
    except images.PhotoNotFoundError:
        abort(404)
    except images.InvalidImageError as error:
        db.session.rollback()
        flash(error.message, "error")
        return _product_page(_new_form(product, submitted=False), _load(product_id), 422)
    db.session.commit()
    flash(message, "success")
    return redirect(_edit_url(product, "photos"))


# --- quick actions --------------------------------------------------------------------------


def _change_status(product: Product, status: ProductStatus, done: str):
    try:
        services.set_status(product, current_user.id, status)
    except services.ProductValidationError as error:
        db.session.rollback()
        for message in error.fields.values():
            flash(message, "error")
        return _back(product)
    db.session.commit()
    flash(done, "success")
    return _back(product)


@bp.post("/<int:product_id>/status")
@sentra_required()
def set_status(sentra_slug: str, product_id: int):
    """Publish (active) or unpublish (draft)."""
    product = _load(product_id)
    form = ProductStatusForm()
    if not form.validate_on_submit():
        abort(400)
    status = ProductStatus(form.status.data)
    done = _("Product published.") if status == ProductStatus.ACTIVE else _("Product status changed.")
    return _change_status(product, status, done)


@bp.post("/<int:product_id>/arsip")
@sentra_required()
def archive(sentra_slug: str, product_id: int):
    """Hide a product from the shop and the default list; it can be restored."""
    return _change_status(_load(product_id), ProductStatus.ARCHIVED, _("Product archived."))


@bp.post("/<int:product_id>/pulihkan")
@sentra_required()
def restore(sentra_slug: str, product_id: int):
    """Bring an archived product back as a draft."""
    return _change_status(_load(product_id), ProductStatus.DRAFT, _("Product restored as a draft."))


@bp.post("/<int:product_id>/duplikat")
@sentra_required()
def duplicate(sentra_slug: str, product_id: int):
    """A draft copy with new SKUs, no stock and no photos."""
    product = _load(product_id)
    try:
        copy = listings.duplicate_product(product, current_user.id)
    except services.ProductValidationError as error:
        db.session.rollback()
        for message in error.fields.values():
            flash(message, "error")
        return _back(product)
    db.session.commit()
    flash(_("Copy made. Check its SKUs and prices, then publish it."), "success")
    return redirect(_edit_url(copy))


@bp.post("/<int:product_id>/hapus")
@sentra_required(Role.MANAGER)
def delete(sentra_slug: str, product_id: int):
    """Delete a product for good (managers and owners); its photo files go after the commit."""
    product = _load(product_id)
    title = product.title
    images.delete_files_after_commit(services.delete_product(product))
    db.session.commit()
    flash(_("%(title)s deleted.", title=title), "success")
    return redirect(url_for("products.index", sentra_slug=sentra_slug))
