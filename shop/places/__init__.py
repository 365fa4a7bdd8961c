"""Kota Bekasi's kecamatan and kelurahan (Kemendagri codes) and the 17 subsectors."""
