"""The canonical event's fields by name: what integration field rules may fill.

The registry refuses a field rule whose target is not listed here; ingest reads the same names
when it applies those rules, so an accepted rule is one ingest can carry out.
"""

from __future__ import annotations

import re

CANONICAL_FIELDS: frozenset[str] = frozenset(
    {
        "event_id",
        "event_name",
        "event_time",
        "campaign_id",
        "lead_id",
        "transaction_id",
        "click_id",
        "value",
        "currency",
        "payout",
        "revenue",
        "email",
        "phone",
        "first_name",
        "last_name",
        "date_of_birth",
        "gender",
        "city",
        "state",
        "zip",
        "country",
        "external_id",
        "street",
        "ip",
        "user_agent",
        "page_url",
        "referrer_url",
        "fbp",
        "fbc",
        "ttp",
        "fbclid",
        "gclid",
        "gbraid",
        "wbraid",
        "ttclid",
        "msclkid",
        "sccid",
        "epik",
        "rdt_cid",
        "li_fat_id",
        "ob_click_id",
        "tblci",
        "action_source",
        "test",
    }
)
PARAMS_PREFIX = "params."
CUSTOM_PREFIX = "custom."
_PARAM_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$")
_FIELD_NAME = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


def custom_field_of(target: str) -> str | None:
    """The custom field a `custom.<name>` target names, or None for any other target."""
    if target.startswith(CUSTOM_PREFIX):
        return target[len(CUSTOM_PREFIX) :]
    return None


def target_problem(target: str) -> str | None:
    """Why a field-rule target is not a canonical field, `params.<name>` or `custom.<name>`."""
    if target in CANONICAL_FIELDS:
        return None
    if target.startswith(PARAMS_PREFIX):
        if _PARAM_NAME.fullmatch(target[len(PARAMS_PREFIX) :]):
            return None
        return "params.<name> needs a name of letters, digits, '_', '.' or '-' (at most 64)"
    custom = custom_field_of(target)
    if custom is not None:
        if _FIELD_NAME.fullmatch(custom):
            return None
        return "custom.<name> needs a field name matching ^[a-z][a-z0-9_]{0,63}$"
    return f"{target!r} is not a canonical field, params.<name> or custom.<name>"
