"""Human-friendly, unguessable order numbers and the codes a buyer is given."""
from __future__ import annotations

import secrets
from datetime import datetime

from shop.db import WIB

# Crockford's base 32 without the letters people misread (I, L, O, U).
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def order_number(now: datetime) -> str:
    """``PS-YYMM-XXXXX``: the month (WIB) for people, five random characters (33 million) for safety."""
    month = now.astimezone(WIB).strftime("%y%m")
    return f"PS-{month}-{''.join(secrets.choice(ALPHABET) for _ in range(5))}"


def pickup_code() -> str:
    """Six digits the buyer shows at the sentra."""
    return f"{secrets.randbelow(1_000_000):06d}"


def tracking_code() -> str:
    """Eight characters that open the public tracking page with the order number."""
    return "".join(secrets.choice(ALPHABET) for _ in range(8))
