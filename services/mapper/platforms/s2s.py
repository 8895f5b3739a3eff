"""Shared by the click-id S2S pixels (Outbrain, Taboola): one GET per conversion.

Such a pixel takes the click id, the conversion name, an optional value with its currency
and the order id as query parameters; only the host, the path and the parameters' spelling
differ, so each platform module states just those facts in a `ClickPixel`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

from services.mapper.platforms.base import (
    Rendered,
    Renderer,
    Skip,
    Target,
    amount,
    base_url,
    compact,
    decimal_text,
)
from switchyard.v1 import common_pb2


@dataclass(frozen=True)
class ClickPixel:
    """Where one platform's conversion pixel lives and how its query parameters are spelled."""

    host: str
    path: str
    click_id: Callable[[common_pb2.ClickIds], str]
    # Skip reason when the event's click lacks the platform's click id.
    missing_click_id: str
    click_id_param: str
    value_param: str
    order_id_param: str


def get_request(url: str, query: Mapping[str, object]) -> common_pb2.HttpRequest:
    """A GET with its query string; empty values are left out."""
    return common_pb2.HttpRequest(method="GET", url=f"{url}?{urlencode(compact(query))}")


def pixel_renderer(pixel: ClickPixel) -> Renderer:
    """A renderer sending one conversion per call to `pixel`."""

    def render(event: common_pb2.CanonicalEvent, target: Target) -> Rendered:
        click_id = pixel.click_id(event.click.ids)
        if not click_id:
            raise Skip(pixel.missing_click_id)
        value = amount(event)
        query = {
            pixel.click_id_param: click_id,
            "name": target.event_name,
            pixel.value_param: decimal_text(value) if value is not None else "",
            "currency": event.currency if value is not None else "",
            pixel.order_id_param: event.event_id,
        }
        url = f"{base_url(target.destination, pixel.host)}{pixel.path}"
        return Rendered(get_request(url, query), frozenset({"click_id"}))

    return render
