"""The events every organization has: the standard catalog and the system events.

They are stored as rows when an organization is created (so their flags and amounts can be
changed like any other definition) but can never be renamed or deleted.
"""

from __future__ import annotations

from dataclasses import dataclass

from services.common.catalog import STANDARD_EVENTS, SYSTEM_EVENTS

CONVERSIONS = frozenset({"Purchase", "Lead", "CompleteRegistration", "Upsell"})
MULTI_TRIGGER = frozenset({"Upsell"})
DESCRIPTIONS = {
    "lead_created": "A lead was created.",
    "click_sold": "A click was sold to a buyer.",
    "form_sold": "A form lead was sold to a buyer.",
    "call_sold": "A call was sold to a buyer.",
}


@dataclass(frozen=True)
class SeedEvent:
    """One built-in event definition with its default flags."""

    name: str
    kind: str
    description: str
    conversion: bool
    multi_trigger: bool


def seed_events() -> list[SeedEvent]:
    """The rows a new organization starts with."""
    standard = [
        SeedEvent(name, "standard", "", name in CONVERSIONS, name in MULTI_TRIGGER)
        for name in STANDARD_EVENTS
    ]
    system = [SeedEvent(name, "system", DESCRIPTIONS[name], False, False) for name in SYSTEM_EVENTS]
    return standard + system
