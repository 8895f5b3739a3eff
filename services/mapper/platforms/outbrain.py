"""Outbrain S2S: GET /unifiedPixel?ob_click_id=…&name=… , one conversion per call.

`name` must equal the event name of a conversion created in the Outbrain UI; the defaults below
are suggestions, a CUSTOM event mapping sets the real one. No auth (the click id is the
credential), no user data, no test mode, no batching.
"""

from __future__ import annotations

from datetime import timedelta

from services.common.catalog import STANDARD_EVENTS
from services.mapper.platforms.base import Platform, snake_name
from services.mapper.platforms.s2s import ClickPixel, pixel_renderer
from switchyard.v1 import common_pb2

# Canonical → default conversion name (whatever the UI conversion is called; see above).
EVENT_NAMES: dict[str, str | None] = dict.fromkeys(STANDARD_EVENTS)

PIXEL = ClickPixel(
    host="https://tr.outbrain.com",
    path="/unifiedPixel",
    click_id=lambda ids: ids.ob_click_id,
    missing_click_id="Outbrain needs the ob_click_id of the click",
    click_id_param="ob_click_id",
    value_param="orderValue",
    order_id_param="orderId",
)

PLATFORM = Platform(
    name="outbrain",
    label="Outbrain",
    type=common_pb2.DESTINATION_TYPE_OUTBRAIN,
    accept_window=timedelta(days=30),
    event_names=EVENT_NAMES,
    render=pixel_renderer(PIXEL),
    custom_name=snake_name,
)
