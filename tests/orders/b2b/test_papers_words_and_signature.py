"""The faktur states its total in Indonesian words (terbilang) and has a signature block for the seller."""
from __future__ import annotations

import re

from tests.orders.b2b.papers_helpers import accepted_order


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_invoice_states_its_total_in_indonesian_words(client, auth):
    po = accepted_order(lines=1, price=122_500, fee=25_000)  # 10 × Rp122.500 + Rp25.000
    assert po.invoice.total_idr == 1_250_000
    auth.login(po.staff.email)
    page = _text(client.get(f"/mitra/pesanan/{po.number}/faktur").get_data(as_text=True))
    assert "Terbilang: satu juta dua ratus lima puluh ribu rupiah" in page


def test_invoice_words_stay_indonesian_in_the_english_interface(client, auth):
    po = accepted_order(lines=1, price=100_000, fee=0)
    auth.login(po.staff.email)
    client.post("/bahasa", data={"lang": "en"})
    page = _text(client.get(f"/mitra/pesanan/{po.number}/faktur").get_data(as_text=True))
    assert "Amount in words: satu juta rupiah" in page


def test_invoice_has_the_sellers_signature_block_for_the_partner_and_the_sentra(client, auth):
    po = accepted_order(lines=2)
    auth.login(po.owner.email)
    partner_page = client.get(f"/mitra/pesanan/{po.number}/faktur").get_data(as_text=True)
    auth.logout()
    auth.login(po.seller.email)
    sentra_page = client.get(f"/kelola/{po.sentra.slug}/pesanan/{po.number}/faktur").get_data(as_text=True)
    for html in (partner_page, sentra_page):
        block = html[html.index('class="paper-signatures'):]
        block = block[:block.index("</section>")]
        assert "Hormat kami, penjual" in block
        assert po.invoice.seller_name in block
        assert "paper-signature-space" in block
