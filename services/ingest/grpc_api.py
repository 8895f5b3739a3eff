"""The gRPC `Ingest` service: a thin edge over the intake, authorized by API key."""

from __future__ import annotations

import json

import grpc
from google.protobuf import json_format
from google.protobuf.message import Message

from services.common.auth import bearer_token
from services.common.correlation import current_request_id, new_request_id
from services.common.errors import InvalidArgument, NotFound, grpc_errors
from services.ingest.catalog import SnapshotIndex
from services.ingest.intake import Intake, inbound_request, with_click_id
from services.ingest.parsing import Parsed
from services.ingest.redaction import redact_json
from switchyard.v1 import dispatcher_pb2, ingest_pb2, ingest_pb2_grpc


def grpc_inbound(method: str, request: Message) -> dispatcher_pb2.InboundRequest:
    """What is kept of a gRPC call: its request as JSON with personal data hashed."""
    body = redact_json(json_format.MessageToDict(request, preserving_proto_field_name=True))
    return inbound_request(
        current_request_id() or new_request_id(),
        "trigger" if method == "TriggerEvent" else "grpc",
        method,
        f"/switchyard.v1.Ingest/{method}",
        body=json.dumps(body, separators=(",", ":")).encode(),
    )


class IngestApi(ingest_pb2_grpc.IngestServicer):  # type: ignore[misc]
    """TrackEvents, TriggerEvent and RecordClick."""

    def __init__(self, intake: Intake) -> None:
        self._intake = intake

    async def _organization(self, context: grpc.aio.ServicerContext) -> SnapshotIndex:
        token = bearer_token(context.invocation_metadata())
        return await self._intake.organization_of_key(token)

    @grpc_errors
    async def TrackEvents(
        self, request: ingest_pb2.TrackEventsRequest, context: grpc.aio.ServicerContext
    ) -> ingest_pb2.TrackEventsResponse:
        index = await self._organization(context)
        prepared = self._intake.prepare(index, [Parsed(e) for e in request.events], batch=True)
        inbound = grpc_inbound("TrackEvents", request)
        results = await self._intake.submit(prepared, inbound, batch=True)
        return ingest_pb2.TrackEventsResponse(results=results)

    @grpc_errors
    async def TriggerEvent(
        self, request: ingest_pb2.TriggerEventRequest, context: grpc.aio.ServicerContext
    ) -> ingest_pb2.TriggerEventResponse:
        index = await self._organization(context)
        if not request.lead_id:
            raise InvalidArgument.one("lead_id", "is required")
        lead = await self._intake.attribution.lead(index.snapshot.organization.id, request.lead_id)
        if lead is None:
            raise NotFound("no such lead")
        event = ingest_pb2.EventInput()
        event.CopyFrom(request.event)
        event.lead_id = request.lead_id
        # An offline conversion rarely knows the campaign; the lead does.
        event.campaign_id = event.campaign_id or lead.campaign_id
        prepared = self._intake.prepare(index, [Parsed(event)], batch=False)
        inbound = grpc_inbound("TriggerEvent", request)
        results = await self._intake.submit(prepared, inbound, batch=False)
        return ingest_pb2.TriggerEventResponse(result=results[0])

    @grpc_errors
    async def RecordClick(
        self, request: ingest_pb2.RecordClickRequest, context: grpc.aio.ServicerContext
    ) -> ingest_pb2.RecordClickResponse:
        index = await self._organization(context)
        click = await self._intake.record_click(index, request)
        return ingest_pb2.RecordClickResponse(
            click_id=click.click_id, redirect_url=with_click_id(click.landing_url, click.click_id)
        )
