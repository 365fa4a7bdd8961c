"""Demo classes and facilities: every demo sentra teaches one or two upcoming classes of its subsectors
and lends one facility (issue 19).

Deterministic per sentra (its id picks the titles, days and prices), created through the real
service, and idempotent: a sentra that has a class already gets none.
"""
from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import select

from orders.classes.models import TrainingClass
from orders.classes.services import ClassInput, SessionInput, publish_class
from orders.facilities.models import Facility
from orders.facilities.services import FacilityInput, create_facility
from shop.accounts.models import User
from shop.db import WIB, utcnow
from shop.extensions import db
from shop.sentras.models import Sentra

# subsector -> (title, what participants learn, what to bring)
TOPICS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "kriya": (("Kelas Anyaman Bambu untuk Pemula", "Membuat keranjang kecil dari bambu apus.", "Pisau raut, sarung tangan"),
              ("Ecoprint Daun di Kain", "Mencetak motif daun di kain katun.", "Kaos polos putih")),
    "kuliner": (("Kelas Kue Basah Nusantara", "Kue lapis dan klepon yang siap dijual.", "Celemek, wadah plastik"),
                ("Izin P-IRT dan Label Kemasan", "Langkah mengurus P-IRT dan membuat label.", "KTP, contoh produk")),
    "fesyen": (("Menjahit Tote Bag", "Pola, potong dan jahit tote bag kanvas.", "Gunting kain, meteran"),
               ("Sablon Kaos Manual", "Membuat screen dan menyablon satu warna.", "Kaos polos")),
    "desain_komunikasi_visual": (("Desain Logo UMKM di Ponsel", "Logo sederhana dengan aplikasi gratis.", "Ponsel"),
                                 ("Foto Produk dengan Ponsel", "Cahaya, latar dan sudut untuk foto jualan.", "Ponsel, satu produk")),
}
GENERAL = (("Jualan Online untuk Pemula", "Membuka toko, memotret produk dan membalas pembeli.", "Ponsel"),
           ("Pembukuan Sederhana Usaha Kecil", "Mencatat modal, penjualan dan laba.", "Buku tulis, kalkulator"))


def _topics(sentra: Sentra) -> tuple[tuple[str, str, str], ...]:
    for subsector in sentra.subsectors:
        if subsector.code in TOPICS:
            return TOPICS[subsector.code]
    return GENERAL


def _session(day: int, start_hour: int, hours: int) -> SessionInput:
    date = (utcnow() + timedelta(days=day)).astimezone(WIB).date()
    starts = datetime.combine(date, time(start_hour), tzinfo=WIB)
    return SessionInput(starts, starts + timedelta(hours=hours))


def seed_classes(sentras: list[tuple[Sentra, User]]) -> int:
    """One or two upcoming classes for every sentra without one; returns how many were made. Flushes."""
    taught = set(db.session.scalars(select(TrainingClass.sentra_id).distinct()))
    made = 0
    for sentra, owner in sentras:
        if sentra.id in taught:
            continue
        topics = _topics(sentra)
        for number in range(1 + sentra.id % 2):
            title, learn, bring = topics[number % len(topics)]
            youth = number == 0 and sentra.id % 3 == 0
            sessions = [_session(3 + (sentra.id + number * 5) % 14, 9 + number * 4, 3)]
            if number == 1:
                sessions.append(_session(10 + (sentra.id + 5) % 14, 13, 3))
            publish_class(sentra, owner, ClassInput(
                title=title, description=learn, subsector_code=(sentra.subsectors[0].code if sentra.subsectors
                                                                else "kriya"),
                sessions=sessions, capacity=12 + sentra.id % 3 * 4,
                price_idr=0 if youth or number == 0 else 25_000 + (sentra.id % 4) * 5_000,
                audience="youth" if youth else "public", bring=bring, trainer=owner.name,
            ))
            made += 1
    return made


# subsector -> (name, description, hourly price for residents and partners, units)
EQUIPMENT: dict[str, tuple[str, str, int, int]] = {
    "fesyen": ("Mesin Jahit", "Mesin jahit portable untuk kain tipis sampai kanvas.", 10_000, 3),
    "kriya": ("Meja Sablon", "Meja sablon manual dengan screen ukuran A3.", 15_000, 2),
    "desain_komunikasi_visual": ("Studio Foto Produk", "Lampu, latar putih dan meja foto.", 25_000, 1),
    "fotografi": ("Studio Foto Produk", "Lampu, latar putih dan meja foto.", 25_000, 1),
}
WORKSPACE = ("Ruang Kerja Bersama", "Meja kerja, colokan listrik dan wifi.", 0, 8)


def seed_facilities(sentras: list[tuple[Sentra, User]]) -> int:
    """One facility for every sentra without one (what its subsector uses, else the shared workspace). Flushes."""
    lending = set(db.session.scalars(select(Facility.sentra_id).distinct()))
    made = 0
    for sentra, _owner in sentras:
        if sentra.id in lending:
            continue
        name, description, price, units = next(
            (EQUIPMENT[s.code] for s in sentra.subsectors if s.code in EQUIPMENT), WORKSPACE)
        create_facility(sentra, FacilityInput(name=name, description=description, hourly_price_idr=price, units=units))
        made += 1
    return made
