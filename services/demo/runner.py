"""`switchyard demo`: the whole product in under a minute, on a stack of its own.

The demo always starts its own stack — exactly as `switchyard up` does (embedded PostgreSQL and
Redis unless SWITCHYARD_DATABASE_URL / SWITCHYARD_REDIS_URL are set), but on free ports, in a
fresh folder under the data folder, with outbound calls to 127.0.0.0/8 allowed and retries
seconds apart — so it runs next to a `make run` without touching its settings. It configures a
demo organization, fires the scenario's stream, waits until every delivery is settled, prints
what each destination got, stops everything, and exits 0 only when the outcome is the expected.
"""

from __future__ import annotations

import asyncio
import secrets
import shutil
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import aiohttp

from services.cli.stack import (
    Stack,
    child_env,
    http_url,
    on_free_ports,
    run_migrations,
    service_address,
    start_services,
    start_storage,
    stop_stack,
)
from services.common.grpc_client import channel
from services.common.settings import CommonSettings
from services.demo import report, scenario
from services.demo.platform_server import PlatformServer
from services.registry.cli import apply_text
from switchyard.v1 import (
    common_pb2,
    config_pb2,
    dispatcher_pb2,
    dispatcher_pb2_grpc,
    registry_pb2,
    registry_pb2_grpc,
)

Say = Callable[[str], None]
READY_SECONDS = 20.0
SETTLE_SECONDS = 45.0
DEMO_SETTINGS = {
    "SWITCHYARD_OUTBOUND_ALLOW_CIDRS": "127.0.0.0/8",  # the local platform server
    "SWITCHYARD_DISPATCHER_RETRY_BASE_SECONDS": "0.5",
    "SWITCHYARD_DISPATCHER_RETRY_CAP_SECONDS": "2",
    "SWITCHYARD_DISPATCHER_POLL_SECONDS": "0.2",
    "SWITCHYARD_SHUTDOWN_GRACE_SECONDS": "5",
    "SWITCHYARD_LOG_FORMAT": "json",
}
PATHS = {
    scenario.META: "meta",
    scenario.GOOGLE_ADS: "google_ads",
    scenario.TIKTOK: "tiktok",
    scenario.RETIRED: scenario.RETIRED_PATH,
    scenario.PARTNER: "postback",
}


def demo_env(env: Mapping[str, str]) -> dict[str, str]:
    """The demo stack's environment: free ports, local outbound calls, fast retries."""
    return {**on_free_ports(env), **DEMO_SETTINGS}


def _keyed(key: str) -> tuple[tuple[str, str], ...]:
    return (("authorization", f"Bearer {key}"),)


async def create_organization(stack: Stack) -> str:
    """The demo organization; its admin key."""
    address = service_address(stack.env, "registry")
    async with channel(address, stack.env["SWITCHYARD_INTERNAL_TOKEN"]) as chan:
        answer = await registry_pb2_grpc.RegistryInternalStub(chan).CreateOrganization(
            registry_pb2.CreateOrganizationRequest(
                organization=config_pb2.Organization(name="Demo Shop", default_country="US"),
                admin_key_name="demo",
            ),
            timeout=15,
        )
    return str(answer.key)


async def campaign_and_token(address: str, key: str) -> tuple[str, str]:
    """The demo campaign's id and a fresh URL token of its postback integration."""
    async with channel(address) as chan:
        stub = registry_pb2_grpc.RegistryStub(chan)
        meta = _keyed(key)
        campaigns = await stub.ListCampaigns(registry_pb2.ListCampaignsRequest(), metadata=meta)
        integrations = await stub.ListIntegrations(
            registry_pb2.ListIntegrationsRequest(), metadata=meta
        )
        [campaign] = [c for c in campaigns.campaigns if c.name == scenario.CAMPAIGN]
        [network] = [i for i in integrations.integrations if i.name == scenario.INTEGRATION]
        rotated = await stub.RotateIntegrationToken(
            registry_pb2.RotateIntegrationTokenRequest(id=network.id), metadata=meta
        )
    return str(campaign.id), str(rotated.token)


async def all_deliveries(stub: Any, key: str) -> list[dispatcher_pb2.DeliverySummary]:
    """Every delivery of the organization, page after page."""
    found: list[dispatcher_pb2.DeliverySummary] = []
    token = ""
    while True:
        answer = await stub.ListDeliveries(
            dispatcher_pb2.ListDeliveriesRequest(
                page=common_pb2.PageRequest(page_size=500, page_token=token)
            ),
            metadata=_keyed(key),
            timeout=15,
        )
        found.extend(answer.deliveries)
        token = answer.next_page_token
        if not token:
            return found


async def settle(
    address: str, key: str, say: Say
) -> tuple[list[dispatcher_pb2.DeliverySummary], dict[str, dispatcher_pb2.DeliveryDetail]]:
    """Poll the delivery log until nothing is pending or retrying (with a deadline), then fetch
    the attempts of the deliveries the report explains."""
    deadline = time.monotonic() + SETTLE_SECONDS
    last = ""
    async with channel(address) as chan:
        stub = dispatcher_pb2_grpc.DispatcherStub(chan)
        while True:
            deliveries = await all_deliveries(stub, key)
            waiting = sum(d.status not in report.TERMINAL for d in deliveries)
            line = f"  {len(deliveries)} deliveries, {waiting} still pending or retrying"
            if line != last:
                say(line)
                last = line
            if report.settled(deliveries) or time.monotonic() > deadline:
                break
            await asyncio.sleep(0.3)  # polling the delivery log with a deadline
        details = {}
        for d in filter(report.needs_detail, deliveries):
            answer = await stub.GetDelivery(
                dispatcher_pb2.GetDeliveryRequest(delivery_id=d.delivery_id),
                metadata=_keyed(key),
                timeout=15,
            )
            details[d.delivery_id] = answer.delivery
    return deliveries, details


async def _play(stack: Stack, platforms: PlatformServer, say: Say) -> list[str]:
    """Configure, fire the stream, wait, report; the problems found (none on success)."""
    registry = service_address(stack.env, "registry")
    key = await create_organization(stack)
    changes = await apply_text(registry, key, scenario.document(platforms))
    say(
        f"configured the demo organization ({len(changes)} objects: a campaign, events, "
        "a custom field, an event list, an integration, 4 destinations, a postback)"
    )
    campaign_id, token = await campaign_and_token(registry, key)
    scenario.script(platforms)
    say(
        "platform server scripted: Google Ads answers 429 once, TikTok 500 once, "
        "the retired Meta pixel 400 always"
    )
    say("firing the stream through the HTTP gateway:")
    traffic = scenario.Traffic(
        http_url(stack.env), service_address(stack.env, "ingest"), key, campaign_id, token, say
    )
    async with aiohttp.ClientSession() as session:
        stream = await traffic.run(session, READY_SECONDS)
    say("waiting for every delivery to settle:")
    deliveries, details = await settle(service_address(stack.env, "dispatcher"), key, say)
    found = report.outcomes(deliveries, details)
    say("\nWhat each destination got:")
    for line in report.lines(found, scenario.EXPECTED):
        say(line)
    return stream.unexpected() + report.check(found, scenario.EXPECTED, platforms, PATHS)


async def run_demo(
    settings: CommonSettings, environ: Mapping[str, str], keep: bool = False, say: Say = print
) -> int:
    """Start a stack of its own, play the scenario, stop everything; 0 when all went as expected."""
    started = time.monotonic()
    root = settings.data_dir.resolve() / f"demo-{secrets.token_hex(4)}"
    root.mkdir(parents=True, exist_ok=True)
    stack = Stack(data_dir=root, env={}, log_dir=root / "logs")
    platforms = PlatformServer()
    problems = ["the demo did not finish"]
    try:
        say(f"starting a demo stack in {root}")
        await start_storage(settings, stack)
        stack.env = demo_env(child_env(settings, environ, stack))
        await run_migrations(stack)
        await start_services(stack)
        await platforms.start("127.0.0.1")
        say(f"platform server (Meta, Google Ads, TikTok, partner) at {platforms.base_url}")
        problems = await _play(stack, platforms, say)
    finally:
        await platforms.stop()
        await asyncio.shield(
            stop_stack(stack, float(DEMO_SETTINGS["SWITCHYARD_SHUTDOWN_GRACE_SECONDS"]))
        )
        _tidy(root, keep or bool(problems), say)
    elapsed = time.monotonic() - started
    if problems:
        say(f"\nThe demo did NOT go as expected ({elapsed:.0f} s):")
        for problem in problems:
            say(f"  - {problem}")
        return 1
    say(f"\nEverything went as expected in {elapsed:.0f} s.")
    return 0


def _tidy(root: Path, keep: bool, say: Say) -> None:
    if keep:
        say(f"data and service logs kept in {root}")
    else:
        shutil.rmtree(root, ignore_errors=True)
