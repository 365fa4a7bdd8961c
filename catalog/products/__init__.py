"""Products of a sentra: variants, prices, wholesale tiers, photos."""
