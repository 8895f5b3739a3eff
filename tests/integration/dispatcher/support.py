"""A local platform endpoint and envelope builders for the dispatcher's tests."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from aiohttp import web
from google.protobuf.timestamp_pb2 import Timestamp

from switchyard.v1 import common_pb2, dispatcher_pb2

INTERNAL_TOKEN = "dispatcher-tests-internal-token"
Handler = Callable[["Received"], Awaitable[web.Response] | web.Response]


@dataclass(frozen=True)
class Received:
    """One request the endpoint got."""

    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes
    at: float

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Endpoint:
    """A local HTTP server whose answer per path a test sets; it records every request."""

    port: int = 0
    received: list[Received] = field(default_factory=list)
    handlers: dict[str, Handler] = field(default_factory=dict)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def at(self, path: str) -> list[Received]:
        return [r for r in self.received if r.path == path]

    async def handle(self, request: web.Request) -> web.Response:
        got = Received(
            request.path,
            dict(request.query),
            dict(request.headers),
            await request.read(),
            time.monotonic(),
        )
        self.received.append(got)
        handler = self.handlers.get(request.path)
        if handler is None:
            return web.Response(status=200, text='{"ok":true}')
        answer = handler(got)
        return answer if isinstance(answer, web.Response) else await answer


def sequence(*statuses: int, headers: dict[str, str] | None = None) -> Handler:
    """Answer with these statuses in turn, then keep answering the last one."""
    left = list(statuses)

    def answer(_got: Received) -> web.Response:
        status = left.pop(0) if len(left) > 1 else left[0]
        return web.Response(status=status, text=f'{{"status":{status}}}', headers=headers)

    return answer


def ts(moment: datetime) -> Timestamp:
    stamp = Timestamp()
    stamp.FromDatetime(moment)
    return stamp


def delivery(
    event_id: str,
    url: str,
    *,
    destination_id: str = "dest-1",
    destination_type: int = common_pb2.DESTINATION_TYPE_WEBHOOK,
    body: dict[str, Any] | None = None,
    batch: common_pb2.BatchSpec | None = None,
    slots: Sequence[common_pb2.CredentialSlot] = (),
    accept_until: datetime | None = None,
    response_kind: str = "webhook",
    skip_reason: str = "",
) -> common_pb2.Delivery:
    """A rendered delivery of one event to a local URL."""
    payload = body if body is not None else {"event_id": event_id}
    return common_pb2.Delivery(
        delivery_id=f"{event_id}:{destination_id}",
        event_id=event_id,
        destination_id=destination_id,
        destination_type=destination_type,  # type: ignore[arg-type]
        destination_name=f"name of {destination_id}",
        platform_event_name="Purchase",
        decision=common_pb2.DELIVERY_DECISION_SKIP
        if skip_reason
        else common_pb2.DELIVERY_DECISION_SEND,
        skip_reason=skip_reason,
        request=common_pb2.HttpRequest(
            method="POST",
            url=url,
            headers=[common_pb2.Header(name="Content-Type", value="application/json")],
            body=json.dumps(payload).encode(),
            credential_slots=list(slots),
            batch=batch,
        ),
        match_quality=7,
        response_kind=response_kind,
        accept_until=ts(accept_until) if accept_until else None,
    )


def envelope(
    organization_id: str,
    deliveries: Sequence[common_pb2.Delivery],
    *,
    event_id: str | None = None,
    event_name: str = "Purchase",
    campaign_id: str = "camp-1",
    lead_id: str = "",
    transaction_id: str = "",
    test: bool = False,
) -> dispatcher_pb2.EventEnvelope:
    """An event with its deliveries, as ingest sends it."""
    event_id = event_id or (deliveries[0].event_id if deliveries else uuid.uuid4().hex)
    return dispatcher_pb2.EventEnvelope(
        event=common_pb2.CanonicalEvent(
            event_id=event_id,
            organization_id=organization_id,
            event_name=event_name,
            campaign_id=campaign_id,
            lead_id=lead_id,
            transaction_id=transaction_id,
            value=12.5,
            currency="EUR",
            test=test,
        ),
        config_version=7,
        inbound=dispatcher_pb2.InboundRequest(
            request_id=uuid.uuid4().hex,
            channel="postback",
            method="GET",
            path="/p/abc",
            query="email=5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8",
        ),
        deliveries=list(deliveries),
    )


def new_id() -> str:
    return uuid.uuid4().hex
