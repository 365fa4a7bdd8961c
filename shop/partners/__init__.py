"""UMKM partners: registration, verification by the program office, colleagues."""
