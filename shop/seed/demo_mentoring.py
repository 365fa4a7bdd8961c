"""Demo mentoring (issue 20): two mentors on the roster with open slots in the coming two weeks, and
past sessions with notes and action items at a few sentras.

Deterministic and idempotent: a mentor already on the roster is not made again, and open slots are
topped up only while a mentor has fewer than two still to come (so a second run creates nothing).
"""
from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import func, select

from orders.mentoring.models import Mentor, MentoringSession, MentoringSlot, SlotMode, SlotStatus
from orders.mentoring.services import (
    MentorInput,
    NotesInput,
    SlotInput,
    accept_invitation,
    invite_mentor,
    publish_slot,
    write_notes,
)
from shop.accounts.models import User
from shop.db import WIB, utcnow
from shop.extensions import db
from shop.sentras.models import Sentra

# (email local part, name, headline, contact, topics, subsectors, where: a link or a place)
MENTORS = (
    ("mentor.ratna", "Ratna Wulandari", "Akuntan, pendamping UMKM kuliner 10 tahun", "WhatsApp +6281234500101",
     ("pricing", "bookkeeping", "halal_certification"), ("kuliner",), "https://meet.jit.si/pasar-sentra-ratna"),
    ("mentor.fajar", "Fajar Nugroho", "Fotografer produk dan dosen desain komunikasi visual",
     "WhatsApp +6281234500102", ("photography", "online_marketing"),
     ("fotografi", "desain_komunikasi_visual", "kriya", "fesyen"), "Balai Warga Jatiwaringin, Jl. Raya Jatiwaringin"),
)
PAST = (  # (days ago, hour, topic, question, notes, action items, items ticked)
    (12, 10, "pricing", "Harga kue kami terlalu murah?",
     "Menghitung HPP per kotak: bahan, kemasan, tenaga. Harga jual sebaiknya HPP + 40%.",
     ("Hitung HPP lima produk terlaris", "Ubah label harga di toko", "Catat penjualan harian"), 2),
    (30, 14, "photography", "Bagaimana memotret produk dengan ponsel?",
     "Cahaya jendela, latar putih, tiga sudut. Foto ulang produk yang gelap.",
     ("Foto ulang 10 produk", "Pakai latar kertas putih"), 1),
)


def _slot_times(index: int, number: int) -> tuple[datetime, datetime]:
    day = (utcnow() + timedelta(days=2 + number * 3 + index)).astimezone(WIB).date()
    starts = datetime.combine(day, time(9 + 4 * ((number + index) % 2)), tzinfo=WIB)
    return starts, starts + timedelta(hours=1)


def seed_mentoring(office: User, people: list[User], sentras: list[tuple[Sentra, User]]) -> int:
    """The demo mentors (``people``: their accounts, in :data:`MENTORS` order), their slots and past
    sessions; returns how many rows were made (mentors, slots and sessions). Flushes."""
    made = 0
    for index, (user, (_local, name, headline, contact, topics, subsectors, where)) in enumerate(
            zip(people, MENTORS, strict=True)):
        mentor = db.session.scalar(select(Mentor).where(Mentor.email == user.email))
        if mentor is None:
            invite_mentor(office, MentorInput(name=name, email=user.email, headline=headline, contact=contact,
                                              subsectors=subsectors, topics=topics))
            mentor = accept_invitation(user)
            made += 1 + _past_sessions(mentor, index, where, sentras)
        ahead = db.session.scalar(select(func.count(MentoringSlot.id)).where(
            MentoringSlot.mentor_id == mentor.id, MentoringSlot.status == SlotStatus.OPEN,
            MentoringSlot.starts_at > utcnow()))
        if ahead < 2:
            online = where.startswith("https://")
            for number in range(4):
                starts, ends = _slot_times(index, number)
                publish_slot(mentor, SlotInput(starts, ends, SlotMode.ONLINE if online else SlotMode.PLACE,
                                               where if online else "", "" if online else where))
                made += 1
    return made


def _past_sessions(mentor: Mentor, index: int, where: str, sentras: list[tuple[Sentra, User]]) -> int:
    """Sessions already held (rows straight in: a slot in the past cannot be published)."""
    made = 0
    for number, (days, hour, topic, question, notes, actions, ticked) in enumerate(PAST):
        sentra, owner = sentras[(index * 7 + number * 3) % len(sentras)]
        day = (utcnow() - timedelta(days=days + index)).astimezone(WIB).date()
        starts = datetime.combine(day, time(hour), tzinfo=WIB)
        online = where.startswith("https://")
        slot = MentoringSlot(mentor_id=mentor.id, starts_at=starts, ends_at=starts + timedelta(hours=1, minutes=30),
                             mode=SlotMode.ONLINE if online else SlotMode.PLACE, link=where if online else "",
                             place="" if online else where, status=SlotStatus.BOOKED)
        db.session.add(slot)
        db.session.flush()
        session = MentoringSession(slot_id=slot.id, mentor_id=mentor.id, sentra_id=sentra.id, booked_by_id=owner.id,
                                   topic=topic if topic in mentor.topic_list else mentor.topic_list[0],
                                   question=question, reminded_at=starts - timedelta(days=1))
        db.session.add(session)
        db.session.flush()
        write_notes(mentor, session.id, NotesInput(notes, actions))
        for action in session.actions[:ticked]:
            action.done_at, action.done_by_id = starts + timedelta(days=3), owner.id
        made += 2
    db.session.flush()
    return made
