"""Postback macros: `{transaction_id}`-style placeholders in URL, body and header templates.

The registry refuses templates naming unknown macros; the mapper fills them. Both read this one
module so that what is accepted is exactly what can be rendered.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from urllib.parse import quote

MACRO_PATTERN = re.compile(r"\{([^{}]*)\}")

# Macros every event can fill (empty when the event lacks the value).
KNOWN_MACROS: frozenset[str] = frozenset(
    {
        "event_id",
        "event_name",
        "platform_event_name",
        "event_time",
        "event_time_iso",
        "transaction_id",
        "lead_id",
        "click_id",
        "campaign_id",
        "organization_id",
        "payout",
        "revenue",
        "value",
        "currency",
        "ip",
        "user_agent",
        "landing_url",
        "page_url",
        "utm_source",
        "utm_medium",
        "utm_campaign",
        "utm_term",
        "utm_content",
        "aff_id",
        "sub1",
        "sub2",
        "sub3",
        "sub4",
        "sub5",
        "gclid",
        "fbclid",
        "ttclid",
        "msclkid",
        "random",
        "timestamp",
        "test",
    }
)


def find_macros(template: str) -> list[str]:
    """Names of the macros a template uses, in order of appearance."""
    return [match.group(1) for match in MACRO_PATTERN.finditer(template)]


def unknown_macros(template: str, custom_fields: Iterable[str] = ()) -> list[str]:
    """Macros of a template that are neither known nor one of the given custom field names."""
    allowed = KNOWN_MACROS | frozenset(custom_fields)
    return [name for name in find_macros(template) if name not in allowed]


def render(template: str, values: Mapping[str, str], escape: Callable[[str], str] = str) -> str:
    """Fill every macro from `values` (missing ones become empty), passing each through escape."""
    return MACRO_PATTERN.sub(lambda match: escape(values.get(match.group(1), "")), template)


def render_url(template: str, values: Mapping[str, str]) -> str:
    """Fill a URL template, percent-encoding each value so it cannot break the URL's structure."""
    return render(template, values, lambda value: quote(value, safe=""))
