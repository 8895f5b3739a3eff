"""Personal data in, SHA-256 hashes out: every platform's variant of every field (law 5).

Ingest calls this before anything is stored or sent. Only hashes leave; raw values are neither
kept nor logged, and problems name the field and the rule, never the value.
"""

from __future__ import annotations

import datetime
import hashlib
import re
from collections.abc import Callable

from services.common.errors import InvalidArgument, Problem
from services.common.identity import rules
from services.common.identity.rules import Refused
from switchyard.v1 import common_pb2, ingest_pb2

_HASHED = re.compile(r"[0-9a-fA-F]{64}")


def sha256_hex(text: str) -> str:
    """SHA-256 of the UTF-8 bytes, lowercase hex: the one hash every platform takes."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def is_hashed(value: str) -> bool:
    """True for 64 hex digits: a sender's own SHA-256, which cannot be normalized again."""
    return _HASHED.fullmatch(value) is not None


def normalize_user(
    user: ingest_pb2.UserInput, default_country: str | None, *, prefix: str = "user"
) -> tuple[common_pb2.HashedIdentity, list[Problem]]:
    """Hash every field of `user` that normalizes, and list a problem for every one that does not.

    `default_country` (the campaign's or organization's) reads national phone numbers, with
    the person's own country as the fallback; for state and zip rules the person's own country
    comes first, since it is the address's. Empty fields stay empty; a refused field is left out.
    """
    out: dict[str, str] = {}
    problems: list[Problem] = []
    own_country = _own_country(user.country)
    default = rules.country_code(default_country)
    region = own_country or default
    _one(out, problems, prefix, "country", user.country, lambda v: _country(v, own_country))
    _one(out, problems, prefix, "email", user.email, _email)
    _one(out, problems, prefix, "phone", user.phone, lambda v: _phone(v, default or own_country))
    _one(out, problems, prefix, "first_name", user.first_name, _first_name)
    _one(out, problems, prefix, "last_name", user.last_name, _last_name)
    _one(out, problems, prefix, "date_of_birth", user.date_of_birth, _date_of_birth)
    _one(out, problems, prefix, "gender", user.gender, lambda v: {"gender": rules.gender(v)})
    _one(out, problems, prefix, "city", user.city, lambda v: {"city": rules.city(v)})
    _one(out, problems, prefix, "state", user.state, lambda v: {"state": rules.state(v, region)})
    _one(out, problems, prefix, "zip", user.zip, lambda v: {"zip": rules.zip_code(v, region)})
    _one(out, problems, prefix, "external_id", user.external_id, _external_id)
    _one(out, problems, prefix, "street", user.street, lambda v: {"street": rules.street(v)})
    return common_pb2.HashedIdentity(**out), problems


def hash_identity(
    user: ingest_pb2.UserInput, default_country: str | None, *, prefix: str = "user"
) -> common_pb2.HashedIdentity:
    """Like `normalize_user`, but raise one InvalidArgument listing every problem."""
    identity, problems = normalize_user(user, default_country, prefix=prefix)
    if problems:
        raise InvalidArgument(problems)
    return identity


# Which HashedIdentity fields each input field fills; a pre-hashed input fills them all alike.
_VARIANTS: dict[str, tuple[str, ...]] = {
    "email": ("email", "email_google", "email_reddit"),
    "phone": ("phone", "phone_e164"),
    "first_name": ("first_name", "first_name_google"),
    "last_name": ("last_name", "last_name_google"),
}


def _one(
    out: dict[str, str],
    problems: list[Problem],
    prefix: str,
    field: str,
    raw: str,
    normalize: Callable[[str], dict[str, str]],
) -> None:
    """Hash one input field's variants into `out`, or add the problem that refused it."""
    value = raw.strip()
    if not value:
        return
    if is_hashed(value):
        for target in _VARIANTS.get(field, (field,)):
            out[target] = value.lower()
        return
    try:
        plain = normalize(value)
    except Refused as refused:
        problems.append(Problem(f"{prefix}.{field}", refused.rule))
        return
    for target, text in plain.items():
        if text:
            out[target] = sha256_hex(text)


def _own_country(raw: str) -> str | None:
    """The person's country as an alpha-2 code, when given in the clear and known."""
    try:
        return rules.country(raw) if raw.strip() and not is_hashed(raw.strip()) else None
    except Refused:
        return None


def _country(value: str, known: str | None) -> dict[str, str]:
    return {"country": known or rules.country(value)}


def _email(value: str) -> dict[str, str]:
    text = rules.email(value)
    return {
        "email": text,
        "email_google": rules.email_for_google(text),
        "email_reddit": rules.email_for_reddit(text),
    }


def _phone(value: str, region: str | None) -> dict[str, str]:
    e164 = rules.phone_e164(value, region)
    return {"phone": rules.phone_digits(e164), "phone_e164": e164}


def _first_name(value: str) -> dict[str, str]:
    return {
        "first_name": rules.name(value),
        "first_name_google": rules.first_name_for_google(value),
    }


def _last_name(value: str) -> dict[str, str]:
    return {"last_name": rules.name(value), "last_name_google": rules.last_name_for_google(value)}


def _date_of_birth(value: str) -> dict[str, str]:
    return {"date_of_birth": rules.date_of_birth(value, datetime.date.today())}


def _external_id(value: str) -> dict[str, str]:
    return {"external_id": rules.external_id(value)}
