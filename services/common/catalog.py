"""The event names every organization has (DESIGN.md): the standard catalog and system events.

The registry seeds and guards them, the mapper auto-maps them; one list, so they cannot drift.
"""

from __future__ import annotations

STANDARD_EVENTS: tuple[str, ...] = (
    "OutboundClick",
    "ViewContent",
    "AddToCart",
    "InitiateCheckout",
    "FormSubmit",
    "Schedule",
    "Lead",
    "CompleteRegistration",
    "Purchase",
    "Upsell",
)
SYSTEM_EVENTS: tuple[str, ...] = ("lead_created", "click_sold", "form_sold", "call_sold")
BUILT_IN_EVENTS = frozenset(STANDARD_EVENTS) | frozenset(SYSTEM_EVENTS)
