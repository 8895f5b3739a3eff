"""Law 5: where platforms hash e-mail and phone differently, each adapter sends its variant.

The shared fixtures give the Google e-mail variant the same hash as the plain one (the documented
address has no dots), so here every variant carries its own marker and a wrong pick shows.
"""

from __future__ import annotations

import hashlib

import pytest

from services.mapper.platforms.table import PLATFORMS
from services.mapper.routing import map_events
from services.mapper.snapshot_index import SnapshotIndex
from switchyard.v1 import common_pb2
from tests.unit.mapper import factory as f

D = common_pb2.DestinationType
VARIANTS = ("email", "email_google", "email_reddit", "phone", "phone_e164")
MARKERS = {name: hashlib.sha256(name.encode()).hexdigest() for name in VARIANTS}

# reference/platforms.md §1, the phone and e-mail tables.
EXPECTED = {
    D.DESTINATION_TYPE_META: {"email", "phone"},
    D.DESTINATION_TYPE_SNAPCHAT: {"email", "phone"},
    D.DESTINATION_TYPE_PINTEREST: {"email", "phone"},
    D.DESTINATION_TYPE_MICROSOFT: {"email", "phone"},
    D.DESTINATION_TYPE_GOOGLE_ADS: {"email_google", "phone_e164"},
    D.DESTINATION_TYPE_GA4: {"email_google", "phone_e164"},
    D.DESTINATION_TYPE_TIKTOK: {"email", "phone_e164"},
    D.DESTINATION_TYPE_REDDIT: {"email_reddit", "phone_e164"},
    D.DESTINATION_TYPE_LINKEDIN: {"email"},
    D.DESTINATION_TYPE_OUTBRAIN: set(),
    D.DESTINATION_TYPE_TABOOLA: set(),
}


def test_every_platform_adapter_is_listed() -> None:
    endpoints = {D.DESTINATION_TYPE_POSTBACK, D.DESTINATION_TYPE_WEBHOOK}
    assert set(EXPECTED) == set(PLATFORMS) - endpoints


@pytest.mark.parametrize("dtype", sorted(EXPECTED), ids=lambda t: PLATFORMS[t].name)
def test_each_platform_sends_its_own_hash_variant(dtype: int) -> None:
    event = f.event()
    for name, marker in MARKERS.items():
        setattr(event.identity, name, marker)
    (result,) = map_events(SnapshotIndex(f.snapshot([f.destination(dtype)])), [event], f.NOW)
    (delivery,) = result.deliveries
    assert delivery.decision == common_pb2.DELIVERY_DECISION_SEND, delivery.skip_reason
    sent = delivery.request.url + delivery.request.body.decode()
    assert {name for name, marker in MARKERS.items() if marker in sent} == EXPECTED[dtype]
