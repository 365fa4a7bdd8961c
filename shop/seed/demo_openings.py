"""Demo openings and applications (issue 20): six sentras look for people, and four demo residents have
applied, in every state a sentra gives (waiting, shortlisted, invited to a trial day, accepted, rejected,
withdrawn).

Created through the real services, deterministic, and idempotent: a sentra that has an opening already
gets none, and applications are only made to the openings made now.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time, timedelta

from sqlalchemy import select

from orders.openings.applications import ApplicationInput, apply_to_opening, decide, withdraw
from orders.openings.models import Opening
from orders.openings.services import OpeningInput, post_opening, today_wib
from shop.accounts.models import User
from shop.db import WIB
from shop.extensions import db
from shop.sentras.models import Sentra

# (title, role, description, skills, positions, hours, pay, days until it closes)
OPENINGS = (
    ("Asisten Produksi", "production", "Membantu produksi harian: memotong, merakit dan mengemas pesanan.",
     ["menjahit", "teliti", "mengemas"], 3, "part_time", "per_piece", 21),
    ("Admin Toko Online", "online_shop_admin", "Mengunggah produk, membalas chat pembeli dan memproses pesanan.",
     ["Shopee", "Tokopedia", "membalas chat"], 1, "part_time", "sales_share", 14),
    ("Fotografer Produk", "photography", "Memotret produk baru setiap minggu dengan ponsel dan lampu studio.",
     ["foto ponsel", "edit foto"], 1, "per_project", "fixed", 30),
    ("Desainer Kemasan dan Label", "design", "Merancang label dan kemasan produk sentra.",
     ["Canva", "ilustrasi"], 1, "per_project", "fixed", 10),
    ("Kurir Sentra", "courier", "Mengantar pesanan di dalam Kota Bekasi dengan motor sendiri.",
     ["SIM C", "hafal jalan"], 2, "part_time", "per_piece", 28),
    ("Pelatih Kelas Kriya", "trainer", "Mengajar kelas kriya untuk pemula di akhir pekan.",
     ["mengajar", "kriya"], 1, "part_time", "fixed", 45),
)
# (email name, name, birth year, home kelurahan)
APPLICANTS = (("pelamar.ayu", "Ayu Lestari", 2004, "32.75.08.1001"), ("pelamar.bima", "Bima Pratama", 2001,
                                                                        "32.75.01.1001"),
              ("pelamar.citra", "Citra Maharani", 1998, "32.75.04.1001"), ("pelamar.dimas", "Dimas Saputra", 2006,
                                                                            "32.75.08.1002"))


def _trial_day(days: int) -> datetime:
    return datetime.combine(today_wib() + timedelta(days=days), time(9), tzinfo=WIB)


def seed_openings(sentras: list[tuple[Sentra, User]], user: Callable[[str, str], User], domain: str) -> int:
    """Openings at the first six sentras without one, and the demo residents' applications to them;
    returns how many openings were made. Flushes."""
    posted = set(db.session.scalars(select(Opening.sentra_id).distinct()))
    made: list[Opening] = []
    for (sentra, owner), (title, role, text, skills, positions, hours, pay, days) in zip(sentras, OPENINGS,
                                                                                          strict=False):
        if sentra.id in posted:
            continue
        made.append(post_opening(sentra, owner, OpeningInput(
            title=title, role=role, description=text, skills=skills, positions=positions, hours=hours, pay=pay,
            closes_on=today_wib() + timedelta(days=days))))
    if not made:
        return 0
    people = [(user(f"{email}@{domain}", name), born, home) for email, name, born, home in APPLICANTS]

    def applied(person: int, opening: int, motivation: str):
        who, born, home = people[person]
        return apply_to_opening(who, made[opening].id, ApplicationInput(
            motivation=motivation, skills=made[opening].skills[:2], birth_year=born, kelurahan_code=home,
            phone=f"+62812345000{10 + person}"))

    steps: tuple[tuple[int, int, str, str], ...] = (
        (0, 0, "submitted", "Saya biasa menjahit di rumah dan ingin bekerja di dekat rumah."),
        (1, 0, "shortlisted", "Saya lulusan SMK tata busana."),
        (2, 1, "trial", "Saya pernah menjadi admin toko daring selama satu tahun."),
        (3, 1, "rejected", "Saya ingin belajar berjualan daring."),
        (0, 2, "accepted", "Saya suka memotret dan mengedit foto di ponsel."),
        (3, 4, "withdrawn", "Saya punya motor dan SIM C."),
    )
    for person, opening, state, motivation in steps:
        if opening >= len(made):
            continue
        application = applied(person, opening, motivation)
        sentra = made[opening].sentra
        if state == "withdrawn":
            withdraw(people[person][0], application.id)
        elif state == "trial":
            decide(sentra, application.id, "shortlisted", "")
            decide(sentra, application.id, "trial", "Datang ke sentra jam 9 pagi, bawa contoh toko Anda.",
                   trial_at=_trial_day(4))
        elif state != "submitted":
            decide(sentra, application.id, state, {"shortlisted": "Kami akan menghubungi Anda lewat WhatsApp.",
                                                   "accepted": "Selamat bergabung! Mulai Senin depan.",
                                                   "rejected": "Terima kasih, posisi ini sudah terisi."}[state])
    return len(made)
