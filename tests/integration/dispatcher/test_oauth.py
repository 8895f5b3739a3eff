"""Refresh-token credentials: the dispatcher exchanges them for an access token at a local token
endpoint (the destination's `token_uri`), reuses it, refreshes it before expiry, parks the
destination when the grant is refused, and never stores or logs a token."""

from __future__ import annotations

import base64
import ipaddress
import itertools
import json
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any
from urllib.parse import parse_qs

import grpc
import pytest
import structlog
from aiohttp import web

from services.dispatcher.app import Dispatcher
from services.dispatcher.oauth import EARLY_SECONDS, TokenExchange, TokenRefused, TokenUnavailable
from services.dispatcher.sender import Sender
from services.registry.app import Registry
from services.registry.app import start as start_registry
from services.registry.config import RegistrySettings
from switchyard.v1 import common_pb2, config_pb2, registry_pb2, registry_pb2_grpc
from tests.helpers import wait_for
from tests.integration.dispatcher.conftest import Client, enqueue, make_org
from tests.integration.dispatcher.support import (
    INTERNAL_TOKEN,
    Endpoint,
    Received,
    delivery,
    envelope,
    new_id,
)
from tests.integration.dispatcher.test_delivery import attempts, settled

GOOGLE_ADS = common_pb2.DESTINATION_TYPE_GOOGLE_ADS
SLOTS = [
    common_pb2.CredentialSlot(
        location=common_pb2.CREDENTIAL_LOCATION_HEADER,
        name="Authorization",
        format="Bearer {}",
        credential_key="access_token",
    ),
    common_pb2.CredentialSlot(
        location=common_pb2.CREDENTIAL_LOCATION_HEADER,
        name="developer-token",
        credential_key="developer_token",
    ),
]


@pytest.fixture(scope="module")
async def open_registry(database_url: str, db_pool: Any) -> AsyncIterator[Registry]:
    """A second real registry whose outbound policy allows the local token endpoint."""
    settings = RegistrySettings.from_env(
        {
            "SWITCHYARD_DATABASE_URL": database_url,
            "SWITCHYARD_REGISTRY_GRPC_PORT": "0",
            "SWITCHYARD_INTERNAL_TOKEN": INTERNAL_TOKEN,
            "SWITCHYARD_CREDENTIALS_KEY": base64.b64encode(os.urandom(32)).decode(),
            "SWITCHYARD_OUTBOUND_ALLOW_CIDRS": "127.0.0.0/8",
        }
    )
    running = await start_registry(settings, db_pool, with_metrics=False)
    try:
        yield running
    finally:
        await running.stop(1.0)


@pytest.fixture
async def local_registry(open_registry: Registry) -> AsyncIterator[Any]:
    async with grpc.aio.insecure_channel(f"127.0.0.1:{open_registry.port}") as chan:
        yield registry_pb2_grpc.RegistryInternalStub(chan), chan


@pytest.fixture
async def internal(
    start_dispatcher: Callable[..., Awaitable[Dispatcher]], open_registry: Registry
) -> AsyncIterator[Client]:
    """A dispatcher that asks the open registry for credentials, and its internal client."""
    dispatcher = await start_dispatcher(open_registry.port)
    async with grpc.aio.insecure_channel(f"127.0.0.1:{dispatcher.port}") as chan:
        yield Client(chan, INTERNAL_TOKEN)


def refresh_credentials(refresh_token: str) -> dict[str, str]:
    return {
        "developer_token": "dev-token",
        "refresh_token": refresh_token,
        "client_id": "client-1.apps.example",
        "client_secret": "client-secret-value",
    }


class TokenServer:
    """The token endpoint: a new access token per exchange, refusing revoked refresh tokens."""

    def __init__(self, expires_in: int = 3599, revoked: str = "") -> None:
        self.expires_in = expires_in
        self.revoked = revoked
        self.issued: list[str] = []
        self._serial = itertools.count(1)
        self.statuses: list[int] = []  # answered first, before any token

    def __call__(self, got: Received) -> web.Response:
        if self.statuses:
            return web.Response(status=self.statuses.pop(0), text='{"error":"backend"}')
        form = {k: v[0] for k, v in parse_qs(got.body.decode()).items()}
        if form.get("grant_type") != "refresh_token" or form.get("refresh_token") == self.revoked:
            return web.json_response(
                {"error": "invalid_grant", "error_description": "Token has been revoked."},
                status=400,
            )
        token = f"ya29.access-secret-{next(self._serial)}"
        self.issued.append(token)
        return web.json_response({"access_token": token, "expires_in": self.expires_in})


def ads_handler(tokens: TokenServer) -> Any:
    """Google Ads: 200 for the newest issued token with the developer token, 401 otherwise."""

    def answer(got: Received) -> web.Response:
        ok = tokens.issued and got.headers.get("Authorization") == f"Bearer {tokens.issued[-1]}"
        ok = ok and got.headers.get("developer-token") == "dev-token"
        return web.Response(status=200 if ok else 401, text="{}")

    return answer


async def google_ads_destination(
    local_registry: Any, endpoint: Endpoint, refresh_token: str
) -> tuple[str, str, Any]:
    """An organization with a google_ads destination holding refresh-token credentials."""
    org, key = await make_org(local_registry, f"OAuth {new_id()[:6]}")
    _, registry_channel = local_registry
    admin = registry_pb2_grpc.RegistryStub(registry_channel)
    meta = (("authorization", f"Bearer {key}"),)
    created = await admin.CreateDestination(
        registry_pb2.CreateDestinationRequest(
            destination=config_pb2.Destination(
                name="google ads",
                type=GOOGLE_ADS,
                settings={"customer_id": "1234567890", "token_uri": endpoint.url("/token")},
                enabled=True,
            ),
            credentials=refresh_credentials(refresh_token),
        ),
        metadata=meta,
    )
    return org, created.destination.id, (admin, meta)


def ads_deliveries(endpoint: Endpoint, destination_id: str, n: int) -> list[common_pb2.Delivery]:
    return [
        delivery(
            new_id(),
            endpoint.url("/ads"),
            destination_id=destination_id,
            destination_type=GOOGLE_ADS,
            slots=SLOTS,
        )
        for _ in range(n)
    ]


async def assert_no_token_stored(db_pool: Any, destination_id: str, secrets: list[str]) -> None:
    """Law 6: no token or client secret in the delivery records or their attempts."""
    rows = await db_pool.fetch(
        "SELECT encode(d.request, 'escape') AS request, a.error_message,"
        " a.response_headers::text AS headers, encode(a.response_body, 'escape') AS body"
        " FROM dispatcher.deliveries d LEFT JOIN dispatcher.attempts a ON a.delivery_id = d.id"
        " WHERE d.destination_id = $1",
        destination_id,
    )
    stored = json.dumps([dict(r) for r in rows], default=str)
    assert rows and all(secret not in stored for secret in secrets)


async def test_token_is_fetched_once_and_reused_and_never_stored_or_logged(
    internal: Client,
    endpoint: Endpoint,
    local_registry: Any,
    db_pool: Any,
    capsys: pytest.CaptureFixture[str],
) -> None:
    tokens = TokenServer()
    endpoint.handlers["/token"] = tokens
    endpoint.handlers["/ads"] = ads_handler(tokens)
    org, destination_id, _ = await google_ads_destination(local_registry, endpoint, "refresh-1")
    ds = ads_deliveries(endpoint, destination_id, 12)
    with structlog.testing.capture_logs() as logs:
        await enqueue(internal, *[envelope(org, [d]) for d in ds[:6]])
        for d in ds[:6]:
            await settled(db_pool, d.delivery_id, "delivered")
        await enqueue(internal, *[envelope(org, [d]) for d in ds[6:]])
        for d in ds[6:]:
            await settled(db_pool, d.delivery_id, "delivered")
    assert len(endpoint.at("/token")) == 1
    assert tokens.issued == ["ya29.access-secret-1"]
    form = parse_qs(endpoint.at("/token")[0].body.decode())
    assert form == {
        "grant_type": ["refresh_token"],
        "refresh_token": ["refresh-1"],
        "client_id": ["client-1.apps.example"],
        "client_secret": ["client-secret-value"],
    }
    token_request = endpoint.at("/token")[0]
    assert token_request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert "Authorization" not in token_request.headers
    assert len(endpoint.at("/ads")) == 12
    secrets = ["access-secret", "refresh-1", "client-secret-value"]
    await assert_no_token_stored(db_pool, destination_id, secrets)
    printed = str(logs) + capsys.readouterr().out
    assert "delivery_attempt" in printed and all(s not in printed for s in secrets)


async def test_refused_grant_parks_the_destination_until_new_credentials(
    internal: Client,
    endpoint: Endpoint,
    local_registry: Any,
    db_pool: Any,
    capsys: pytest.CaptureFixture[str],
) -> None:
    tokens = TokenServer(revoked="revoked-refresh")
    endpoint.handlers["/token"] = tokens
    endpoint.handlers["/ads"] = ads_handler(tokens)
    org, destination_id, (admin, meta) = await google_ads_destination(
        local_registry, endpoint, "revoked-refresh"
    )
    ds = ads_deliveries(endpoint, destination_id, 4)
    await enqueue(internal, envelope(org, [ds[0]]))
    await wait_for(
        lambda: db_pool.fetchval(
            "SELECT count(*) FROM dispatcher.destination_state WHERE destination_id = $1",
            destination_id,
        )
    )
    parked = await settled(db_pool, ds[0].delivery_id, "pending")
    assert parked["attempt_count"] == 0 and "waiting for new credentials" in parked["reason"]
    assert "invalid_grant" in parked["reason"] and "revoked." not in parked["reason"]
    await enqueue(internal, *[envelope(org, [d]) for d in ds[1:]])  # the backlog waits too
    assert endpoint.at("/ads") == []
    await admin.SetDestinationCredentials(
        registry_pb2.SetDestinationCredentialsRequest(
            destination_id=destination_id, credentials=refresh_credentials("fresh-refresh")
        ),
        metadata=meta,
    )
    done = [await settled(db_pool, d.delivery_id, "delivered") for d in ds]
    assert [r["attempt_count"] for r in done] == [1, 1, 1, 1]
    assert [a["outcome"] for a in await attempts(db_pool, ds[0].delivery_id)] == ["auth", "success"]
    refreshes = [parse_qs(r.body.decode())["refresh_token"] for r in endpoint.at("/token")]
    assert refreshes[0] == ["revoked-refresh"] and refreshes[-1] == ["fresh-refresh"]
    assert tokens.issued == ["ya29.access-secret-1"]  # one exchange served the whole backlog
    await assert_no_token_stored(db_pool, destination_id, ["access-secret", "fresh-refresh"])
    assert "access-secret" not in capsys.readouterr().out


async def test_token_endpoint_outage_is_retried_not_parked(
    internal: Client, endpoint: Endpoint, local_registry: Any, db_pool: Any
) -> None:
    tokens = TokenServer()
    tokens.statuses = [503]
    endpoint.handlers["/token"] = tokens
    endpoint.handlers["/ads"] = ads_handler(tokens)
    org, destination_id, _ = await google_ads_destination(local_registry, endpoint, "refresh-2")
    [d] = ads_deliveries(endpoint, destination_id, 1)
    await enqueue(internal, envelope(org, [d]))
    done = await settled(db_pool, d.delivery_id, "delivered")
    assert done["attempt_count"] == 2
    assert [a["outcome"] for a in await attempts(db_pool, d.delivery_id)] == [
        "retryable",
        "success",
    ]
    parked = await db_pool.fetchval(
        "SELECT count(*) FROM dispatcher.destination_state WHERE destination_id = $1",
        destination_id,
    )
    assert parked == 0


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_near_expiry_token_is_refreshed_and_versions_are_kept_apart(
    endpoint: Endpoint,
) -> None:
    tokens = TokenServer(expires_in=3600)
    endpoint.handlers["/token"] = tokens
    sender = Sender([ipaddress.ip_network("127.0.0.0/8")], 2.0, 10_000)
    await sender.start()
    clock = Clock()
    exchange = TokenExchange(sender, clock)
    credentials = refresh_credentials("refresh-3")
    uri = endpoint.url("/token")
    try:
        first = await exchange.access_token("d", 1, credentials, uri)
        clock.now += 3600 - EARLY_SECONDS - 1  # still a minute and a second left
        assert await exchange.access_token("d", 1, credentials, uri) == first
        clock.now += 2  # now within the last minute: replaced before it is sent
        second = await exchange.access_token("d", 1, credentials, uri)
        assert (first, second) == ("ya29.access-secret-1", "ya29.access-secret-2")
        third = await exchange.access_token("d", 2, credentials, uri)  # new credentials
        assert third == "ya29.access-secret-3"
        assert len(endpoint.at("/token")) == 3
        tokens.revoked = "refresh-3"
        with pytest.raises(TokenRefused, match="invalid_grant"):
            await exchange.access_token("d", 3, credentials, uri)
        # A token endpoint the outbound policy refuses is never contacted.
        other = TokenExchange(Sender([ipaddress.ip_network("10.0.0.0/8")], 2.0, 10_000))
        with pytest.raises(TokenUnavailable, match="refused_target"):
            await other.access_token("d", 1, credentials, uri)
        assert len(endpoint.at("/token")) == 4
    finally:
        await sender.close()


async def test_default_registry_refuses_a_token_uri_the_outbound_policy_blocks(
    registry_internal: Any,
) -> None:
    _, key = await make_org(registry_internal, "Blocked token endpoint")
    admin = registry_pb2_grpc.RegistryStub(registry_internal[1])
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await admin.CreateDestination(
            registry_pb2.CreateDestinationRequest(
                destination=config_pb2.Destination(
                    name="google ads",
                    type=GOOGLE_ADS,
                    settings={"customer_id": "1", "token_uri": "http://169.254.169.254/token"},
                ),
                credentials=refresh_credentials("refresh-4"),
            ),
            metadata=(("authorization", f"Bearer {key}"),),
        )
    assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "destination.settings.token_uri" in (refused.value.details() or "")
