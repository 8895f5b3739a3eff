"""Parameter names as senders spell them, matched to canonical fields.

Networks' postback macros and webhook payloads name the same things many ways (`txid`,
`order_id`, `Transaction-ID`); matching ignores case, `_` and `-` (as AnyTrack does) and knows a
few aliases per field, so most senders need no field rules at all.
"""

from __future__ import annotations

import re

from services.common.canonical_fields import CANONICAL_FIELDS
from switchyard.v1 import common_pb2, ingest_pb2

ALIASES: dict[str, tuple[str, ...]] = {
    "event_name": ("event", "event_type", "goal"),
    "transaction_id": ("txid", "order_id", "transaction", "tid"),
    "click_id": ("clickid", "sy_click_id", "sy_click"),
    "value": ("amount", "sale_amount", "conversion_value"),
    "currency": ("cur", "currency_code"),
    "campaign_id": ("campaign",),
    "event_time": ("timestamp", "time", "ts", "conversion_time"),
    "email": ("e_mail", "em", "mail"),
    "phone": ("tel", "telephone", "phone_number", "mobile"),
    "first_name": ("fname", "fn", "firstname", "given_name"),
    "last_name": ("lname", "ln", "lastname", "surname", "family_name"),
    "date_of_birth": ("dob", "birthday", "birth_date", "birthdate"),
    "zip": ("postal_code", "postcode", "zipcode", "zip_code"),
    "street": ("address", "address1", "street_address"),
    "user_agent": ("ua",),
    "ip": ("ip_address", "client_ip"),
    "referrer_url": ("referrer", "referer"),
    "page_url": ("url", "page", "landing_url"),
}
# Attribution parameters kept verbatim in CanonicalEvent.params (affiliate and sub ids, UTM).
PARAM_NAME = re.compile(
    r"^(aff(iliate)?_?id|aff_sub\d{0,2}|sub_?id\d{0,2}|sub\d{1,2}|s\d|offer_?id|source_?id"
    r"|utm_[a-z]+|publisher_?id|placement|creative_?id|ad_?id|adset_?id)$",
    re.IGNORECASE,
)
# Personal data is whatever UserInput carries: a field added to the contract is hashed and
# redacted without a second list to update (law 5).
PERSONAL_FIELDS: frozenset[str] = frozenset(ingest_pb2.UserInput.DESCRIPTOR.fields_by_name)
CLICK_ID_FIELDS: tuple[str, ...] = tuple(f.name for f in common_pb2.ClickIds.DESCRIPTOR.fields)


def loose(name: str) -> str:
    """The matching key of a name: lower case, without `_`, `-` and spaces."""
    return name.lower().replace("_", "").replace("-", "").replace(" ", "")


def _build_lookup() -> dict[str, str]:
    lookup = {loose(name): name for name in CANONICAL_FIELDS}
    for target, aliases in ALIASES.items():
        for alias in aliases:
            lookup.setdefault(loose(alias), target)
    return lookup


_LOOKUP = _build_lookup()


def canonical_name(name: str) -> str | None:
    """The canonical field a parameter name means, or None."""
    return _LOOKUP.get(loose(name))


def is_param_name(name: str) -> bool:
    """True for an affiliate, sub id or UTM parameter kept in CanonicalEvent.params."""
    return PARAM_NAME.match(name) is not None


def is_personal(name: str) -> bool:
    """True when a parameter name means personal data that must be hashed before storage."""
    return canonical_name(name) in PERSONAL_FIELDS
