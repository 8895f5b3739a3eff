"""OAuth2 refresh-token exchange: short-lived access tokens from long-lived credentials.

Google Ads wants an access token that lives about an hour; operators store refresh_token,
client_id and client_secret instead. The token is asked for through the dispatcher's SSRF-checked
sender and kept only in memory (law 6), per destination and credentials version, until shortly
before it expires.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import Callable, Mapping
from urllib.parse import urlencode

from services.dispatcher.credentials import OutboundRequest
from services.dispatcher.sender import Sender

DEFAULT_TOKEN_URI = "https://oauth2.googleapis.com/token"
REFRESH_KEYS = ("refresh_token", "client_id", "client_secret")
EARLY_SECONDS = 60.0  # a token this close to expiry is replaced, never sent
ERROR_CODE = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
Key = tuple[str, int]


class TokenRefused(Exception):
    """The token endpoint refused the refresh token (revoked, expired, wrong client)."""


class TokenUnavailable(Exception):
    """No token right now (endpoint down, timed out, odd answer): worth trying again."""


def exchanges(credentials: Mapping[str, str]) -> bool:
    """Whether these credentials are refreshed through a token endpoint."""
    return all(credentials.get(key) for key in REFRESH_KEYS)


class TokenExchange:
    """Access tokens by (destination, credentials version), fetched once and shared."""

    def __init__(self, sender: Sender, clock: Callable[[], float] = time.monotonic) -> None:
        self._sender = sender
        self._clock = clock
        self._tokens: dict[Key, tuple[float, str]] = {}
        self._locks: dict[Key, asyncio.Lock] = {}
        self.exchanges = 0  # token requests made, for tests and metrics

    async def access_token(
        self, destination_id: str, version: int, credentials: Mapping[str, str], token_uri: str
    ) -> str:
        """A valid access token; concurrent callers for one key wait for a single exchange."""
        key = (destination_id, version)
        found = self._fresh(key)
        if found is not None:
            return found
        lock = self._locks.setdefault(key, asyncio.Lock())
        async with lock:
            found = self._fresh(key)
            if found is not None:
                return found
            token, lifetime = await self._exchange(credentials, token_uri or DEFAULT_TOKEN_URI)
            self._forget(key)
            self._tokens[key] = (self._clock() + lifetime - EARLY_SECONDS, token)
            return token

    def _fresh(self, key: Key) -> str | None:
        hit = self._tokens.get(key)
        return hit[1] if hit is not None and hit[0] > self._clock() else None

    def _forget(self, current: Key) -> None:
        """Drop a destination's tokens of other credentials versions: never used again."""
        for key in [k for k in self._tokens if k[0] == current[0]]:
            del self._tokens[key]
        for key in [k for k in self._locks if k[0] == current[0] and k != current]:
            del self._locks[key]

    async def _exchange(self, credentials: Mapping[str, str], token_uri: str) -> tuple[str, float]:
        form = urlencode(
            {"grant_type": "refresh_token", **{k: credentials[k] for k in REFRESH_KEYS}}
        )
        request = OutboundRequest(
            "POST",
            token_uri,
            (
                ("Content-Type", "application/x-www-form-urlencoded"),
                ("Accept", "application/json"),
            ),
            form.encode(),
        )
        self.exchanges += 1
        answer = await self._sender.send(request)
        if answer.error_class:
            raise TokenUnavailable(f"token endpoint: {answer.error_class}")
        if answer.status in (400, 401):
            raise TokenRefused(
                f"token endpoint refused the refresh token ({_error_code(answer.body)})"
            )
        if answer.status != 200:
            raise TokenUnavailable(f"token endpoint answered {answer.status}")
        return _parse(answer.body)


def _error_code(body: bytes) -> str:
    """The OAuth `error` code only: the rest of the body is not ours to store."""
    try:
        code = json.loads(body).get("error", "")
    except (ValueError, AttributeError):
        return "no error code"
    return code if isinstance(code, str) and ERROR_CODE.fullmatch(code) else "no error code"


def _parse(body: bytes) -> tuple[str, float]:
    try:
        answer = json.loads(body)
        token, lifetime = answer["access_token"], answer.get("expires_in", 3600)
    except (ValueError, TypeError, KeyError):
        raise TokenUnavailable("token endpoint answer holds no access_token") from None
    if not isinstance(token, str) or not token:
        raise TokenUnavailable("token endpoint answer holds no access_token")
    if isinstance(lifetime, bool) or not isinstance(lifetime, int | float | str):
        raise TokenUnavailable("token endpoint answer has an unreadable expires_in")
    try:
        return token, float(lifetime)
    except ValueError:
        raise TokenUnavailable("token endpoint answer has an unreadable expires_in") from None
