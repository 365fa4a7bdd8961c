"""The demo marketplace: 56 active sentras, their products and the accounts the README lists.

Idempotent: every row is looked up by its natural key first, and a sentra that
already has products gets no more, so a second run changes nothing.
"""
from __future__ import annotations

from sqlalchemy import select
from werkzeug.security import generate_password_hash

from catalog.products.models import Product
from shop.accounts.models import Address, User
from shop.db import utcnow
from shop.extensions import db
from shop.partners.models import Partner, PartnerMembership, PartnerRole, PartnerStatus
from shop.places.models import Kelurahan, Subsector
from shop.places.services import all_kelurahan
from shop.seed.demo_classes import seed_classes, seed_facilities
from shop.seed.demo_mentoring import MENTORS, seed_mentoring
from shop.seed.demo_openings import seed_openings
from shop.seed.demo_searches import seed_searches
from shop.sentras.models import Role, Sentra, SentraMembership, SentraStatus

DEMO_PASSWORD = "pasar-sentra-demo"
DEMO_DOMAIN = "pasarsentra.test"

# Focus subsectors cycle through these combinations so the directory filter has
# something to show for every subsector.
FOCUS = [
    ("kriya", "kuliner"),
    ("fesyen", "kriya"),
    ("kuliner", "desain_produk"),
    ("desain_komunikasi_visual", "fotografi"),
    ("film_animasi_video", "aplikasi"),
    ("musik", "seni_pertunjukan"),
    ("seni_rupa", "kriya"),
    ("penerbitan", "desain_komunikasi_visual"),
    ("fesyen", "kuliner"),
    ("pengembang_permainan", "aplikasi"),
    ("desain_interior", "arsitektur"),
    ("periklanan", "televisi_radio"),
]

STORIES = {
    "kriya": "Anak muda {kel} mengolah bambu, rotan, dan kain perca menjadi anyaman, tas, dan hiasan rumah.",
    "kuliner": "Dapur bersama kami di {kel} memproduksi keripik, sambal, dan kue kering dengan izin P-IRT.",
    "fesyen": "Kami menjahit kaus, batik Bekasi, dan tas kanvas dengan motif khas {kec}.",
    "desain_komunikasi_visual": "Studio desain kami membuat logo, kemasan, dan konten untuk UMKM sekitar {kel}.",
    "film_animasi_video": "Tim video kami memproduksi profil usaha, animasi pendek, dan dokumentasi acara.",
    "musik": "Kelas musik dan studio rekaman kecil untuk band dan penyanyi muda {kec}.",
    "seni_rupa": "Pelukis dan pematung muda {kel} menerima pesanan lukisan, mural, dan suvenir.",
    "penerbitan": "Kami menerbitkan zine, buku cerita anak, dan kalender bergambar Kota Bekasi.",
    "pengembang_permainan": "Pengembang gim muda {kel} membuat gim edukasi dan aset digital.",
    "desain_interior": "Kami merancang dan membuat mebel kecil serta dekorasi ruang usaha.",
    "periklanan": "Kami mengelola kampanye media sosial dan materi promosi untuk usaha lokal.",
}


_demo_hash: list[str] = []


def _password_hash() -> str:
    """One hash for the shared demo password: hashing is deliberately slow, 59 times over."""
    if not _demo_hash:
        _demo_hash.append(generate_password_hash(DEMO_PASSWORD))
    return _demo_hash[0]


def _user(email: str, name: str, *, admin: bool = False) -> User:
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None:
        user = User(
            email=email,
            name=name,
            password_hash=_password_hash(),
            email_verified_at=utcnow(),
            is_admin=admin,
        )
        db.session.add(user)
        db.session.flush()
    return user


def _sentra(kel: Kelurahan, index: int, owner: User, subsectors: dict[str, Subsector]) -> Sentra:
    sentra = db.session.scalar(select(Sentra).where(Sentra.applied_kelurahan_code == kel.code))
    if sentra is not None:
        return sentra
    focus = FOCUS[index % len(FOCUS)]
    story = STORIES.get(focus[0], STORIES["kriya"]).format(kel=kel.name, kec=kel.kecamatan.name)
    sentra = Sentra(
        slug=kel.slug,
        name=f"Sentra Kreatif {kel.name}",
        kelurahan_code=kel.code,
        applied_kelurahan_code=kel.code,
        status=SentraStatus.ACTIVE,
        description=(
            f"{story}\n\nSentra Ekonomi Kreatif Kelurahan {kel.name}, Kecamatan "
            f"{kel.kecamatan.name}, adalah bagian dari program Satu Kelurahan Satu Sentra "
            "Ekonomi Kreatif Kota Bekasi: tempat Gen Z berlatih, berproduksi, dan berjualan."
        ),
        whatsapp=f"+62812{7000000 + index * 137:07d}",
        address=f"Balai Kelurahan {kel.name}, Kec. {kel.kecamatan.name}, Kota Bekasi {kel.postal_code}",
        opening_hours="Senin–Sabtu 09.00–17.00 WIB",
        applied_by_id=owner.id,
        decided_at=utcnow(),
    )
    sentra.subsectors = [subsectors[code] for code in focus if code in subsectors]
    db.session.add(sentra)
    db.session.flush()
    db.session.add(SentraMembership(sentra_id=sentra.id, user_id=owner.id, role=Role.OWNER))
    return sentra


def seed_demo(with_products: bool = True) -> dict[str, int]:
    """Create the demo accounts, 56 active sentras and a verified partner. Flushes.

    With ``with_products`` (the default) every sentra without products also gets
    10 to 25 products with photos (see shop.seed.demo_catalog); tests that only
    need sentras pass False, because the photos take seconds.
    """
    before = db.session.scalar(select(db.func.count(Sentra.id)))
    admin = _user(f"admin@{DEMO_DOMAIN}", "Kantor Program Sentra", admin=True)
    buyer = _user(f"pembeli@{DEMO_DOMAIN}", "Rina Pembeli")
    if not buyer.addresses:  # a saved address, so the demo checkout is two taps
        buyer.addresses.append(Address(
            label="Rumah", recipient="Rina Pembeli", phone="+6281234500001", street="Jl. Melati No. 5 RT 02/RW 03",
            kelurahan_code="32.75.08.1001", is_default=True,  # Jatiwaringin, Pondokgede
        ))
    mitra = _user(f"mitra@{DEMO_DOMAIN}", "Budi Mitra")
    subsectors = {s.code: s for s in db.session.scalars(select(Subsector))}
    sentras: list[tuple[Sentra, User]] = []
    for index, kel in enumerate(all_kelurahan()):
        owner = _user(f"pengelola.{kel.slug}@{DEMO_DOMAIN}", f"Pengelola {kel.name}")
        sentras.append((_sentra(kel, index, owner, subsectors), owner))

    partner = db.session.scalar(select(Partner).where(Partner.nib == "9120001234567"))
    if partner is None:
        partner = Partner(
            name="CV Kopi Kenangan Bekasi (demo)",
            nib="9120001234567",
            street="Jl. Ahmad Yani No. 1",
            kelurahan_code="32.75.04.1001",  # Pekayonjaya, Bekasi Selatan
            status=PartnerStatus.VERIFIED,
            created_by_id=mitra.id,
            decided_at=utcnow(),
            decided_by_id=admin.id,
        )
        db.session.add(partner)
        db.session.flush()
        db.session.add(PartnerMembership(partner_id=partner.id, user_id=mitra.id, role=PartnerRole.OWNER))
    _partner_b2b(partner, _user(f"staf.mitra@{DEMO_DOMAIN}", "Dewi Staf Mitra"))
    db.session.flush()
    products_created = _products(sentras) if with_products else 0
    classes_created = seed_classes(sentras)
    facilities_created = seed_facilities(sentras)
    mentors = [_user(f"{local}@{DEMO_DOMAIN}", name) for local, name, *_rest in MENTORS]
    mentoring_created = seed_mentoring(admin, mentors, sentras)
    openings_created = seed_openings(sentras, _user, DEMO_DOMAIN)
    searches_created = seed_searches()
    after = db.session.scalar(select(db.func.count(Sentra.id)))
    return {"sentras_created": after - before, "sentras": after, "products_created": products_created,
            "classes_created": classes_created, "facilities_created": facilities_created,
            "mentoring_created": mentoring_created, "openings_created": openings_created,
            "searches_created": searches_created}


def _partner_b2b(partner: Partner, staff: User) -> None:
    """The demo partner buys as a business: a staff member prepares, the owner (a manager) approves
    above Rp10.000.000, and the office allows 30 days' terms up to Rp50.000.000."""
    if partner.approval_threshold_idr is None:
        partner.approval_threshold_idr = 10_000_000
        partner.terms_days = 30
        partner.credit_limit_idr = 50_000_000
        partner.npwp = partner.npwp or "0123456789012345"
    if not any(m.user_id == staff.id for m in partner.memberships):
        db.session.add(PartnerMembership(partner_id=partner.id, user_id=staff.id, role=PartnerRole.STAFF))


def _products(sentras: list[tuple[Sentra, User]]) -> int:
    from shop.seed.demo_catalog import seed_products

    stocked = set(db.session.scalars(select(Product.sentra_id).distinct()))
    return sum(seed_products(sentra, owner.id) for sentra, owner in sentras if sentra.id not in stocked)
