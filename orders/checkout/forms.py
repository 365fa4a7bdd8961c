"""The checkout form: CSRF, the idempotency key and the total the buyer saw.

The address, the delivery per sentra and the payment method depend on the cart,
so :func:`read_checkout_form` reads them from the posted fields and the service
validates them.
"""
from __future__ import annotations

from dataclasses import dataclass

from werkzeug.datastructures import MultiDict
from wtforms import HiddenField
from wtforms.widgets import HiddenInput

from orders.checkout.services import AddressInput
from shop.forms import PageForm
from shop.money import RupiahField


class CheckoutForm(PageForm):
    idempotency_key = HiddenField()
    expected_total_idr = RupiahField(widget=HiddenInput())


@dataclass
class CheckoutChoices:
    address_choice: str  # a saved address id, or "new"
    address: AddressInput | None
    deliveries: dict[str, str]
    payment_method: str


def read_checkout_form(form: MultiDict, saved: dict[str, object]) -> CheckoutChoices:
    """The buyer's choices as posted (or as defaults on the first view). ``saved`` maps id -> Address."""
    choice = form.get("address", "") or (next(iter(saved)) if saved else "new")
    address: AddressInput | None = None
    if choice != "new" and choice in saved:
        a = saved[choice]
        address = AddressInput(a.recipient, a.phone, a.street, a.kelurahan_code, a.city, a.postal_code)
    elif choice == "new" and form.get("recipient") is not None:
        in_bekasi = form.get("location", "bekasi") == "bekasi"
        address = AddressInput(
            recipient=form.get("recipient", ""), phone=form.get("phone", ""), street=form.get("street", ""),
            kelurahan_code=form.get("kelurahan_code") if in_bekasi else None,
            city=None if in_bekasi else form.get("city", ""),
            postal_code=None if in_bekasi else form.get("postal_code", ""),
        )
    else:
        choice = "new"
    deliveries = {key[len("delivery-"):]: value for key, value in form.items() if key.startswith("delivery-")}
    return CheckoutChoices(choice, address, deliveries, form.get("payment_method", ""))
