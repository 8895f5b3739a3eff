"""One trace follows an event from its HTTP request through Map and Enqueue to its delivery."""

from __future__ import annotations

from typing import Any

from opentelemetry.trace import SpanKind

from services.demo.platform_server import PlatformServer
from switchyard.v1 import common_pb2, config_pb2, registry_pb2
from tests.helpers import wait_for
from tests.integration.ingest.conftest import Org, Stack, current_version, wait_for_version


async def test_a_postback_and_its_delivery_share_one_trace(
    stack: Stack, org: Org, span_exporter: Any
) -> None:
    receiver = PlatformServer()
    await receiver.start()
    try:
        await org.stub.CreateDestination(
            registry_pb2.CreateDestinationRequest(
                destination=config_pb2.Destination(
                    name="partner",
                    type=common_pb2.DESTINATION_TYPE_WEBHOOK,
                    settings={"url": f"{receiver.endpoint('webhook')}/hook"},
                    enabled=True,
                ),
                credentials={"signing_secret": "whsec_dHJhY2luZy10ZXN0LXNlY3JldA=="},
            )
        )
        await wait_for_version(stack, org.id, await current_version(org))
        span_exporter.clear()
        url = f"{stack.base_url}/v1/postback/{org.postback_token}"
        params = {"event": "conv", "txid": "T-trace", "plan": "gold"}
        async with stack.http.get(url, params=params) as answer:
            event_id = (await answer.json())["results"][0]["event_id"]
        await wait_for(lambda: receiver.accepted_ids().get(event_id), timeout=10)
        spans = await wait_for(lambda: _deliver_spans(span_exporter), timeout=5)
    finally:
        await receiver.stop()
    finished = span_exporter.get_finished_spans()
    [request] = [s for s in finished if s.name == "GET /v1/postback/{token}"]
    trace_id = request.context.trace_id
    in_trace = {s.name for s in finished if s.context.trace_id == trace_id}
    assert {"ingest batch", "deliver partner"} <= in_trace
    for method in ("/switchyard.v1.Mapper/Map", "/switchyard.v1.Dispatcher/Enqueue"):
        kinds = {s.kind for s in finished if s.name == method and s.context.trace_id == trace_id}
        assert kinds == {SpanKind.CLIENT, SpanKind.SERVER}, method
    [deliver] = [s for s in spans if s.context.trace_id == trace_id]
    assert deliver.attributes["switchyard.event_id"] == event_id
    assert deliver.attributes["switchyard.verdict"] == "success"


def _deliver_spans(exporter: Any) -> list[Any]:
    return [s for s in exporter.get_finished_spans() if s.name == "deliver partner"]
