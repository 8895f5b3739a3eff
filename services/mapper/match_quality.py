"""Match quality: a 0-10 score per delivery from the identifier kinds its request carries.

An operator sorts deliveries by it to see which events reach a platform too thin to match.
Weights follow what each platform says matters most (platforms.md): a hashed e-mail is the
strongest key everywhere, then phone and the platform's own click id; browser cookies, IP with
user agent, external ids and name/address parts add a little each. The sum is capped at 10.

| platform | email | phone | click id | browser id | ip+ua | external id | name/address/dob |
|---|---|---|---|---|---|---|---|
| meta | 3 | 2 | 2 | 1 | 1 | 1 | 1 |
| google_ads | 3 | 3 | 5 | - | - | - | - |
| ga4 | 3 | 2 | - | 3 (client id) | - | - | 1 |
| tiktok | 3 | 2 | 2 | 1 | 1 | 1 | 1 |
| microsoft | 3 | 2 | 4 | - | 1 | 1 | - |
| snapchat | 3 | 2 | 2 | 1 | 1 | 1 | 1 |
| pinterest | 3 | 2 | 2 | - | 2 | 1 | 1 |
| reddit | 3 | 2 | 3 | 1 | 1 | 1 | - |
| linkedin | 5 | - | 5 | - | - | - | - |
| outbrain, taboola, postback | - | - | 10 | - | - | - | - |
| webhook | the whole event travels: always 10 |
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

NAME_ADDRESS = ("name", "address", "date_of_birth")

_SOCIAL = {
    "email": 3,
    "phone": 2,
    "click_id": 2,
    "browser_id": 1,
    "ip_ua": 1,
    "external_id": 1,
    **{kind: 1 for kind in NAME_ADDRESS},
}

# Identifier kind → weight per platform. Name, address and birth date share one point.
WEIGHTS: Mapping[str, Mapping[str, int]] = {
    "meta": _SOCIAL,
    "tiktok": _SOCIAL,
    "snapchat": _SOCIAL,
    "google_ads": {"email": 3, "phone": 3, "click_id": 5},
    "ga4": {"email": 3, "phone": 2, "browser_id": 3, **{kind: 1 for kind in NAME_ADDRESS}},
    "microsoft": {"email": 3, "phone": 2, "click_id": 4, "ip_ua": 1, "external_id": 1},
    "pinterest": {**_SOCIAL, "ip_ua": 2, "browser_id": 0},
    "reddit": {
        "email": 3,
        "phone": 2,
        "click_id": 3,
        "browser_id": 1,
        "ip_ua": 1,
        "external_id": 1,
    },
    "linkedin": {"email": 5, "click_id": 5},
    "outbrain": {"click_id": 10},
    "taboola": {"click_id": 10},
    "postback": {"click_id": 10},
}

FULL = 10


def score(platform: str, identifiers: Iterable[str]) -> int:
    """The 0-10 score of a request carrying these identifier kinds on this platform."""
    if platform == "webhook":
        return FULL
    weights = WEIGHTS.get(platform, {})
    kinds = set(identifiers)
    total = sum(weights.get(kind, 0) for kind in kinds if kind not in NAME_ADDRESS)
    # Name, address and birth date together count once: alone they rarely identify anyone.
    total += max((weights.get(kind, 0) for kind in kinds if kind in NAME_ADDRESS), default=0)
    return min(total, FULL)
