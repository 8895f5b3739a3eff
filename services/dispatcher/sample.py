"""The realistic sample event a test send uses when the caller gives none."""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, datetime

from google.protobuf.timestamp_pb2 import Timestamp

from switchyard.v1 import common_pb2


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def sample_event(organization_id: str, now: datetime | None = None) -> common_pb2.CanonicalEvent:
    """A Purchase by a made-up person, hashed like ingest would, marked as a test."""
    moment = Timestamp()
    moment.FromDatetime(now or datetime.now(UTC))
    return common_pb2.CanonicalEvent(
        event_id=f"test_{uuid.uuid4().hex}",
        organization_id=organization_id,
        event_name="Purchase",
        kind=common_pb2.EVENT_KIND_STANDARD,
        event_time=moment,
        received_at=moment,
        transaction_id=f"test_order_{uuid.uuid4().hex[:8]}",
        value=49.90,
        currency="USD",
        identity=common_pb2.HashedIdentity(
            email=_sha256("test.buyer@example.com"),
            email_google=_sha256("test.buyer@example.com"),
            phone=_sha256("15555550100"),
            phone_e164=_sha256("+15555550100"),
            first_name=_sha256("test"),
            last_name=_sha256("buyer"),
            country=_sha256("us"),
        ),
        client=common_pb2.ClientContext(
            ip="203.0.113.10",
            user_agent="Mozilla/5.0 (Switchyard test send)",
            page_url="https://example.com/checkout/thank-you",
        ),
        action_source=common_pb2.ACTION_SOURCE_WEBSITE,
        items=[common_pb2.Item(id="SKU-TEST", name="Test product", quantity=1, price=49.90)],
        test=True,
    )
