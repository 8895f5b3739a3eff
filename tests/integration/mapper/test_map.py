"""Map over gRPC, with the real registry feeding snapshots to the real mapper."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from services.mapper.app import Mapper
from switchyard.v1 import common_pb2, config_pb2, mapper_pb2, registry_pb2, registry_pb2_grpc
from tests.helpers import wait_for
from tests.integration.mapper.conftest import INTERNAL
from tests.unit.mapper import factory as f

M = config_pb2.MappingAction


class Org:
    """An organization created through the registry, with an admin stub."""

    def __init__(self, org_id: str, key: str, channel: grpc.aio.Channel) -> None:
        self.id = org_id
        self._stub = registry_pb2_grpc.RegistryStub(channel)
        self._meta = (("authorization", f"Bearer {key}"),)

    async def call(self, name: str, request: Any) -> Any:
        return await getattr(self._stub, name)(request, metadata=self._meta, timeout=10)

    async def version(self) -> int:
        answer = await self.call("GetSnapshot", registry_pb2.GetSnapshotRequest())
        return int(answer.snapshot.version)


@pytest.fixture
async def org(registry_internal: Any, registry_channel: grpc.aio.Channel) -> Org:
    answer = await registry_internal.CreateOrganization(
        registry_pb2.CreateOrganizationRequest(
            organization=config_pb2.Organization(name="Mapper Co", default_country="US"),
            admin_key_name="admin",
        ),
        metadata=INTERNAL,
    )
    return Org(answer.organization.id, answer.key, registry_channel)


async def add_destination(
    org: Org, dtype: int, name: str, **settings: str
) -> config_pb2.Destination:
    credentials = {
        common_pb2.DESTINATION_TYPE_META: {"access_token": "EAAB-secret-token"},
        common_pb2.DESTINATION_TYPE_TIKTOK: {"access_token": "tt-secret-token"},
    }[dtype]
    answer = await org.call(
        "CreateDestination",
        registry_pb2.CreateDestinationRequest(
            destination=config_pb2.Destination(
                name=name, type=dtype, settings=settings, enabled=True
            ),
            credentials=credentials,
        ),
    )
    return answer.destination


def fresh_event(org_id: str, event_id: str = "evt-1") -> common_pb2.CanonicalEvent:
    event = f.event(event_id=event_id, organization_id=org_id, campaign_id="")
    event.event_time.FromDatetime(datetime.now(UTC) - timedelta(minutes=5))
    return event


async def test_health_is_serving(mapper_channel: grpc.aio.Channel) -> None:
    answer = await health_pb2_grpc.HealthStub(mapper_channel).Check(
        health_pb2.HealthCheckRequest(service="switchyard.v1.Mapper")
    )
    assert answer.status == health_pb2.HealthCheckResponse.SERVING


async def test_map_renders_from_the_registrys_snapshot_and_reports_its_version(
    org: Org, mapper_stub: Any
) -> None:
    meta = await add_destination(org, common_pb2.DESTINATION_TYPE_META, "meta", pixel_id="1234567")
    tiktok = await add_destination(
        org, common_pb2.DESTINATION_TYPE_TIKTOK, "tiktok", pixel_code="CABC"
    )
    version = await org.version()
    answer = await mapper_stub.Map(
        mapper_pb2.MapRequest(
            organization_id=org.id,
            min_config_version=version,
            events=[fresh_event(org.id, "evt-1"), fresh_event(org.id, "evt-2")],
        ),
        metadata=INTERNAL,
    )
    assert answer.config_version == version
    assert [r.event_id for r in answer.results] == ["evt-1", "evt-2"]
    by_destination = {d.destination_id: d for d in answer.results[0].deliveries}
    assert set(by_destination) == {meta.id, tiktok.id}
    sent = by_destination[meta.id]
    assert sent.decision == common_pb2.DELIVERY_DECISION_SEND
    assert sent.request.url == "https://graph.facebook.com/v26.0/1234567/events"
    assert json.loads(sent.request.body)["data"][0]["event_id"] == "evt-1"
    assert by_destination[tiktok.id].platform_event_name == "CompletePayment"
    # Credentials stay in the registry: no stored secret appears anywhere in the answer.
    wire = answer.SerializeToString()
    assert b"EAAB-secret-token" not in wire and b"tt-secret-token" not in wire


async def test_a_mapping_change_reaches_the_mapper_through_the_stream(
    org: Org, mapper: Mapper, mapper_stub: Any
) -> None:
    meta = await add_destination(org, common_pb2.DESTINATION_TYPE_META, "meta", pixel_id="7654321")
    await org.call(
        "SetEventMapping",
        registry_pb2.SetEventMappingRequest(
            event_mapping=config_pb2.EventMapping(
                destination_id=meta.id, event_name="Purchase", action=M.MAPPING_ACTION_DISABLED
            )
        ),
    )
    version = await org.version()
    # Pushed by WatchSnapshots, not fetched: the store catches up on its own.
    await wait_for(lambda: (held := mapper.store.held(org.id)) and held.version >= version)
    answer = await mapper_stub.Map(
        mapper_pb2.MapRequest(organization_id=org.id, events=[fresh_event(org.id)]),
        metadata=INTERNAL,
    )
    assert answer.config_version == version
    (delivery,) = answer.results[0].deliveries
    assert delivery.decision == common_pb2.DELIVERY_DECISION_SKIP
    assert delivery.skip_reason == "event Purchase is disabled for destination meta"


async def test_min_config_version_newer_than_held_is_fetched(
    org: Org, mapper: Mapper, mapper_stub: Any
) -> None:
    await add_destination(org, common_pb2.DESTINATION_TYPE_META, "meta", pixel_id="1111111")
    version = await org.version()
    mapper.store.remove(org.id)  # as if the stream had not delivered it yet
    answer = await mapper_stub.Map(
        mapper_pb2.MapRequest(
            organization_id=org.id, min_config_version=version, events=[fresh_event(org.id)]
        ),
        metadata=INTERNAL,
    )
    assert answer.config_version == version
    assert len(answer.results[0].deliveries) == 1


async def test_a_version_that_never_comes_is_unavailable(org: Org, mapper_stub: Any) -> None:
    version = await org.version()
    with pytest.raises(grpc.aio.AioRpcError) as info:
        await mapper_stub.Map(
            mapper_pb2.MapRequest(
                organization_id=org.id,
                min_config_version=version + 50,
                events=[fresh_event(org.id)],
            ),
            metadata=INTERNAL,
            timeout=30,
        )
    assert info.value.code() == grpc.StatusCode.UNAVAILABLE
    assert str(version + 50) in info.value.details()


async def test_unknown_organization_is_not_found(mapper_stub: Any) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as info:
        await mapper_stub.Map(
            mapper_pb2.MapRequest(
                organization_id="no-such-org", events=[fresh_event("no-such-org")]
            ),
            metadata=INTERNAL,
        )
    assert info.value.code() == grpc.StatusCode.NOT_FOUND


async def test_bad_batches_name_every_problem(org: Org, mapper_stub: Any) -> None:
    broken = common_pb2.CanonicalEvent(organization_id="someone-else")
    with pytest.raises(grpc.aio.AioRpcError) as info:
        await mapper_stub.Map(
            mapper_pb2.MapRequest(organization_id=org.id, events=[fresh_event(org.id), broken]),
            metadata=INTERNAL,
        )
    assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    problems = {p["field"] for p in json.loads(dict(info.value.trailing_metadata())["x-problems"])}
    assert problems == {
        "events[1].event_id",
        "events[1].event_name",
        "events[1].event_time",
        "events[1].organization_id",
    }


async def test_map_needs_the_internal_token(org: Org, mapper_stub: Any) -> None:
    request = mapper_pb2.MapRequest(organization_id=org.id, events=[fresh_event(org.id)])
    for metadata in ((), (("authorization", "Bearer not-the-token"),)):
        with pytest.raises(grpc.aio.AioRpcError) as info:
            await mapper_stub.Map(request, metadata=metadata)
        assert info.value.code() == grpc.StatusCode.UNAUTHENTICATED
