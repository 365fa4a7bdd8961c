"""Plain factory functions: each makes one thing, flushes, and returns it."""
from __future__ import annotations

import functools
import itertools

from sqlalchemy import select
from werkzeug.security import generate_password_hash

from shop.accounts.models import User
from shop.db import utcnow
from shop.extensions import db
from shop.partners.models import Partner, PartnerMembership, PartnerRole, PartnerStatus
from shop.places.models import Kelurahan, Subsector
from shop.sentras.models import Role, Sentra, SentraMembership, SentraStatus

PASSWORD = "correct-horse-battery"
_seq = itertools.count(1)

# Password checks dominate test time: a cheap hash method for test accounts only
# (production uses Werkzeug's default, scrypt).
_HASHES: dict[str, str] = {}


def _hash(password: str) -> str:
    if password not in _HASHES:
        _HASHES[password] = generate_password_hash(password, method="pbkdf2:sha256:1000")
    return _HASHES[password]


def make_user(
    email: str | None = None,
    *,
    password: str = PASSWORD,
    name: str = "Sari Warga",
    verified: bool = True,
    admin: bool = False,
    phone: str | None = None,
) -> User:
    user = User(
        email=(email or f"user{next(_seq)}@example.test").lower(),
        name=name,
        password_hash=_hash(password),
        email_verified_at=utcnow() if verified else None,
        is_admin=admin,
        phone=phone,
    )
    db.session.add(user)
    db.session.flush()
    return user


def kelurahan(code: str = "32.75.08.1001") -> Kelurahan:
    kel = db.session.get(Kelurahan, code)
    assert kel is not None, f"unknown kelurahan {code}"
    return kel


def make_sentra(
    kelurahan_code: str = "32.75.08.1001",
    *,
    owner: User | None = None,
    status: str = SentraStatus.ACTIVE,
    name: str | None = None,
    subsectors: tuple[str, ...] = ("kriya",),
) -> Sentra:
    kel = kelurahan(kelurahan_code)
    owner = owner or make_user()
    sentra = Sentra(
        slug=kel.slug,
        name=name or f"Sentra Kreatif {kel.name}",
        kelurahan_code=kel.code if status != SentraStatus.REJECTED else None,
        applied_kelurahan_code=kel.code,
        status=status,
        description=f"Cerita sentra {kel.name}.",
        whatsapp="+6281234567890",
        address=f"Jl. Contoh No. 1, {kel.name}",
        applied_by_id=owner.id,
    )
    sentra.subsectors = [db.session.get(Subsector, code) for code in subsectors]
    db.session.add(sentra)
    db.session.flush()
    add_member(sentra, owner, Role.OWNER)
    return sentra


def add_member(sentra: Sentra, user: User, role: str = Role.MEMBER) -> SentraMembership:
    membership = SentraMembership(sentra_id=sentra.id, user_id=user.id, role=role)
    db.session.add(membership)
    db.session.flush()
    return membership


def make_partner(
    owner: User | None = None,
    *,
    status: str = PartnerStatus.VERIFIED,
    nib: str | None = None,
    name: str = "CV Mitra Usaha",
) -> Partner:
    owner = owner or make_user()
    partner = Partner(
        name=name,
        nib=nib or f"{9120000000000 + next(_seq)}",
        street="Jl. Mitra No. 2",
        kelurahan_code="32.75.04.1001",
        status=status,
        created_by_id=owner.id,
    )
    db.session.add(partner)
    db.session.flush()
    db.session.add(PartnerMembership(partner_id=partner.id, user_id=owner.id, role=PartnerRole.OWNER))
    db.session.flush()
    return partner


# --- images (sentras) -------------------------------------------------------------------


def png_bytes(width: int = 64, height: int = 48, color: tuple[int, int, int] = (11, 110, 79)) -> bytes:
    """A real PNG made with Pillow."""
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), color).save(out, format="PNG")
    return out.getvalue()


def png_header_only(width: int, height: int) -> bytes:
    """A PNG signature and header claiming ``width`` x ``height`` (a decompression bomb's shape)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IEND", b"")


@functools.cache  # the same bytes every time: made once a run
def png_of_zeros(width: int, height: int) -> bytes:
    """A complete, valid black greyscale PNG of ``width`` x ``height``, tiny on disk however long it is.

    1 x 39,000,000 px is about 76 KB: few pixels on paper, seconds of CPU to decode.
    """
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    row = b"\0" * (width + 1)  # filter byte, then one byte per pixel
    rows_per_block = max(1, 1_000_000 // len(row))
    compressor = zlib.compressobj(9)
    parts = []
    for start in range(0, height, rows_per_block):
        parts.append(compressor.compress(row * min(rows_per_block, height - start)))
    parts.append(compressor.flush())
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", b"".join(parts)) + chunk(b"IEND", b"")


def make_invite(sentra: Sentra, email: str, role: str = Role.MEMBER, invited_by: User | None = None):
    from shop.sentras.models import SentraInvite

    invite = SentraInvite(
        sentra_id=sentra.id, email=email.lower(), role=role, invited_by_id=invited_by.id if invited_by else None
    )
    db.session.add(invite)
    db.session.flush()
    return invite


# --- products (catalog) -----------------------------------------------------------------


def make_product(
    sentra: Sentra,
    *,
    title: str | None = None,
    subsector: str = "kriya",
    status: str = "active",
    variants: list[dict] | None = None,
    made_to_order: bool = False,
    lead_time_days: int | None = None,
    actor: User | None = None,
    **fields,
):
    """A product made through catalog.listings.services.create_product (stock via movements).

    Each variant is a dict with ``sku``, ``price_idr``, ``stock``, ``options`` (text like
    ``"Ukuran=M"`` or pairs) and ``tiers`` (text like ``"10:45000"`` or (min_qty, price)
    pairs); any other key (weight_grams, min_wholesale_qty, low_stock_threshold) is passed on.
    Extra keyword ``fields`` go to ProductDraft (description, category, pirt_number, ...).
    """
    from catalog.listings.services import create_product
    from catalog.products.services import (
        ProductDraft,
        TierDraft,
        VariantDraft,
        parse_options,
        parse_tiers,
    )

    n = next(_seq)
    specs = variants if variants is not None else [{}]
    drafts = []
    for i, spec in enumerate(specs):
        spec = dict(spec)
        options = spec.pop("options", ())
        if isinstance(options, str):
            options = parse_options(options)
        tiers = spec.pop("tiers", ())
        if isinstance(tiers, str):
            tiers = parse_tiers(tiers)
        drafts.append(
            VariantDraft(
                sku=spec.pop("sku", f"SKU-{n}-{i + 1}"),
                price_idr=spec.pop("price_idr", 50_000),
                stock=spec.pop("stock", 10),
                options=tuple(tuple(pair) for pair in options),
                tiers=tuple(t if isinstance(t, TierDraft) else TierDraft(*t) for t in tiers),
                **spec,
            )
        )
    draft = ProductDraft(
        title=title or f"Produk Kriya {n}",
        subsector_code=subsector,
        status=status,
        made_to_order=made_to_order,
        lead_time_days=lead_time_days,
        variants=tuple(drafts),
        **fields,
    )
    return create_product(sentra, actor.id if actor else None, draft)


# --- carts and checkouts (orders) ---------------------------------------------------------------


def fill_cart(buyer: User, items) -> None:
    """Put ``items`` ((variant, quantity) pairs) straight into ``buyer``'s cart, each line seen at the
    buyer's price as adding it would (retail, or a verified partner's tier price)."""
    from catalog.pricing import strategy_for
    from orders.cart.models import Cart, CartLine

    cart = db.session.scalar(select(Cart).where(Cart.user_id == buyer.id))
    if cart is None:
        cart = Cart(user_id=buyer.id)
        db.session.add(cart)
        db.session.flush()
    strategy = strategy_for(buyer)
    for variant, quantity in items:
        db.session.add(CartLine(cart_id=cart.id, variant_id=variant.id, quantity=quantity,
                                unit_price_idr_seen=strategy.price(variant, quantity).unit_price_idr))
    db.session.flush()


BEKASI_ADDRESS = {"recipient": "Sari Pembeli", "phone": "081234567890", "street": "Jl. Melati No. 5",
                  "kelurahan_code": "32.75.08.1001"}


def make_checkout(buyer: User, items, *, method: str = "pay_on_pickup", delivery: str = "pickup",
                  key: str | None = None, address: dict | None = None, config: dict | None = None):
    """A checkout made through the real place_checkout from a cart of ``items``; commits.

    ``delivery`` is one method for every sentra, or a dict slug -> method.
    Returns the Checkout (``.orders``, ``.payment``).
    """
    from flask import current_app

    from orders.checkout.services import AddressInput, CheckoutRequest, place_checkout

    fill_cart(buyer, items)
    db.session.commit()
    slugs = {variant.product.sentra.slug for variant, _ in items}
    deliveries = delivery if isinstance(delivery, dict) else {slug: delivery for slug in slugs}
    request = CheckoutRequest(
        idempotency_key=key or f"key-{next(_seq)}", payment_method=method,
        address=AddressInput(**(address or BEKASI_ADDRESS)), deliveries=deliveries,
    )
    return place_checkout(buyer, request, {**current_app.config, **(config or {})}).checkout
