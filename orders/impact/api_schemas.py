"""The shape of the program office's impact figures (orders/impact/api.py)."""
from __future__ import annotations

from typing import Annotated, Any, Literal, Required

from pydantic import Field
from typing_extensions import TypedDict

from orders.impact.export import CITY_CODE, CITY_NAME, MONTH_FIELDS
from orders.impact.queries import FIGURE_NAMES
from shop.api.operations import query
from shop.api.schemas import Day, described

KELURAHAN_IN_THE_CITY = 56
FIGURES: dict[str, Any] = {
    "active_sentras": described(int, "sentras with status active"),
    "members": described(int, "people with a membership made before the period ended"),
    "active_members": described(int, "members who did listing, stock, fulfilment, delivery or quote work for "
                                     "their sentra in the period"),
    "earning_members": described(int, "members with a positive share of a payout made in the period"),
    "earned_idr": described(int, "the sum of those shares"),
    "orders": described(int, "orders placed in the period, not cancelled, expired or still waiting for an online "
                             "payment"),
    "gmv_idr": described(int, "gross merchandise value: total_idr - refunded_idr of those orders"),
    "buyers": described(int, "distinct buyers of those orders"),
    "returning_buyers": described(int, "buyers who ordered in the same scope (kelurahan, kecamatan or city) before "
                                       "the period, or twice or more in it"),
    "bekasi_buyers": described(int, "buyers with an order addressed to a Kota Bekasi kelurahan"),
    "bekasi_buyer_share": described(float, "bekasi_buyers / buyers, 4 decimals; 0 without buyers", ge=0, le=1),
    "partner_orders": described(int, "orders bought for a UMKM partner (B2B)"),
    "partner_gmv_idr": described(int, "their gross merchandise value"),
    "payouts": described(int, "payouts made to the sentras in the period"),
    "paid_out_idr": described(int, "their amount"),
    "classes_held": described(int, "classes not cancelled with a session that started in the period"),
    "seats_booked": described(int, "seats of confirmed class bookings made in the period"),
    "people_trained": described(int, "distinct people checked in at a class in the period"),
    "genz_trained": described(int, "of them, those aged 15 to 28 (Gen Z) by the birth year their booking gave"),
    "certificates_issued": described(int, "certificates of attendance issued in the period"),
    "facility_hours_members": described(float, "hours of facility bookings starting in the period, by members"),
    "facility_hours_others": described(float, "the same, by residents and partners"),
    "training_revenue_idr": described(int, "the total of those confirmed class bookings"),
    "mentoring_sessions": described(int, "mentoring sessions of the sentras that started in the period"),
    "mentoring_hours": described(float, "the hours of those sessions"),
    "openings": described(int, "openings the sentras posted in the period"),
    "applicants": described(int, "distinct people who applied to an opening in the period"),
    "applicants_gen_z": described(int, "of them, those aged 15 to 28 by the birth year they gave"),
    "joined": described(int, "applicants accepted in the period (each became a member)"),
    "members_gen_z": described(int, "members aged 15 to 28 in the period's last year, by the birth year they gave"),
    "members_gen_z_earning": described(int, "of them, those with a positive share of a payout made in the period"),
    "median_member_earnings_idr": described(int, "the median of what each of those earned in the period; 0 "
                                                 "without them"),
}
assert set(FIGURES) == set(FIGURE_NAMES), "every figure the report has is documented"

ImpactKelurahan = TypedDict("ImpactKelurahan", {  # type: ignore[misc]
    "code": described(str, "Kemendagri code, e.g. 32.75.08.1001"), "name": str, "kecamatan_code": str,
    "kecamatan_name": str, **FIGURES}, total=False)
ImpactKecamatan = TypedDict("ImpactKecamatan", {"code": str, "name": str, **FIGURES}, total=False)  # type: ignore[misc]
ImpactCity = TypedDict("ImpactCity", {  # type: ignore[misc]
    "code": Literal[CITY_CODE], "name": Literal[CITY_NAME], **FIGURES}, total=False)
ImpactMonth = TypedDict("ImpactMonth", {  # type: ignore[misc]
    "month": described(str, "YYYY-MM in WIB; the first and last are cut to the period"),
    **{name: int for name in MONTH_FIELDS[1:]}}, total=False)
Impact = TypedDict("Impact", {  # type: ignore[misc]
    "from": Required[Day], "to": Required[Day],
    "kelurahan": Required[described(
        Annotated[list[ImpactKelurahan], Field(min_length=KELURAHAN_IN_THE_CITY, max_length=KELURAHAN_IN_THE_CITY)],
        "every kelurahan of Kota Bekasi, zeros included, by kecamatan then code")],
    "kecamatan": Required[list[ImpactKecamatan]],
    "city": Required[ImpactCity],
    "monthly": Required[list[ImpactMonth]]}, total=False)

PERIOD_PARAMS = [
    query("from", Day, "first day (WIB); absent or empty: 29 days before to", allow_empty=True),
    query("to", Day, "last day (WIB, included); absent or empty: today", allow_empty=True),
]
