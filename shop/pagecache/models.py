"""The one table of the page cache: how far each scope of the public pages has moved on."""
from __future__ import annotations

from sqlalchemy import BigInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from shop.extensions import db


class PageVersion(db.Model):
    """A scope's version (``site``, ``sentra:12``, ``subsector:kuliner``, ...).

    Written only by :mod:`shop.pagecache.versions`, in the transaction of the change that moves it.
    A row starts at a random number and each bump adds a random step, so a version never comes back
    (the table emptied, a database restored) to match a page stored before.
    """

    __tablename__ = "page_version"

    scope: Mapped[str] = mapped_column(String(80), primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger)
