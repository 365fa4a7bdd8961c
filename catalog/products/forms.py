"""Forms of the listing management: the product page (fields, variant rows, photos) and stock."""
from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf.file import MultipleFileField
from wtforms import (
    BooleanField,
    Field,
    FieldList,
    FormField,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Length, Optional, ValidationError

from catalog.products.models import Product, ProductStatus
from catalog.products.services import (
    MAX_VARIANTS,
    ProductDraft,
    VariantDraft,
    format_options,
    format_tiers,
    parse_options,
    parse_tiers,
)
from shop.forms import PageForm, SubForm
from shop.money import RupiahError, RupiahField, read_whole_number

STATUS_LABELS = {
    ProductStatus.DRAFT: _l("Draft (not visible)"),
    ProductStatus.ACTIVE: _l("Active (on sale)"),
    ProductStatus.ARCHIVED: _l("Archived"),
}
MAX_NUMBER = 1_000_000_000  # fits a 32-bit INTEGER column with room to spare
MAX_UNITS = 1_000_000  # per stock change, initial stock or wholesale tier


class WholeNumberField(StringField):
    """A whole number typed on a phone: ``45000``, ``45.000`` and ``45,000`` all read 45000, as
    :func:`shop.money.read_whole_number` reads them (decimals and unclear grouping are refused).

    Empty input is None; what was typed is shown again when it is not a number.
    """

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist:
            return
        self.data = None
        try:
            number = read_whole_number(str(valuelist[0]), allow_negative=True, currency=False)
        except RupiahError as error:
            too_large = error.problem == "too_large"
            raise ValueError(_l("That number is too large.") if too_large
                             else _l("Enter a whole number, for example 45000.")) from None
        if number is not None and abs(number) > MAX_NUMBER:
            raise ValueError(_l("That number is too large."))
        self.data = number

    def _value(self) -> str:
        if self.raw_data:
            return str(self.raw_data[0])
        return "" if self.data is None else str(self.data)


class VariantForm(SubForm):
    """One variant row. ``id`` is empty for a new row; ``stock`` is only read for new rows."""

    id = HiddenField()
    sku = StringField(_l("SKU"), validators=[Length(max=64)])
    options = StringField(
        _l("Options"), validators=[Length(max=300)], description=_l("For example Ukuran=M;Warna=Biru")
    )
    price_idr = RupiahField(_l("Price (Rp)"))
    stock = WholeNumberField(_l("Initial stock"))
    weight_grams = WholeNumberField(_l("Weight (grams)"))
    low_stock_threshold = WholeNumberField(_l("Low-stock alert at"))
    min_wholesale_qty = WholeNumberField(_l("Minimum wholesale quantity"))
    tiers = StringField(
        _l("Wholesale tiers"),
        validators=[Length(max=300)],
        description=_l("Minimum quantity:price per unit, for example 10:45000;50:40000 (partners only)"),
    )
    remove = BooleanField(_l("Remove this variant"))

    @property
    def variant_id(self) -> int | None:
        return int(self.id.data) if (self.id.data or "").isdigit() else None

    def is_blank(self) -> bool:
        """A new row nobody typed into (the spare row, or one added and left empty)."""
        typed = (self.sku.data, self.options.data, self.price_idr.raw_data and self.price_idr.raw_data[0],
                 self.tiers.data)
        return self.variant_id is None and not any((value or "").strip() for value in typed)

    def is_skipped(self) -> bool:
        """Not sent to the service at all (an existing row marked remove is left out, so archived)."""
        return self.is_blank() or bool(self.remove.data)

    def validate_options(self, field: StringField) -> None:
        if self.is_skipped():
            return
        try:
            parse_options(field.data or "")
        except ValueError:
            raise ValidationError(_l("Write options like Ukuran=M;Warna=Biru.")) from None

    def validate_tiers(self, field: StringField) -> None:
        if self.is_skipped():
            return
        try:
            tiers = parse_tiers(field.data or "")
        except ValueError:
            raise ValidationError(_l("Write tiers like 10:45000;50:40000 (minimum quantity:price per unit).")) from None
        if any(tier.min_qty > MAX_UNITS or tier.unit_price_idr > MAX_NUMBER for tier in tiers):
            raise ValidationError(_l("That number is too large."))

    def validate_stock(self, field: WholeNumberField) -> None:
        if field.data is not None and field.data > MAX_UNITS:
            raise ValidationError(_l("At most %(n)s units at once.", n="1.000.000"))

    def validate_price_idr(self, field: RupiahField) -> None:
        if field.data is None and not field.errors and not self.is_skipped():
            raise ValidationError(_l("Enter the price in rupiah."))

    def draft(self) -> VariantDraft:
        return VariantDraft(
            id=self.variant_id,
            sku=(self.sku.data or "").strip(),
            options=parse_options(self.options.data or ""),
            price_idr=self.price_idr.data or 0,
            stock=(self.stock.data or 0) if self.variant_id is None else 0,
            weight_grams=self.weight_grams.data or 0,
            low_stock_threshold=3 if self.low_stock_threshold.data is None else self.low_stock_threshold.data,
            min_wholesale_qty=self.min_wholesale_qty.data,
            tiers=parse_tiers(self.tiers.data or ""),
        )


class TokenListField(Field):
    """Every value posted under the field's name (checkboxes of the photos already uploaded)."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.data = [str(value) for value in valuelist if value][:20]  # the view keeps at most 8

    def _value(self) -> str:
        return ""


class ProductForm(PageForm):
    """The product page: fields, variant rows and new photos (existing photos have their own forms)."""

    title = StringField(_l("Product name"), validators=[Length(max=120)])
    description = TextAreaField(_l("Description"), validators=[Length(max=5000)])
    subsector_code = SelectField(_l("Subsector"), validate_choice=False)
    category = StringField(
        _l("Category"), validators=[Length(max=60)], description=_l("Your own grouping, for example Tas or Keripik")
    )
    status = SelectField(
        _l("Status"), choices=list(STATUS_LABELS.items()), default=ProductStatus.DRAFT, validate_choice=False
    )
    made_to_order = BooleanField(_l("Made to order"))
    lead_time_days = WholeNumberField(_l("Ready in (days)"))
    pirt_number = StringField(_l("P-IRT number"), validators=[Length(max=40)])
    halal_number = StringField(_l("Halal certificate number"), validators=[Length(max=60)])
    shelf_life_days = WholeNumberField(_l("Shelf life (days)"))
    variants = FieldList(FormField(VariantForm), min_entries=1, max_entries=MAX_VARIANTS)
    photos = MultipleFileField(_l("Add photos"))
    # Photos chosen before the form came back (see catalog.listings.staging), kept when ticked.
    staged_photos = TokenListField(default=list)
    photo_alt = StringField(
        _l("Describe the new photos (optional)"),
        validators=[Length(max=200)],
        description=_l("Helps buyers who use a screen reader, for example “Blue batik shirt, front”."),
    )

    def draft(self) -> tuple[ProductDraft, list[VariantForm]]:
        """The submitted product and the form row behind each of its variants (for error messages).

        Blank rows and rows marked remove are left out: an existing variant left out is archived.
        """
        rows = [entry.form for entry in self.variants if not entry.form.is_skipped()]
        draft = ProductDraft(
            title=(self.title.data or "").strip(),
            subsector_code=self.subsector_code.data or "",
            description=(self.description.data or "").strip(),
            category=(self.category.data or "").strip(),
            status=self.status.data or ProductStatus.DRAFT,
            made_to_order=bool(self.made_to_order.data),
            lead_time_days=self.lead_time_days.data,
            pirt_number=(self.pirt_number.data or "").strip() or None,
            halal_number=(self.halal_number.data or "").strip() or None,
            shelf_life_days=self.shelf_life_days.data,
            variants=tuple(row.draft() for row in rows),
        )
        return draft, rows

    def uploads(self) -> list[Any]:
        """The chosen photo files (browsers send an empty part for an unused file input)."""
        return [f for f in (self.photos.data or []) if f and getattr(f, "filename", "")]


def product_initial_data(product: Product) -> dict[str, Any]:
    """Form data for editing ``product``: its fields and one row per active variant."""
    return {
        "title": product.title,
        "description": product.description,
        "subsector_code": product.subsector_code,
        "category": product.category,
        "status": product.status,
        "made_to_order": product.made_to_order,
        "lead_time_days": product.lead_time_days,
        "pirt_number": product.pirt_number or "",
        "halal_number": product.halal_number or "",
        "shelf_life_days": product.shelf_life_days,
        "variants": [
            {
                "id": str(v.id),
                "sku": v.sku,
                "options": format_options(v.options),
                "price_idr": v.price_idr,
                "weight_grams": v.weight_grams,
                "low_stock_threshold": v.low_stock_threshold,
                "min_wholesale_qty": v.min_wholesale_qty,
                "tiers": format_tiers(v.tiers),
            }
            for v in product.active_variants
        ],
    }


class StockForm(PageForm):
    """Restock (add units) or correct (set the count after counting) one variant."""

    mode = SelectField(
        _l("What happened"),
        choices=[("restock", _l("Restock: add units")), ("correct", _l("Correction: set the counted number"))],
        default="restock",
    )
    quantity = WholeNumberField(_l("Number of units"))
    note = StringField(_l("Reason or note"), validators=[Optional(), Length(max=200)])

    def validate_quantity(self, field: WholeNumberField) -> None:
        if field.data is None and not field.errors:
            raise ValidationError(_l("Enter a number of units."))
        if self.mode.data == "restock" and field.data is not None and field.data < 1:
            raise ValidationError(_l("Add at least 1 unit."))
        if field.data is not None and field.data > MAX_UNITS:
            raise ValidationError(_l("At most %(n)s units at once.", n="1.000.000"))


class PhotoForm(PageForm):
    """Alt text, move and remove for one existing photo."""

    alt_text = StringField(_l("Photo description (alt text)"), validators=[Optional(), Length(max=200)])
    # Choices are the product's active variants, set by the view; "" is the whole product.
    variant_id = SelectField(_l("This photo shows"), validate_choice=False)
    action = SelectField(
        choices=[("alt", "alt"), ("up", "up"), ("down", "down"), ("remove", "remove")],
        validate_choice=True,
    )


class ProductStatusForm(PageForm):
    status = SelectField(choices=[(s.value, s.value) for s in ProductStatus])
