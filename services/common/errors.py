"""Domain errors shared by all services, and the one table mapping them to gRPC and HTTP status.

Servicers and handlers raise these; the edges translate them (see `grpc_status_for`,
`http_status_for`, `abort_with`, `grpc_errors`). Nothing else picks a status code.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, NoReturn, ParamSpec, TypeVar

import grpc

PROBLEMS_METADATA_KEY = "x-problems"
RETRY_AFTER_METADATA_KEY = "retry-after"


@dataclass(frozen=True)
class Problem:
    """One broken rule on one input field, e.g. Problem("email", "must be an e-mail address")."""

    field: str
    rule: str


class DomainError(Exception):
    """Base of every error a service means to show its caller; the message is safe to return."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidArgument(DomainError):
    """The request broke input rules; every broken rule is listed, not just the first."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        text = "; ".join(f"{p.field}: {p.rule}" for p in self.problems) or "invalid argument"
        first = self.problems[0].field if self.problems else None
        super().__init__(text, field=first)

    @classmethod
    def one(cls, field: str, rule: str) -> InvalidArgument:
        """Shorthand for a single problem."""
        return cls([Problem(field, rule)])


class NotFound(DomainError):
    """The thing asked for does not exist (or is in another tenant: the caller cannot tell)."""


class AlreadyExists(DomainError):
    """A create collided with an existing thing of the same identity."""


class PermissionDenied(DomainError):
    """The caller is known but may not do this."""


class Unauthenticated(DomainError):
    """The caller presented no credential or an unknown one."""


class FailedPrecondition(DomainError):
    """The system is not in a state that allows this (e.g. deleting a list still in use)."""


class Unavailable(DomainError):
    """A dependency is down for now; the caller should retry after the given delay."""

    def __init__(
        self, message: str, retry_after_seconds: float | None = None, field: str | None = None
    ) -> None:
        super().__init__(message, field=field)
        self.retry_after_seconds = retry_after_seconds


class ResourceExhausted(DomainError):
    """A quota or rate limit was hit."""


# The one table. Subclasses not listed inherit their nearest listed ancestor's row.
STATUS_TABLE: dict[type[DomainError], tuple[grpc.StatusCode, int]] = {
    DomainError: (grpc.StatusCode.INTERNAL, 500),
    InvalidArgument: (grpc.StatusCode.INVALID_ARGUMENT, 400),
    NotFound: (grpc.StatusCode.NOT_FOUND, 404),
    AlreadyExists: (grpc.StatusCode.ALREADY_EXISTS, 409),
    PermissionDenied: (grpc.StatusCode.PERMISSION_DENIED, 403),
    Unauthenticated: (grpc.StatusCode.UNAUTHENTICATED, 401),
    FailedPrecondition: (grpc.StatusCode.FAILED_PRECONDITION, 409),
    Unavailable: (grpc.StatusCode.UNAVAILABLE, 503),
    ResourceExhausted: (grpc.StatusCode.RESOURCE_EXHAUSTED, 429),
}


def _row(err: DomainError) -> tuple[grpc.StatusCode, int]:
    for cls in type(err).__mro__:
        if cls in STATUS_TABLE:
            return STATUS_TABLE[cls]
    return STATUS_TABLE[DomainError]


def grpc_status_for(err: DomainError) -> grpc.StatusCode:
    """The gRPC status code for a domain error."""
    return _row(err)[0]


def http_status_for(err: DomainError) -> int:
    """The HTTP status code for a domain error."""
    return _row(err)[1]


def trailing_metadata_for(err: DomainError) -> tuple[tuple[str, str], ...]:
    """Machine-readable details that travel with the status: the problem list, the retry delay."""
    if isinstance(err, InvalidArgument):
        body = json.dumps([{"field": p.field, "rule": p.rule} for p in err.problems])
        return ((PROBLEMS_METADATA_KEY, body),)
    if isinstance(err, Unavailable) and err.retry_after_seconds is not None:
        return ((RETRY_AFTER_METADATA_KEY, f"{err.retry_after_seconds:g}"),)
    return ()


async def abort_with(context: Any, err: DomainError) -> NoReturn:
    """End a grpc.aio call with the status, message and details of a domain error."""
    context.set_trailing_metadata(trailing_metadata_for(err))
    await context.abort(grpc_status_for(err), err.message)
    raise AssertionError("context.abort returned")  # abort always raises


P = ParamSpec("P")
R = TypeVar("R")


def grpc_errors(method: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[R]]:
    """Decorate a grpc.aio servicer method so a raised DomainError becomes its gRPC status.

    Expects the usual `(self, request, context)` signature; the context is the last argument.
    """

    @functools.wraps(method)
    async def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return await method(*args, **kwargs)
        except DomainError as err:
            context = kwargs["context"] if "context" in kwargs else args[-1]
            await abort_with(context, err)

    return wrapper


_BY_CODE: dict[grpc.StatusCode, type[DomainError]] = {
    code: cls for cls, (code, _) in STATUS_TABLE.items() if cls is not DomainError
}


def domain_error_from_rpc(code: grpc.StatusCode, details: str, trailers: Any) -> DomainError:
    """Rebuild the domain error another service aborted with, so an edge can re-map it."""
    meta = {k: v for k, v in (trailers or ()) if isinstance(v, str)}
    cls = _BY_CODE.get(code)
    if cls is InvalidArgument:
        items = json.loads(meta.get(PROBLEMS_METADATA_KEY, "[]"))
        problems = [Problem(i["field"], i["rule"]) for i in items]
        return InvalidArgument(problems or [Problem("request", details)])
    if cls is Unavailable:
        retry = meta.get(RETRY_AFTER_METADATA_KEY)
        return Unavailable(details, retry_after_seconds=float(retry) if retry else None)
    if code is grpc.StatusCode.DEADLINE_EXCEEDED:
        return Unavailable(details)
    return (cls or DomainError)(details)
