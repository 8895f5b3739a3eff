"""Dispatcher-specific domain errors (the shared table in services.common.errors maps them)."""

from __future__ import annotations

from services.common.errors import NotFound, PermissionDenied


class EventNotFound(NotFound):
    """No such event in the caller's organization."""

    def __init__(self, event_id: str) -> None:
        super().__init__(f"event {event_id!r} not found", field="event_id")


class DeliveryNotFound(NotFound):
    """No such delivery in the caller's organization."""

    def __init__(self, delivery_id: str) -> None:
        super().__init__(f"delivery {delivery_id!r} not found", field="delivery_id")


class OrganizationRequired(PermissionDenied):
    """History calls are answered for one organization: they need its admin API key."""

    def __init__(self) -> None:
        super().__init__("this method needs an organization's admin API key")
