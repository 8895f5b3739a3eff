"""Credentials at send time only (law 6): fetched from the registry, injected per slot.

The delivery record keeps the request as the mapper rendered it, without credentials; the
values live only in this cache and in the outgoing request.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import grpc

from services.common.errors import Unavailable
from switchyard.v1 import common_pb2, registry_pb2, registry_pb2_grpc


class MissingCredential(Exception):
    """The destination has no value for a credential its requests need."""


class DestinationGone(Exception):
    """The registry no longer knows the destination; its deliveries cannot be sent."""


@dataclass(frozen=True)
class OutboundRequest:
    """A request ready to send, credentials included: never stored, never logged."""

    method: str
    url: str
    headers: tuple[tuple[str, str], ...]
    body: bytes

    def __repr__(self) -> str:
        return f"OutboundRequest({self.method} {urlsplit(self.url).netloc})"


@dataclass(frozen=True)
class Credentials:
    """One destination's credential values and their version."""

    values: Mapping[str, str]
    version: int
    token_uri: str = ""  # where refresh-token credentials are exchanged; empty: the default

    def __repr__(self) -> str:
        return f"Credentials(version={self.version}, keys={sorted(self.values)})"


def _formatted(slot: common_pb2.CredentialSlot, value: str) -> str:
    return slot.format.replace("{}", value, 1) if slot.format else value


def inject(
    method: str,
    url: str,
    headers: Sequence[tuple[str, str]],
    body: bytes,
    slots: Sequence[common_pb2.CredentialSlot],
    credentials: Mapping[str, str],
    message_id: str,
    now: datetime,
) -> OutboundRequest:
    """The request with each slot's credential put where the slot says."""
    out_headers = list(headers)
    query_extra: list[tuple[str, str]] = []
    for slot in slots:
        value = credentials.get(slot.credential_key)
        if not value:
            raise MissingCredential(f"credential {slot.credential_key!r} is not set")
        if slot.location == common_pb2.CREDENTIAL_LOCATION_QUERY:
            query_extra.append((slot.name, _formatted(slot, value)))
        elif slot.location == common_pb2.CREDENTIAL_LOCATION_HEADER:
            out_headers.append((slot.name, _formatted(slot, value)))
        elif slot.location == common_pb2.CREDENTIAL_LOCATION_WEBHOOK_SIGNATURE:
            from services.common.webhook_signature import signature_headers

            signed = signature_headers(value, message_id, int(now.timestamp()), body)
            out_headers.extend(dict(signed).items())
        else:
            raise MissingCredential(f"credential slot {slot.name!r} has no location")
    if query_extra:
        parts = urlsplit(url)
        query = urlencode([*parse_qsl(parts.query, keep_blank_values=True), *query_extra])
        url = urlunsplit(parts._replace(query=query))
    return OutboundRequest(method or "POST", url, tuple(out_headers), body)


class CredentialStore:
    """Credentials by destination from `RegistryInternal.GetDestinationCredentials`, cached.

    A cached entry is used while it is younger than `ttl_seconds` and at least as new as the
    version the snapshot stream last reported for the destination.
    """

    def __init__(self, channel: Any, internal_token: str, ttl_seconds: float = 300.0) -> None:
        self._stub = registry_pb2_grpc.RegistryInternalStub(channel)
        self._metadata = (("authorization", f"Bearer {internal_token}"),)
        self._ttl = ttl_seconds
        self._cache: dict[str, tuple[float, Credentials]] = {}
        self.known_versions: dict[str, int] = {}

    def note_version(self, destination_id: str, version: int) -> None:
        """The snapshot stream says the destination's credentials are at `version`."""
        self.known_versions[destination_id] = max(
            version, self.known_versions.get(destination_id, 0)
        )

    async def get(self, organization_id: str, destination_id: str) -> Credentials:
        """The destination's credentials, from the cache when fresh enough."""
        hit = self._cache.get(destination_id)
        wanted = self.known_versions.get(destination_id, 0)
        if hit is not None and hit[0] > time.monotonic() and hit[1].version >= wanted:
            return hit[1]
        request = registry_pb2.GetDestinationCredentialsRequest(
            organization_id=organization_id, destination_id=destination_id
        )
        try:
            answer = await self._stub.GetDestinationCredentials(
                request, metadata=self._metadata, timeout=5
            )
        except grpc.aio.AioRpcError as err:
            if err.code() == grpc.StatusCode.NOT_FOUND:
                raise DestinationGone("the destination no longer exists") from None
            raise Unavailable(f"the registry gave no credentials ({err.code().name})", 5) from None
        credentials = Credentials(
            dict(answer.credentials), answer.credentials_version, answer.token_uri
        )
        self._cache[destination_id] = (time.monotonic() + self._ttl, credentials)
        self.note_version(destination_id, credentials.version)
        return credentials
