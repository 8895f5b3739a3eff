"""Who is calling: API keys and the internal token, checked at every service edge (law 7).

Each gRPC method has a policy: `internal` (Switchyard's own services, by the shared internal
token), `admin` (an admin API key) or `ingest` (an ingest or admin key). API keys are checked by
a `KeyResolver`; the registry resolves them from its own tables, the other services ask the
registry and keep the answer for a few seconds.
"""

from __future__ import annotations

import hmac
import time
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

import grpc

from services.common.errors import PermissionDenied, Unauthenticated, Unavailable

Policy = Literal["internal", "admin", "ingest"]
Role = Literal["admin", "ingest", "internal"]

INTERNAL_ORGANIZATION = ""


@dataclass(frozen=True)
class Caller:
    """An authenticated caller: the organization its key belongs to and its role."""

    organization_id: str
    role: Role
    key_id: str = ""


class KeyResolver(Protocol):
    """Turns an API key into its caller, or None when the key is unknown or revoked."""

    async def resolve(self, key: str) -> Caller | None: ...


def bearer_token(metadata: Sequence[tuple[str, str | bytes]] | None) -> str | None:
    """The token of an `authorization: Bearer <token>` metadata entry, if any."""
    for name, value in metadata or ():
        if name.lower() != "authorization":
            continue
        text = value.decode() if isinstance(value, bytes) else value
        scheme, _, token = text.partition(" ")
        if scheme.lower() == "bearer" and token.strip():
            return token.strip()
    return None


def is_internal_token(token: str, internal_token: str) -> bool:
    """Constant-time comparison with the shared internal token."""
    return hmac.compare_digest(token.encode(), internal_token.encode())


async def authorize(
    token: str | None, policy: Policy, resolver: KeyResolver | None, internal_token: str
) -> Caller:
    """Check a presented token against a method's policy; raise the matching domain error."""
    if not token:
        raise Unauthenticated("missing credentials: send 'authorization: Bearer <API key>'")
    if is_internal_token(token, internal_token):
        return Caller(INTERNAL_ORGANIZATION, "internal")
    if policy == "internal":
        raise PermissionDenied("this method is only for Switchyard's own services")
    caller = await resolver.resolve(token) if resolver else None
    if caller is None:
        raise Unauthenticated("unknown or revoked API key")
    if policy == "admin" and caller.role != "admin":
        raise PermissionDenied("this method needs an admin API key")
    return caller


async def authorize_context(
    context: grpc.aio.ServicerContext,
    policy: Policy,
    resolver: KeyResolver | None,
    internal_token: str,
) -> Caller:
    """`authorize` for the bearer token of a grpc.aio call."""
    token = bearer_token(context.invocation_metadata())
    return await authorize(token, policy, resolver, internal_token)


class CachedKeyResolver:
    """Remembers another resolver's answers (known and unknown keys) for a few seconds.

    Revocation therefore takes effect within `ttl_seconds` in the services that cache.
    """

    def __init__(self, inner: KeyResolver, ttl_seconds: float = 5.0, max_entries: int = 10_000):
        self._inner = inner
        self._ttl = ttl_seconds
        self._max = max_entries
        self._entries: OrderedDict[str, tuple[float, Caller | None]] = OrderedDict()

    async def resolve(self, key: str) -> Caller | None:
        now = time.monotonic()
        hit = self._entries.get(key)
        if hit is not None and hit[0] > now:
            return hit[1]
        caller = await self._inner.resolve(key)
        self._entries[key] = (now + self._ttl, caller)
        self._entries.move_to_end(key)
        while len(self._entries) > self._max:
            self._entries.popitem(last=False)
        return caller


ROLE_NAMES: Mapping[int, Role] = {1: "admin", 2: "ingest"}


class RegistryKeyResolver:
    """Asks the registry's `AuthenticateKey` with the internal token."""

    def __init__(self, channel: grpc.aio.Channel, internal_token: str) -> None:
        from switchyard.v1 import registry_pb2_grpc

        self._stub = registry_pb2_grpc.RegistryInternalStub(channel)
        self._metadata = (("authorization", f"Bearer {internal_token}"),)

    async def resolve(self, key: str) -> Caller | None:
        from switchyard.v1 import registry_pb2

        request = registry_pb2.AuthenticateKeyRequest(key=key)
        try:
            answer = await self._stub.AuthenticateKey(request, metadata=self._metadata, timeout=5)
        except grpc.aio.AioRpcError as err:
            if err.code() == grpc.StatusCode.UNAUTHENTICATED:
                return None
            raise Unavailable("the registry cannot check API keys right now", 1) from err
        return Caller(answer.organization_id, ROLE_NAMES.get(answer.role, "ingest"), answer.key_id)
