"""The request id that ties together every log line and hop of one request or event.

It travels between services in the gRPC metadata key `x-request-id`; inside a process it lives
in a contextvar that `grpc_server` sets for each call and `grpc_client` attaches to each call.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from contextvars import ContextVar, Token

REQUEST_ID_KEY = "x-request-id"
_VALID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
_request_id: ContextVar[str | None] = ContextVar("switchyard_request_id", default=None)

Metadata = tuple[tuple[str, str], ...]


def current_request_id() -> str | None:
    """The request id of the work in progress, if any."""
    return _request_id.get()


def new_request_id() -> str:
    """A fresh random request id (uuid4 hex)."""
    return uuid.uuid4().hex


def set_request_id(request_id: str) -> Token[str | None]:
    """Make `request_id` current; pass the token to `reset_request_id` when the work ends."""
    return _request_id.set(request_id)


def reset_request_id(token: Token[str | None]) -> None:
    """Restore the request id that was current before `set_request_id`."""
    _request_id.reset(token)


def request_id_from_metadata(metadata: Iterable[tuple[str, str | bytes]] | None) -> str | None:
    """The caller's request id from gRPC metadata, ignored unless it is short and plain."""
    for key, value in metadata or ():
        if key == REQUEST_ID_KEY and isinstance(value, str) and _VALID.match(value):
            return value
    return None


def outgoing_metadata(extra: Iterable[tuple[str, str]] = ()) -> Metadata:
    """Metadata for an outbound gRPC call: `extra` plus the current request id.

    A request id already in `extra` is kept: the caller chose it on purpose.
    """
    pairs = list(extra)
    request_id = current_request_id()
    if request_id is not None and all(key != REQUEST_ID_KEY for key, _ in pairs):
        pairs.append((REQUEST_ID_KEY, request_id))
    return tuple(pairs)
