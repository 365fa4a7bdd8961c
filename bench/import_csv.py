"""CSV import speed: 10,000 rows (2,500 products x 4 variants) into a fresh SQLite database.

The issue's budget is under 10 s for 10,000 rows. Prints the first import (all
creates) and a second import of the same file (all matches, nothing to change),
then the same file with every stock changed (10,000 correction movements), and
with every price changed (every product and variant updated).
"""
from __future__ import annotations

import csv
import io
import tempfile
import time
from pathlib import Path

PRODUCTS = 2_500
SIZES = ("S", "M", "L", "XL")
SLUG = "jatiwaringin"


def make_csv(products: int = PRODUCTS, stock_offset: int = 0, price_offset: int = 0) -> bytes:
    """A demo sentra's catalogue in the import format, one row per variant."""
    from catalog.csv import COLUMNS

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for n in range(1, products + 1):
        made_to_order = n % 10 == 0
        for i, size in enumerate(SIZES):
            writer.writerow([
                f"BENCH-{n:05d}", f"Kaos Sablon Bekasi {n}", f"Kaos katun sisir 30s, sablon plastisol, seri {n}.",
                "fesyen", "Kaos", "active" if n % 5 else "draft", "true" if made_to_order else "false",
                "7" if made_to_order else "", 180 + 20 * i, f"KS-{n:05d}-{size}", f"Ukuran={size};Warna=Hitam",
                85_000 + 5_000 * i + price_offset, (n + i) % 40 + stock_offset, "12:80000;50:72000" if n % 3 == 0 else "",
                "12" if n % 3 == 0 else "",
            ])
    return out.getvalue().encode("utf-8")


def _timed(label: str, sentra_id: int, data: bytes, rows: int) -> None:
    from catalog.csv import import_products
    from shop.extensions import db
    from shop.sentras.models import Sentra

    db.session.expunge_all()
    sentra = db.session.get(Sentra, sentra_id)
    start = time.perf_counter()
    summary = import_products(sentra, None, data)
    db.session.commit()
    seconds = time.perf_counter() - start
    print(f"{label:<38} {seconds:6.2f} s  {rows / seconds:8.0f} rows/s  ({summary})")


def main() -> None:
    from shop import create_app
    from shop.extensions import db
    from shop.places.services import seed_places
    from shop.sentras.models import Sentra, SentraStatus

    rows = PRODUCTS * len(SIZES)
    with tempfile.TemporaryDirectory() as folder:
        app = create_app({
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(folder) / 'bench.db'}",
            "SECRET_KEY": "bench-only", "LOG_LEVEL": "WARNING",
        })
        with app.app_context():
            db.create_all()
            seed_places()
            sentra = Sentra(
                slug=SLUG, name="Sentra Kreatif Jatiwaringin", kelurahan_code="32.75.08.1001",
                applied_kelurahan_code="32.75.08.1001", status=SentraStatus.ACTIVE,
                whatsapp="+6281234567890", address="Jl. Contoh No. 1",
            )
            db.session.add(sentra)
            db.session.commit()
            data = make_csv()
            print(f"{rows:,} rows ({PRODUCTS:,} products x {len(SIZES)} variants), SQLite, budget < 10 s")
            _timed("first import (all created)", sentra.id, data, rows)
            _timed("same file again (all matched)", sentra.id, data, rows)
            _timed("every stock changed (corrections)", sentra.id, make_csv(stock_offset=1), rows)
            _timed("every price changed (updates)", sentra.id, make_csv(stock_offset=1, price_offset=500), rows)
            db.session.remove()
            db.engine.dispose()


if __name__ == "__main__":
    main()
