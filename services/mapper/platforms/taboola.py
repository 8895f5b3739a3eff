"""Taboola S2S: GET /actions-handler/log/3/s2s-action?click-id=…&name=… , one per call.

`name` must equal the Event Name of a Taboola conversion rule (case-sensitive); the defaults
are suggestions, a CUSTOM event mapping sets the real one. The parameter is spelled
`click-id`. No auth, no user data, no test mode; success is HTTP 204.
"""

from __future__ import annotations

from datetime import timedelta

from services.common.catalog import STANDARD_EVENTS
from services.mapper.platforms.base import Platform, snake_name
from services.mapper.platforms.s2s import ClickPixel, pixel_renderer
from switchyard.v1 import common_pb2

# Canonical → default event name; all None: Taboola's names are whatever the rule says.
EVENT_NAMES: dict[str, str | None] = dict.fromkeys(STANDARD_EVENTS)

PIXEL = ClickPixel(
    host="https://trc.taboola.com",
    path="/actions-handler/log/3/s2s-action",
    click_id=lambda ids: ids.tblci,
    missing_click_id="Taboola needs the click id (tblci) of the click",
    click_id_param="click-id",
    value_param="revenue",
    order_id_param="orderid",
)

PLATFORM = Platform(
    name="taboola",
    label="Taboola",
    type=common_pb2.DESTINATION_TYPE_TABOOLA,
    accept_window=timedelta(days=30),
    event_names=EVENT_NAMES,
    render=pixel_renderer(PIXEL),
    custom_name=snake_name,
)
