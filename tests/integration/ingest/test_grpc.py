"""The gRPC edge: TrackEvents, TriggerEvent against a lead, RecordClick."""

from __future__ import annotations

import grpc
import pytest

from switchyard.v1 import ingest_pb2, ingest_pb2_grpc
from tests.integration.ingest.conftest import Org, Stack


async def test_track_trigger_and_click_over_grpc(stack: Stack, org: Org) -> None:
    meta = (("authorization", f"Bearer {org.key}"),)
    async with grpc.aio.insecure_channel(f"127.0.0.1:{stack.ingest.grpc_port}") as chan:
        stub = ingest_pb2_grpc.IngestStub(chan)
        click = await stub.RecordClick(
            ingest_pb2.RecordClickRequest(
                campaign_id=org.campaign_id, landing_url="https://a.example/"
            ),
            metadata=meta,
        )
        assert click.redirect_url == f"https://a.example/?sy_click_id={click.click_id}"
        tracked = await stub.TrackEvents(
            ingest_pb2.TrackEventsRequest(
                events=[
                    ingest_pb2.EventInput(
                        event_name="Lead", campaign_id=org.campaign_id, click_id=click.click_id
                    )
                ]
            ),
            metadata=meta,
        )
        [lead] = tracked.results
        assert lead.outcome == ingest_pb2.EVENT_OUTCOME_ACCEPTED
        sale = ingest_pb2.EventInput(
            event_name="sale", campaign_id=org.campaign_id, custom_fields={"plan": "p"}
        )
        fired = await stub.TriggerEvent(
            ingest_pb2.TriggerEventRequest(lead_id=lead.lead_id, event=sale), metadata=meta
        )
        assert fired.result.lead_id == lead.lead_id
        assert fired.result.outcome == ingest_pb2.EVENT_OUTCOME_ACCEPTED
        # A trigger that names no campaign takes the lead's, so its custom fields are checked
        # against the campaign the lead came from.
        upsell = ingest_pb2.EventInput(event_name="sale", custom_fields={"plan": "q"})
        upsell_fired = await stub.TriggerEvent(
            ingest_pb2.TriggerEventRequest(lead_id=lead.lead_id, event=upsell), metadata=meta
        )
        assert upsell_fired.result.outcome == ingest_pb2.EVENT_OUTCOME_DUPLICATE  # sale fired
        with pytest.raises(grpc.aio.AioRpcError) as missing:
            await stub.TriggerEvent(
                ingest_pb2.TriggerEventRequest(lead_id="nope", event=sale), metadata=meta
            )
        assert missing.value.code() == grpc.StatusCode.NOT_FOUND
        with pytest.raises(grpc.aio.AioRpcError) as anonymous:
            await stub.TrackEvents(ingest_pb2.TrackEventsRequest(events=[sale]))
        assert anonymous.value.code() == grpc.StatusCode.UNAUTHENTICATED
