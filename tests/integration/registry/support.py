"""Assertions shared by the registry's integration tests."""

from __future__ import annotations

import json
from collections.abc import Awaitable
from typing import Any

import grpc
import pytest

from switchyard.v1 import common_pb2, config_pb2
from switchyard.v1 import registry_pb2 as rp


async def expect(code: grpc.StatusCode, call: Awaitable[Any]) -> grpc.aio.AioRpcError:
    """Await a call that must fail with `code`; return the error for closer checks."""
    with pytest.raises(grpc.aio.AioRpcError) as info:
        await call
    assert info.value.code() == code, info.value.details()
    return info.value


def problems(err: grpc.aio.AioRpcError) -> dict[str, str]:
    """The field -> rule problems an INVALID_ARGUMENT carried in its trailers."""
    meta = dict(err.trailing_metadata() or ())
    return {p["field"]: p["rule"] for p in json.loads(meta.get("x-problems", "[]"))}


async def version(org: Any) -> int:
    """The organization's current snapshot version."""
    answer = await org.stub.GetSnapshot(rp.GetSnapshotRequest())
    return int(answer.snapshot.version)


async def campaign(org: Any, name: str = "main", **fields: Any) -> config_pb2.Campaign:
    answer = await org.stub.CreateCampaign(
        rp.CreateCampaignRequest(campaign=config_pb2.Campaign(name=name, **fields))
    )
    return answer.campaign


async def custom_event(org: Any, name: str, campaign_id: str = "", **flags: Any) -> Any:
    answer = await org.stub.CreateEventDefinition(
        rp.CreateEventDefinitionRequest(
            event_definition=config_pb2.EventDefinition(name=name, campaign_id=campaign_id, **flags)
        )
    )
    return answer.event_definition


async def meta_destination(org: Any, name: str = "meta-main", token: str = "EAAB-secret") -> Any:
    answer = await org.stub.CreateDestination(
        rp.CreateDestinationRequest(
            destination=config_pb2.Destination(
                name=name,
                type=common_pb2.DESTINATION_TYPE_META,
                settings={"pixel_id": "123456"},
                enabled=True,
            ),
            credentials={"access_token": token},
        )
    )
    return answer.destination
