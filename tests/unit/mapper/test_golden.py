"""Complete rendered requests per platform, compared with reviewed golden files.

Each golden file was checked against the platform's documented example (platforms.md): field
names, nesting, units and which values are hashed. Regenerate after an intended change with
`SWITCHYARD_UPDATE_GOLDEN=1 pytest tests/unit/mapper/test_golden.py` and review the diff.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from google.protobuf import json_format

from services.mapper.platforms.table import PLATFORMS
from services.mapper.routing import map_events
from services.mapper.snapshot_index import SnapshotIndex
from switchyard.v1 import common_pb2
from tests.unit.mapper import factory as f

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("SWITCHYARD_UPDATE_GOLDEN") == "1"


def snapshot_of(delivery: common_pb2.Delivery) -> dict[str, Any]:
    """A delivery as a reviewable document: body parsed, batch key left to its own test."""
    request = delivery.request
    content_type = next((h.value for h in request.headers if h.name == "Content-Type"), "")
    body: Any = request.body.decode()
    if content_type == "application/json":
        body = json.loads(body)
    return {
        "platform_event_name": delivery.platform_event_name,
        "match_quality": delivery.match_quality,
        "response_kind": delivery.response_kind,
        "accept_until": delivery.accept_until.ToJsonString(),
        "method": request.method,
        "url": request.url,
        "headers": [[h.name, h.value] for h in request.headers],
        "credential_slots": [
            json_format.MessageToDict(s, preserving_proto_field_name=True)
            for s in request.credential_slots
        ],
        "batch": {"field": request.batch.field, "max_items": request.batch.max_items},
        "body": body,
    }


@pytest.mark.parametrize("dtype", sorted(PLATFORMS), ids=lambda t: PLATFORMS[t].name)
def test_rendered_request_matches_golden(dtype: int) -> None:
    index = SnapshotIndex(f.snapshot([f.destination(dtype)]))
    (result,) = map_events(index, [f.event()], f.NOW)
    (delivery,) = result.deliveries
    assert delivery.decision == common_pb2.DELIVERY_DECISION_SEND, delivery.skip_reason
    document = snapshot_of(delivery)
    path = GOLDEN / f"{PLATFORMS[dtype].name}.json"
    if UPDATE:
        path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    assert document == json.loads(path.read_text())


def test_every_platform_has_a_golden_file() -> None:
    names = {path.stem for path in GOLDEN.glob("*.json")}
    assert names == {platform.name for platform in PLATFORMS.values()}
