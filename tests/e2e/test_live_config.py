"""A config change applied with `switchyard apply` while traffic flows: events mapped after it
follow it, and every stored event records the snapshot version that mapped it (law 9)."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import aiohttp
import pytest

from services.demo.platform_server import PlatformServer
from switchyard.v1 import dispatcher_pb2
from tests.e2e.support import document, new_id
from tests.helpers import wait_for
from tests.stack import ProcessStack, ack_event, settle

pytestmark = pytest.mark.e2e

SKIPPED = dispatcher_pb2.DELIVERY_STATUS_SKIPPED
DELIVERED = dispatcher_pb2.DELIVERY_STATUS_DELIVERED


async def _cli_apply(stack: ProcessStack, key: str, path: Path) -> str:
    """Run `switchyard apply -f <path>` as an operator would; its output."""
    env = {**stack.env, "SWITCHYARD_API_KEY": key, "SWITCHYARD_DATA_DIR": str(path.parent)}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "services.cli", "apply", "-f", str(path), env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await process.communicate()
    assert process.returncode == 0, err.decode()
    return out.decode()


async def test_a_change_applied_while_traffic_flows_is_followed_from_its_version_on(
    stack: ProcessStack,
    platforms: PlatformServer,
    http: aiohttp.ClientSession,
    tmp_path: Path,
) -> None:
    org = await stack.create_org(document(platforms))
    await stack.wait_for_token(http, org.tokens["network"])
    url = f"{stack.http_url}/v1/postback/{org.tokens['network']}"
    before = org.version
    sent: list[str] = []
    stop = asyncio.Event()

    async def traffic() -> None:
        while not stop.is_set():
            event_id = new_id("live")
            status, body = await ack_event(http, url, {
                "event": "conv", "event_id": event_id, "email": f"{event_id}@example.com",
                "value": "5", "currency": "USD", "plan": "basic",
            })  # fmt: skip
            assert status == 200, body
            sent.append(event_id)

    sender = asyncio.create_task(traffic())
    await wait_for(lambda: len(sent) >= 5, timeout=15)
    changed = tmp_path / "org.yaml"
    changed.write_text(document(platforms, meta_purchase="disabled"))
    output = await _cli_apply(stack, org.key, changed)
    assert "set mapping of Purchase for destination meta" in output
    await org.refresh()
    after = before + 1

    async def mapped_by_new_version() -> bool:
        return bool(sent) and (await org.event(sent[-1])).summary.config_version == after

    await wait_for(mapped_by_new_version, timeout=15, interval=0.05)
    settled_count = len(sent)
    await wait_for(lambda: len(sent) >= settled_count + 5, timeout=15)
    stop.set()
    await sender
    await settle(org)

    versions = []
    for event_id in sent:
        journey = await org.event(event_id)
        version = journey.summary.config_version
        versions.append(version)
        [meta] = [d.summary for d in journey.deliveries if d.summary.destination_name == "meta"]
        tiktok = [d.summary for d in journey.deliveries if d.summary.destination_name == "tiktok"]
        assert [t.status for t in tiktok] == [DELIVERED]  # untouched by the change
        if version == before:
            assert meta.status == DELIVERED, event_id
            assert platforms.accepted_ids("meta")[event_id] == 1
        else:
            assert version == after, (event_id, version)
            assert meta.status == SKIPPED and "disabled" in meta.reason, meta
            assert platforms.accepted_ids("meta")[event_id] == 0
    # One sender in order: once the new version mapped an event, every later one followed it.
    switch = versions.index(after)
    assert versions == [before] * switch + [after] * (len(versions) - switch)
    assert switch >= 5 and len(versions) - switch >= 5
