"""The gRPC edge for Switchyard's own services: `RegistryInternal`, by the internal token.

Other services learn who an API key belongs to, read snapshots and watch them change, and fetch
decrypted credentials and secrets at the moment they need them (never kept in a snapshot).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

from services.common.auth import KeyResolver, authorize_context
from services.common.errors import FailedPrecondition, Unauthenticated
from services.registry import destinations, integrations, organizations
from services.registry.repository import ROLE_VALUES
from services.registry.store import Store, require
from services.registry.watch import SnapshotHub
from switchyard.v1 import config_pb2, registry_pb2, registry_pb2_grpc

Context = Any
MIN_VERSION_WAIT_SECONDS = 2.0


class RegistryInternalApi(registry_pb2_grpc.RegistryInternalServicer):  # type: ignore[misc]
    """Calls from Switchyard's own services, authenticated by the internal token."""

    def __init__(
        self, store: Store, hub: SnapshotHub, resolver: KeyResolver, internal_token: str
    ) -> None:
        self._store = store
        self._hub = hub
        self._resolver = resolver
        self._internal_token = internal_token

    async def _internal(self, context: Context) -> None:
        await authorize_context(context, "internal", None, self._internal_token)

    async def CreateOrganization(
        self, request: registry_pb2.CreateOrganizationRequest, context: Context
    ) -> registry_pb2.CreateOrganizationResponse:
        await self._internal(context)
        async with self._store.pool.acquire() as conn:
            org, api_key, key = await organizations.create_organization(
                conn, request.organization, request.admin_key_name
            )
        return registry_pb2.CreateOrganizationResponse(organization=org, api_key=api_key, key=key)

    async def AuthenticateKey(
        self, request: registry_pb2.AuthenticateKeyRequest, context: Context
    ) -> registry_pb2.AuthenticateKeyResponse:
        await self._internal(context)
        caller = await self._resolver.resolve(request.key)
        if caller is None:
            raise Unauthenticated("unknown or revoked API key")
        return registry_pb2.AuthenticateKeyResponse(
            organization_id=caller.organization_id,
            role=ROLE_VALUES[caller.role],
            key_id=caller.key_id,
        )

    async def GetOrganizationSnapshot(
        self, request: registry_pb2.GetOrganizationSnapshotRequest, context: Context
    ) -> registry_pb2.GetOrganizationSnapshotResponse:
        await self._internal(context)
        snapshot = await self._store.snapshot(request.organization_id)
        if snapshot.version < request.min_version:
            snapshot = await self._wait_for_version(request.organization_id, request.min_version)
        return registry_pb2.GetOrganizationSnapshotResponse(snapshot=snapshot)

    async def _wait_for_version(self, organization_id: str, version: int) -> config_pb2.Snapshot:
        """The snapshot once it reaches `version` (a caller saw a newer version elsewhere)."""
        queue = self._hub.subscribe()
        try:
            async with asyncio.timeout(MIN_VERSION_WAIT_SECONDS):
                while True:
                    snapshot = await self._store.snapshot(organization_id)
                    if snapshot.version >= version:
                        return snapshot
                    await queue.get()
        except TimeoutError:
            raise FailedPrecondition(f"version {version} does not exist yet") from None
        finally:
            self._hub.unsubscribe(queue)

    async def WatchSnapshots(
        self, request: registry_pb2.WatchSnapshotsRequest, context: Context
    ) -> AsyncIterator[registry_pb2.WatchSnapshotsResponse]:
        await self._internal(context)
        async for response in self._hub.stream(dict(request.known_versions)):
            yield response

    async def GetDestinationCredentials(
        self, request: registry_pb2.GetDestinationCredentialsRequest, context: Context
    ) -> registry_pb2.GetDestinationCredentialsResponse:
        await self._internal(context)
        state = await self._store.state(request.organization_id)
        values = destinations.open_credentials(state, self._store.outbound, request.destination_id)
        found = require(state.destination(request.destination_id), "destination")
        return registry_pb2.GetDestinationCredentialsResponse(
            credentials=values,
            credentials_version=found.credentials_version,
            token_uri=found.settings.get("token_uri", ""),
        )

    async def GetIntegrationSecret(
        self, request: registry_pb2.GetIntegrationSecretRequest, context: Context
    ) -> registry_pb2.GetIntegrationSecretResponse:
        await self._internal(context)
        state = await self._store.state(request.organization_id)
        secret = integrations.open_secret(state, self._store.outbound, request.integration_id)
        return registry_pb2.GetIntegrationSecretResponse(signing_secret=secret)
