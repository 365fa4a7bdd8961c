"""The demo catalogue: products that fit each subsector, in Indonesian.

Every :class:`Item` becomes one product per style ("Keripik Tempe Balado",
"Keripik Tempe Original"...). A sentra gets 10 to 25 of the products of its
focus subsectors, chosen by a random generator seeded with its slug, so the demo
is the same on every machine. Products go through
``catalog.listings.services.create_product`` and photos through
``catalog.images.add_photo``: the demo follows the same rules as a sentra does.
"""
from __future__ import annotations

import random
import re
from dataclasses import dataclass

from catalog.demo_images import PALETTES, demo_photo
from catalog.images import add_photo
from catalog.listings.services import create_product
from catalog.products.models import ProductStatus
from catalog.products.services import (
    FOOD_SUBSECTOR,
    ProductDraft,
    TierDraft,
    VariantDraft,
)
from shop.sentras.models import Sentra

MIN_PRODUCTS, MAX_PRODUCTS = 10, 25


@dataclass(frozen=True)
class Item:
    name: str  # also the caption of its picture
    kind: str  # the shape drawn (catalog.demo_images.SHAPES)
    category: str
    price_idr: int
    description: str
    styles: tuple[str, ...] = ("",)
    option: str | None = None  # Ukuran, Warna, Rasa, Berat, Paket...
    values: tuple[str, ...] = ()
    weight_grams: int = 250
    lead_time_days: int | None = None  # made to order when set
    wholesale: bool = False


def _items(*items: Item) -> tuple[Item, ...]:
    return items


SIZES = ("S", "M", "L", "XL")

CATALOG: dict[str, tuple[Item, ...]] = {
    "kriya": _items(
        Item("Tas Anyaman Eceng Gondok", "bag", "Tas", 185_000,
             "Tas anyaman tangan dari eceng gondok Kali Bekasi yang dikeringkan dan dipernis, kuat dan ringan.",
             ("Model Bulat", "Model Kotak", "Mini"), "Warna", ("Natural", "Cokelat", "Hitam"), 450),
        Item("Gantungan Kunci Kayu", "keychain", "Aksesori", 15_000,
             "Gantungan kunci dari kayu sisa mebel, diukir dan diampelas halus.",
             ("Motif Bekasi", "Nama Custom", "Hewan Lucu"), "Warna", ("Natural", "Cokelat Tua"), 20,
             wholesale=True),
        Item("Vas Bambu Ukir", "pot", "Dekorasi", 75_000,
             "Vas dari bambu petung dengan ukiran motif daun, cocok untuk bunga kering.",
             ("Ukir Daun", "Polos"), "Ukuran", ("S", "M", "L"), 600),
        Item("Tempat Tisu Rotan", "box", "Dekorasi", 65_000,
             "Tempat tisu rotan anyaman rapat, tutupnya mudah dibuka.", ("Oval", "Kotak"), weight_grams=300),
        Item("Hiasan Dinding Kain Perca", "frame", "Dekorasi", 95_000,
             "Hiasan dinding dari kain perca sisa konveksi, dijahit tangan sesuai pesanan.",
             ("Bunga", "Geometris"), lead_time_days=7, weight_grams=400),
        Item("Tatakan Gelas Anyaman", "cookie", "Peralatan Makan", 35_000,
             "Satu set isi 6 tatakan gelas dari pandan anyaman.", ("Set Isi 6",), weight_grams=150,
             wholesale=True),
        Item("Dompet Kain Perca", "bag", "Aksesori", 45_000,
             "Dompet kecil dari kain perca batik dengan ritsleting.", ("Lipat", "Koin"), weight_grams=80),
    ),
    "kuliner": _items(
        Item("Keripik Tempe", "packet", "Camilan", 18_000,
             "Keripik tempe tipis renyah, digoreng dengan minyak baru setiap hari.",
             ("Original", "Balado", "Daun Jeruk"), "Berat", ("100 g", "250 g", "500 g"), 100, wholesale=True),
        Item("Sambal Roa", "jar", "Sambal", 45_000,
             "Sambal ikan roa asap dengan cabai rawit, tanpa pengawet.",
             ("Original", "Extra Pedas"), "Berat", ("150 g", "250 g"), 200),
        Item("Kopi Robusta Bekasi", "cup", "Minuman", 55_000,
             "Kopi robusta sangrai medium dari petani binaan, digiling sesuai pesanan.",
             ("Biji", "Bubuk"), "Berat", ("200 g", "500 g", "1 kg"), 200, wholesale=True),
        Item("Kue Kering", "cookie", "Kue", 85_000,
             "Kue kering rumahan dengan mentega asli, dalam toples rapat.",
             ("Nastar Keju", "Kastengel", "Putri Salju"), "Berat", ("250 g", "500 g"), 300),
        Item("Dodol Betawi", "box", "Kue", 35_000,
             "Dodol Betawi diaduk delapan jam di kuali tembaga.", ("Ketan Hitam", "Durian"), weight_grams=250),
        Item("Keripik Singkong", "packet", "Camilan", 15_000,
             "Keripik singkong dari singkong lokal, bumbu diracik sendiri.",
             ("Pedas Manis", "Asin Gurih"), "Berat", ("100 g", "250 g"), 100, wholesale=True),
        Item("Sirup Jahe Merah", "bottle", "Minuman", 40_000,
             "Sirup jahe merah dan gula aren, tinggal seduh dengan air hangat.",
             ("Original", "Madu"), "Ukuran", ("250 ml", "500 ml"), 400),
        Item("Bir Pletok", "bottle", "Minuman", 25_000,
             "Minuman rempah khas Betawi tanpa alkohol: jahe, secang, dan serai.",
             ("Siap Minum", "Seduh"), weight_grams=350),
    ),
    "fesyen": _items(
        Item("Batik Tulis Bekasi", "cloth", "Kain", 350_000,
             "Kain batik tulis 2 x 1,15 m, dicanting tangan dengan pewarna alam.",
             ("Motif Bambu Runcing", "Motif Kali Bekasi", "Motif Tugu"), weight_grams=300),
        Item("Kemeja Batik Cap", "shirt", "Pakaian", 185_000,
             "Kemeja batik cap katun primisima, nyaman untuk kerja dan kondangan.",
             ("Lengan Pendek", "Lengan Panjang"), "Ukuran", SIZES, 250),
        Item("Kaos Sablon", "shirt", "Pakaian", 85_000,
             "Kaos katun combed 30s dengan sablon plastisol desain anak sentra.",
             ("Patriot Bekasi", "Bekasi Keren", "Ondel-ondel"), "Ukuran", SIZES, 200, wholesale=True),
        Item("Totebag Kanvas", "bag", "Tas", 55_000,
             "Totebag kanvas tebal dengan kantong dalam, muat laptop 14 inci.",
             ("Polos", "Sablon Ikon Bekasi", "Custom Nama"), "Warna", ("Natural", "Hitam", "Navy"), 200,
             wholesale=True),
        Item("Topi Bordir", "hat", "Aksesori", 65_000,
             "Topi katun dengan bordir rapi, tali belakang bisa diatur.", ("Logo Sentra", "Custom Teks"),
             weight_grams=120),
        Item("Hijab Motif Batik", "cloth", "Pakaian", 75_000,
             "Hijab voal dengan motif batik Bekasi yang dicetak halus.", ("Segi Empat", "Pashmina"),
             "Warna", ("Marun", "Hijau Botol", "Krem"), 100),
        Item("Jaket Denim Lukis", "shirt", "Pakaian", 275_000,
             "Jaket denim yang dilukis tangan sesuai desain pilihanmu.", ("Custom",), "Ukuran", SIZES, 700,
             lead_time_days=10),
    ),
    "desain_produk": _items(
        Item("Lampu Meja Kayu", "lamp", "Perabot", 245_000,
             "Lampu meja dari kayu mahoni dengan kap linen, fitting E27.", ("Minimalis", "Retro"),
             weight_grams=1200),
        Item("Jam Dinding Kayu", "clock", "Dekorasi", 150_000,
             "Jam dinding kayu dengan mesin senyap.", ("Peta Bekasi", "Polos"), weight_grams=800),
        Item("Tempat Pensil Beton", "pot", "Alat Tulis", 45_000,
             "Tempat pensil dari beton ringan, dicetak dan diamplas manual.", ("Bulat", "Heksagon"),
             weight_grams=400),
        Item("Botol Minum Grafir", "bottle", "Peralatan Makan", 95_000,
             "Botol minum baja tahan karat dengan grafir nama atau logo.", ("Nama Custom", "Logo Usaha"),
             "Ukuran", ("500 ml", "750 ml"), 350, lead_time_days=3),
        Item("Pot Tanaman Beton", "pot", "Dekorasi", 55_000,
             "Pot beton untuk sukulen dan kaktus, dengan lubang air.", ("Kotak", "Bulat"),
             "Ukuran", ("S", "M", "L"), 700),
        Item("Rak Buku Lipat", "shelf", "Perabot", 295_000,
             "Rak buku lipat dari multipleks, dirakit tanpa sekrup.", ("Tiga Susun", "Dua Susun"),
             weight_grams=4000),
    ),
    "desain_komunikasi_visual": _items(
        Item("Jasa Desain Logo", "palette", "Jasa Desain", 350_000,
             "Desain logo untuk UMKM: tiga konsep, dua kali revisi, file siap cetak.", ("UMKM", "Paket Lengkap"),
             "Paket", ("Basic", "Premium"), 0, lead_time_days=7),
        Item("Desain Kemasan Produk", "box", "Jasa Desain", 450_000,
             "Desain kemasan dan label produk, termasuk mock-up dan file cetak.", ("Label", "Kotak"),
             weight_grams=0, lead_time_days=14),
        Item("Poster Cetak", "poster", "Cetak", 35_000,
             "Poster ilustrasi ikon Kota Bekasi, dicetak di kertas art paper 260 g.",
             ("Ikon Bekasi", "Tipografi Patriot"), "Ukuran", ("A4", "A3", "A2"), 100),
        Item("Stiker Vinyl", "sticker", "Cetak", 15_000,
             "Satu lembar stiker vinyl tahan air, potong sesuai bentuk.", ("Ondel-ondel", "Kuliner Bekasi"),
             weight_grams=20, wholesale=True),
        Item("Kartu Nama", "ticket", "Cetak", 60_000,
             "Desain dan cetak kartu nama di kertas tebal, laminasi doff.", ("Desain Baru",),
             "Paket", ("100 lembar", "250 lembar"), 300, lead_time_days=3),
        Item("Ilustrasi Digital", "frame", "Ilustrasi", 150_000,
             "Ilustrasi digital sesuai pesanan, dikirim sebagai file resolusi tinggi.",
             ("Potret Keluarga", "Karikatur"), weight_grams=0, lead_time_days=5),
        Item("Template Konten Instagram", "phone", "Produk Digital", 75_000,
             "Dua puluh template konten Instagram yang bisa diedit di Canva.", ("Kuliner", "Fesyen"),
             weight_grams=0),
    ),
    "fotografi": _items(
        Item("Jasa Foto Produk", "camera", "Jasa Foto", 250_000,
             "Foto produk dengan latar bersih dan pencahayaan studio, siap untuk marketplace.",
             ("Latar Putih", "Gaya Hidup"), "Paket", ("10 foto", "25 foto"), 0, lead_time_days=5),
        Item("Cetak Foto Kota Bekasi", "frame", "Cetak Foto", 65_000,
             "Cetak foto sudut-sudut Kota Bekasi karya fotografer sentra.", ("Senja di Kali", "Pasar Baru"),
             "Ukuran", ("4R", "10R", "A3"), 150),
        Item("Kartu Pos Foto Bekasi", "ticket", "Cetak Foto", 25_000,
             "Satu set isi 5 kartu pos foto Bekasi.", ("Set Isi 5",), weight_grams=60, wholesale=True),
        Item("Jasa Foto Wisuda", "camera", "Jasa Foto", 350_000,
             "Sesi foto wisuda satu jam di lokasi pilihan, 30 foto hasil edit.", ("Sesi Satu Jam",),
             weight_grams=0, lead_time_days=3),
        Item("Kalender Foto", "book", "Cetak Foto", 55_000,
             "Kalender meja bergambar foto Bekasi.", ("Meja", "Dinding"), weight_grams=250),
        Item("Preset Lightroom", "phone", "Produk Digital", 35_000,
             "Sepuluh preset Lightroom untuk foto produk dan kuliner.", ("Terang Bersih", "Hangat"),
             weight_grams=0),
        Item("Album Foto Kayu", "book", "Cetak Foto", 145_000,
             "Album foto bersampul kayu grafir, isi 40 halaman.", ("Grafir Nama",), weight_grams=700,
             lead_time_days=5),
    ),
    "film_animasi_video": _items(
        Item("Video Profil Usaha", "play", "Jasa Video", 500_000,
             "Video profil usaha 1 menit: naskah, pengambilan gambar, dan penyuntingan.", ("Satu Menit",),
             weight_grams=0, lead_time_days=14),
        Item("Animasi Logo", "play", "Jasa Animasi", 300_000,
             "Animasi logo 5 detik untuk pembuka video dan media sosial.", ("2D", "Tipografi"),
             weight_grams=0, lead_time_days=7),
        Item("Jasa Edit Video Reels", "phone", "Jasa Video", 150_000,
             "Penyuntingan video pendek untuk Reels dan TikTok, lengkap dengan teks.", ("Reguler",),
             "Paket", ("3 video", "5 video"), 0, lead_time_days=3),
        Item("Dokumentasi Acara", "camera", "Jasa Video", 450_000,
             "Dokumentasi video acara hingga 4 jam dengan video ringkasan.", ("Setengah Hari",),
             weight_grams=0, lead_time_days=7),
        Item("Stiker Animasi WhatsApp", "sticker", "Produk Digital", 25_000,
             "Paket 12 stiker animasi WhatsApp bertema Betawi.", ("Ondel-ondel", "Si Pitung"),
             weight_grams=0),
        Item("Storyboard Iklan", "book", "Jasa Animasi", 200_000,
             "Storyboard bergambar untuk iklan atau video pendek.", ("Sepuluh Panel",), weight_grams=0,
             lead_time_days=5),
    ),
    "aplikasi": _items(
        Item("Jasa Pembuatan Website UMKM", "laptop", "Jasa Aplikasi", 500_000,
             "Website satu halaman untuk UMKM dengan tombol WhatsApp dan peta lokasi.",
             ("Satu Halaman", "Katalog"), weight_grams=0, lead_time_days=21),
        Item("Template Undangan Digital", "phone", "Produk Digital", 75_000,
             "Undangan digital berbentuk halaman web, tinggal isi nama dan tanggal.", ("Pernikahan", "Khitanan"),
             weight_grams=0),
        Item("Aplikasi Kasir Sederhana", "phone", "Jasa Aplikasi", 350_000,
             "Pemasangan aplikasi kasir sederhana untuk warung dan kedai.", ("Warung", "Kedai Kopi"),
             weight_grams=0, lead_time_days=14),
        Item("Pelatihan Canva untuk UMKM", "ticket", "Pelatihan", 100_000,
             "Pelatihan tiga jam membuat konten promosi dengan Canva.", ("Kelas Sabtu", "Kelas Minggu"),
             weight_grams=0),
        Item("Jasa Setup Toko Online", "laptop", "Jasa Aplikasi", 250_000,
             "Pembukaan toko di marketplace, unggah 20 produk, dan foto sampul.", ("Satu Toko",),
             weight_grams=0, lead_time_days=7),
        Item("Ikon Aplikasi", "palette", "Jasa Desain", 120_000,
             "Desain ikon aplikasi dalam semua ukuran yang dibutuhkan.", ("Datar", "Gradasi"),
             weight_grams=0, lead_time_days=4),
    ),
    "musik": _items(
        Item("Jasa Rekaman Lagu", "mic", "Jasa Musik", 400_000,
             "Rekaman vokal dan instrumen di studio sentra, termasuk mixing.", ("Akustik", "Band"),
             "Paket", ("1 lagu", "2 lagu"), 0, lead_time_days=7),
        Item("Kelas Gitar Pemula", "note", "Kelas", 200_000,
             "Kelas gitar untuk pemula, satu jam per pertemuan.", ("Akustik", "Elektrik"),
             "Paket", ("4 pertemuan", "8 pertemuan"), 0),
        Item("Jingle Iklan UMKM", "note", "Jasa Musik", 450_000,
             "Jingle 30 detik untuk iklan radio atau media sosial.", ("Ceria", "Dangdut"),
             weight_grams=0, lead_time_days=10),
        Item("Kaos Band Lokal", "shirt", "Merchandise", 90_000,
             "Kaos resmi band-band muda Bekasi, sablon manual.", ("Logo Band", "Poster Tur"),
             "Ukuran", SIZES, 200),
        Item("CD Album Musisi Bekasi", "note", "Album", 50_000,
             "Album kompilasi musisi muda Bekasi, sepuluh lagu.", ("Volume 1", "Volume 2"), weight_grams=120),
        Item("Gantungan Kunci Gitar Mini", "keychain", "Merchandise", 20_000,
             "Gantungan kunci gitar mini dari kayu.", ("Akustik", "Bass"), weight_grams=25, wholesale=True),
    ),
    "seni_pertunjukan": _items(
        Item("Tiket Pentas Teater", "ticket", "Tiket", 35_000,
             "Tiket pentas teater remaja di gedung kesenian kecamatan.", ("Malam Minggu", "Matinee"),
             "Kelas", ("Reguler", "VIP"), 0),
        Item("Topeng Betawi", "mask", "Kerajinan Panggung", 125_000,
             "Topeng Betawi kayu waru, dicat tangan.", ("Topeng Panji", "Topeng Samba"), weight_grams=300),
        Item("Jasa Tari Tradisional", "mask", "Jasa Pertunjukan", 500_000,
             "Penampilan tari Betawi untuk acara, lima penari dengan kostum.", ("Tari Lenggang Nyai", "Tari Topeng"),
             weight_grams=0, lead_time_days=14),
        Item("Kelas Tari Betawi", "ticket", "Kelas", 150_000,
             "Kelas tari Betawi untuk anak dan remaja.", ("Anak", "Remaja"),
             "Paket", ("4 pertemuan", "8 pertemuan"), 0),
        Item("Sewa Kostum Ondel-ondel", "mask", "Sewa", 250_000,
             "Sewa sepasang kostum ondel-ondel untuk arak-arakan, termasuk pemandu.", ("Sepasang",),
             weight_grams=0, lead_time_days=3),
        Item("Poster Pentas", "poster", "Merchandise", 30_000,
             "Poster pentas terbatas bertanda tangan pemain.", ("Edisi Terbatas",), weight_grams=80),
    ),
    "seni_rupa": _items(
        Item("Lukisan Kanvas", "frame", "Lukisan", 450_000,
             "Lukisan cat akrilik di kanvas, sudah dibingkai.", ("Kali Bekasi", "Abstrak"),
             "Ukuran", ("30 x 40 cm", "40 x 60 cm"), 1500),
        Item("Jasa Mural", "palette", "Jasa Seni", 500_000,
             "Mural untuk dinding kafe, sekolah, atau kantor; harga per meter persegi.", ("Per Meter",),
             weight_grams=0, lead_time_days=14),
        Item("Sketsa Wajah", "frame", "Lukisan", 100_000,
             "Sketsa wajah pensil dari foto, kertas A4.", ("Satu Wajah", "Dua Wajah"), weight_grams=100,
             lead_time_days=5),
        Item("Patung Mini Ondel-ondel", "mask", "Patung", 150_000,
             "Patung mini ondel-ondel dari tanah liat, tinggi 20 cm.", ("Laki-laki", "Perempuan"),
             weight_grams=500),
        Item("Kaligrafi Hias", "frame", "Lukisan", 250_000,
             "Kaligrafi di kanvas dengan tinta emas.", ("Ayat Kursi", "Basmalah"), weight_grams=1000),
        Item("Cetak Giclee Karya", "poster", "Cetak Seni", 175_000,
             "Cetak giclee karya seniman sentra, bernomor dan bertanda tangan.", ("Edisi 1/50",),
             weight_grams=200),
    ),
    "penerbitan": _items(
        Item("Zine Cerita Bekasi", "book", "Zine", 30_000,
             "Zine fotokopi berisi cerita dan foto kampung-kampung Bekasi.", ("Edisi Kali", "Edisi Pasar"),
             weight_grams=80),
        Item("Buku Cerita Anak", "book", "Buku", 65_000,
             "Buku cerita bergambar untuk anak 5 sampai 9 tahun.", ("Si Patriot Kecil", "Petualangan di Kali Bekasi"),
             weight_grams=250),
        Item("Kalender Bergambar Bekasi", "book", "Kalender", 45_000,
             "Kalender dinding dengan ilustrasi tempat-tempat di Bekasi.", ("Dinding",), weight_grams=300,
             wholesale=True),
        Item("Buku Catatan Sampul Batik", "book", "Alat Tulis", 35_000,
             "Buku catatan A5 bersampul kain batik, 100 halaman.", ("Bergaris", "Polos"),
             "Warna", ("Merah", "Biru", "Hijau"), 200, wholesale=True),
        Item("Komik Strip Lokal", "book", "Buku", 40_000,
             "Kumpulan komik strip kehidupan sehari-hari di Bekasi.", ("Jilid 1", "Jilid 2"), weight_grams=150),
        Item("Jasa Tata Letak Buku", "palette", "Jasa Penerbitan", 350_000,
             "Tata letak buku hingga 120 halaman, siap cetak.", ("Buku Teks", "Buku Foto"), weight_grams=0,
             lead_time_days=14),
    ),
    "pengembang_permainan": _items(
        Item("Gim Edukasi Anak", "gamepad", "Gim", 50_000,
             "Gim edukasi Android untuk belajar huruf dan angka.", ("Huruf", "Angka"), weight_grams=0),
        Item("Aset Piksel Gim", "gamepad", "Aset Digital", 75_000,
             "Paket aset piksel 16-bit: karakter, ubin, dan ikon.", ("Kota Bekasi", "Hutan"), weight_grams=0),
        Item("Board Game Keliling Bekasi", "box", "Permainan", 185_000,
             "Permainan papan keliling Kota Bekasi untuk 2 sampai 5 pemain.", ("Edisi Keluarga",),
             weight_grams=900),
        Item("Kartu Kuis Budaya Betawi", "ticket", "Permainan", 65_000,
             "Seratus kartu kuis budaya Betawi untuk bermain bersama.", ("Seri Kuliner", "Seri Seni"),
             weight_grams=200, wholesale=True),
        Item("Jasa Pembuatan Gim Promosi", "gamepad", "Jasa Gim", 500_000,
             "Gim promosi sederhana di web untuk kampanye produk.", ("Satu Level",), weight_grams=0,
             lead_time_days=30),
        Item("Stiker Karakter Gim", "sticker", "Merchandise", 12_000,
             "Stiker karakter dari gim buatan sentra.", ("Pahlawan", "Monster"), weight_grams=15,
             wholesale=True),
    ),
    "desain_interior": _items(
        Item("Kursi Kayu Jati Belanda", "chair", "Mebel", 350_000,
             "Kursi dari kayu jati belanda bekas peti kemas, dipernis natural.", ("Tanpa Sandaran", "Bersandaran"),
             weight_grams=5000, lead_time_days=10),
        Item("Rak Dinding Kayu", "shelf", "Mebel", 175_000,
             "Rak dinding kayu pinus dengan braket besi.", ("60 cm", "90 cm"), weight_grams=2500),
        Item("Lampu Gantung Rotan", "lamp", "Lampu", 225_000,
             "Kap lampu gantung dari rotan anyam.", ("Bulat", "Kerucut"), weight_grams=700),
        Item("Konsultasi Desain Kafe", "building", "Jasa Interior", 450_000,
             "Konsultasi tata ruang kafe kecil, dengan denah dan papan suasana.", ("Satu Ruang",),
             weight_grams=0, lead_time_days=7),
        Item("Bantal Sofa Batik", "cloth", "Tekstil Rumah", 85_000,
             "Sarung bantal sofa 40 x 40 cm dari kain batik cap, dengan isi.", ("Motif Bambu", "Motif Tugu"),
             "Warna", ("Biru", "Cokelat", "Hijau"), 400),
        Item("Cermin Bingkai Rotan", "frame", "Dekorasi", 195_000,
             "Cermin bulat berbingkai rotan anyam, diameter 50 cm.", ("Matahari", "Polos"), weight_grams=2000),
    ),
    "arsitektur": _items(
        Item("Jasa Gambar Denah Rumah", "building", "Jasa Arsitektur", 500_000,
             "Gambar denah rumah tinggal hingga 100 meter persegi.", ("Satu Lantai", "Dua Lantai"),
             weight_grams=0, lead_time_days=14),
        Item("Maket Rumah", "building", "Maket", 450_000,
             "Maket rumah skala 1:100 dari karton dan kayu balsa.", ("Skala 1:100",), weight_grams=1500,
             lead_time_days=21),
        Item("Gambar 3D Fasad", "building", "Jasa Arsitektur", 350_000,
             "Gambar tiga dimensi tampak depan rumah atau toko.", ("Rumah", "Ruko"), weight_grams=0,
             lead_time_days=10),
        Item("Konsultasi Renovasi", "palette", "Jasa Arsitektur", 250_000,
             "Kunjungan dan saran renovasi rumah, dengan sketsa tangan.", ("Satu Kunjungan",), weight_grams=0,
             lead_time_days=7),
        Item("Poster Arsitektur Bekasi", "poster", "Cetak", 50_000,
             "Poster garis bangunan bersejarah di Bekasi.", ("Gedung Juang", "Stasiun Bekasi"),
             "Ukuran", ("A3", "A2"), 100),
        Item("Buku Sketsa Kota", "book", "Buku", 85_000,
             "Kumpulan sketsa tangan bangunan-bangunan Kota Bekasi.", ("Jilid 1",), weight_grams=350),
    ),
    "periklanan": _items(
        Item("Jasa Kelola Instagram UMKM", "megaphone", "Jasa Iklan", 500_000,
             "Pengelolaan akun Instagram sebulan: 12 unggahan dan laporan.", ("Satu Bulan",), weight_grams=0,
             lead_time_days=30),
        Item("Desain Spanduk", "poster", "Cetak", 75_000,
             "Desain dan cetak spanduk flexi untuk usaha atau acara.", ("Usaha", "Acara"),
             "Ukuran", ("1 x 2 m", "1 x 3 m"), 800, lead_time_days=2),
        Item("Cetak Brosur", "poster", "Cetak", 150_000,
             "Brosur A5 dua sisi di kertas art paper.", ("Lipat Dua", "Lembaran"),
             "Paket", ("100 lembar", "500 lembar"), 600, lead_time_days=3),
        Item("Paket Iklan Media Sosial", "megaphone", "Jasa Iklan", 300_000,
             "Kampanye iklan media sosial seminggu, dengan desain materi.", ("Satu Minggu",), weight_grams=0,
             lead_time_days=7),
        Item("Copywriting Produk", "megaphone", "Jasa Iklan", 100_000,
             "Teks deskripsi produk yang menjual untuk lima produk.", ("Lima Produk",), weight_grams=0,
             lead_time_days=3),
        Item("Pin Promosi", "sticker", "Merchandise", 10_000,
             "Pin peniti 44 mm dengan desain promosi usahamu.", ("Desain Sendiri", "Desain Sentra"),
             weight_grams=15, wholesale=True),
    ),
    "televisi_radio": _items(
        Item("Spot Iklan Radio Komunitas", "mic", "Jasa Siaran", 250_000,
             "Iklan 30 detik di radio komunitas, diputar sepuluh kali.", ("Pagi", "Sore"), weight_grams=0,
             lead_time_days=5),
        Item("Jasa Voice Over", "mic", "Jasa Siaran", 150_000,
             "Pengisian suara untuk video atau iklan, hingga 60 detik.", ("Suara Pria", "Suara Wanita"),
             weight_grams=0, lead_time_days=3),
        Item("Produksi Podcast", "mic", "Jasa Siaran", 400_000,
             "Produksi satu episode podcast: rekaman, suntingan, dan sampul.", ("Satu Episode",), weight_grams=0,
             lead_time_days=7),
        Item("Siaran Langsung Acara", "camera", "Jasa Siaran", 500_000,
             "Siaran langsung acara ke YouTube dengan dua kamera.", ("Dua Kamera",), weight_grams=0,
             lead_time_days=7),
        Item("Kelas Penyiar Muda", "ticket", "Kelas", 175_000,
             "Kelas dasar penyiar radio untuk remaja, empat pertemuan.", ("Angkatan Baru",), weight_grams=0),
        Item("Mug Radio Komunitas", "cup", "Merchandise", 45_000,
             "Mug keramik logo radio komunitas.", ("Putih", "Hitam"), weight_grams=350, wholesale=True),
    ),
}


_WEIGHT_LABEL = re.compile(r"(?P<amount>\d+) ?(?P<unit>g|kg)")


def label_grams(label: str) -> int | None:
    """The weight a variant's label states ("250 g" -> 250, "1 kg" -> 1000), or None when it states none."""
    match = _WEIGHT_LABEL.fullmatch(label.strip())
    if match is None:
        return None
    return int(match["amount"]) * (1000 if match["unit"] == "kg" else 1)


def _round_price(value: float) -> int:
    """Whole rupiah, rounded to 500 as shops price things."""
    return max(10_000, int(round(value / 500.0)) * 500)


def _variants(item: Item, rng: random.Random, number: int) -> tuple[VariantDraft, ...]:
    if item.option and item.values:
        count = rng.randint(1, min(3, len(item.values)))
        start = rng.randint(0, len(item.values) - count)
        values = item.values[start : start + count]
    else:
        values = ("",)
    drafts = []
    for step, value in enumerate(values):
        price = _round_price(item.price_idr * (1 + 0.35 * step) * rng.uniform(0.9, 1.1))
        if item.lead_time_days:
            stock = 0 if rng.random() < 0.5 else rng.randint(1, 5)
        else:
            roll = rng.random()
            stock = 0 if roll < 0.1 else rng.randint(1, 3) if roll < 0.25 else rng.randint(5, 60)
        tiers: tuple[TierDraft, ...] = ()
        moq = None
        if item.wholesale:
            moq = rng.choice((10, 12, 20))
            last = price
            for min_qty, share in ((moq, 0.88), (moq * 5, 0.78)):
                unit = _round_price(price * share)
                if unit < last:  # each tier strictly cheaper than the one before
                    tiers += (TierDraft(min_qty, unit),)
                    last = unit
        drafts.append(
            VariantDraft(
                sku=f"DM-{number:03d}-{step + 1}",
                price_idr=price,
                options=((item.option, value),) if value else (),
                stock=stock,
                weight_grams=label_grams(value) or item.weight_grams,  # a "250 g" variant weighs 250 g
                low_stock_threshold=3,
                min_wholesale_qty=moq,
                tiers=tiers,
            )
        )
    return tuple(drafts)


def _food_fields(rng: random.Random) -> dict:
    return {
        # P-IRT: packaging, food type, regency code (3275 is Kota Bekasi), serial, expiry year.
        "pirt_number": f"2{rng.randint(1, 15):02d}3275{rng.randint(1, 9999):04d}-{rng.randint(27, 30)}",
        "halal_number": f"ID32110000{rng.randint(1_000_000, 9_999_999)}",
        "shelf_life_days": rng.choice((30, 60, 90, 180, 365)),
    }


def seed_products(sentra: Sentra, actor_id: int | None) -> int:
    """Give ``sentra`` 10 to 25 products of its focus subsectors, with photos. Flushes.

    Deterministic: the choices come from a generator seeded with the sentra's slug.
    Returns the number of products created.
    """
    rng = random.Random(f"demo-products:{sentra.slug}")
    pool = [
        (code, item, style)
        for code in sorted(s.code for s in sentra.subsectors)
        for item in CATALOG.get(code, ())
        for style in item.styles
    ]
    count = rng.randint(MIN_PRODUCTS, min(MAX_PRODUCTS, len(pool)))
    chosen = rng.sample(pool, count)
    for number, (code, item, style) in enumerate(chosen, start=1):
        title = f"{item.name} {style}".strip()
        food = _food_fields(rng) if code == FOOD_SUBSECTOR else {}
        status = ProductStatus.DRAFT if rng.random() < 0.1 else ProductStatus.ACTIVE
        draft = ProductDraft(
            title=title,
            subsector_code=code,
            description=f"{item.description}\n\nDibuat oleh anak muda {sentra.name}.",
            category=item.category,
            status=status,
            made_to_order=item.lead_time_days is not None,
            lead_time_days=item.lead_time_days,
            variants=_variants(item, rng, number),
            ref=f"DEMO-{number:03d}",
            **food,
        )
        product = create_product(sentra, actor_id, draft)
        # One palette per item (not per sentra): each picture is drawn once per run.
        palette = _stable_index(item.name) % len(PALETTES)
        add_photo(product, demo_photo(item.kind, item.name, palette), alt_text=title)
        if rng.random() < 0.4:  # a close-up: the shape alone, drawn once per kind
            close_up = demo_photo(item.kind, "", _stable_index(item.kind) + 3)
            add_photo(product, close_up, alt_text=f"{title}, tampak dekat")
    return count


def _stable_index(text: str) -> int:
    """A stable small number from text (Python's hash() changes between runs)."""
    return sum(text.encode()) % 97
