from __future__ import annotations

from typing import Any

import grpc
import pytest

from services.common.errors import (
    AlreadyExists,
    DomainError,
    FailedPrecondition,
    InvalidArgument,
    NotFound,
    PermissionDenied,
    Problem,
    ResourceExhausted,
    Unauthenticated,
    Unavailable,
    domain_error_from_rpc,
    grpc_errors,
    grpc_status_for,
    http_status_for,
    trailing_metadata_for,
)


@pytest.mark.parametrize(
    ("error", "code", "http"),
    [
        (InvalidArgument.one("email", "required"), grpc.StatusCode.INVALID_ARGUMENT, 400),
        (NotFound("no such campaign"), grpc.StatusCode.NOT_FOUND, 404),
        (AlreadyExists("taken"), grpc.StatusCode.ALREADY_EXISTS, 409),
        (PermissionDenied("no"), grpc.StatusCode.PERMISSION_DENIED, 403),
        (Unauthenticated("who"), grpc.StatusCode.UNAUTHENTICATED, 401),
        (FailedPrecondition("in use"), grpc.StatusCode.FAILED_PRECONDITION, 409),
        (Unavailable("down", 3), grpc.StatusCode.UNAVAILABLE, 503),
        (ResourceExhausted("slow down"), grpc.StatusCode.RESOURCE_EXHAUSTED, 429),
        (DomainError("bug"), grpc.StatusCode.INTERNAL, 500),
    ],
)
def test_one_table_maps_both_statuses(error: DomainError, code: grpc.StatusCode, http: int) -> None:
    assert grpc_status_for(error) is code
    assert http_status_for(error) == http


def test_subclass_inherits_its_parents_row() -> None:
    class CampaignNotFound(NotFound):
        pass

    assert http_status_for(CampaignNotFound("x")) == 404


def test_invalid_argument_lists_every_problem() -> None:
    error = InvalidArgument([Problem("email", "required"), Problem("value", "must be >= 0")])
    assert error.message == "email: required; value: must be >= 0"
    assert error.field == "email"


def test_details_survive_a_hop() -> None:
    error = InvalidArgument([Problem("a", "x"), Problem("b", "y")])
    rebuilt = domain_error_from_rpc(
        grpc.StatusCode.INVALID_ARGUMENT, error.message, trailing_metadata_for(error)
    )
    assert isinstance(rebuilt, InvalidArgument)
    assert rebuilt.problems == error.problems
    retry = domain_error_from_rpc(
        grpc.StatusCode.UNAVAILABLE, "down", trailing_metadata_for(Unavailable("down", 2.5))
    )
    assert isinstance(retry, Unavailable) and retry.retry_after_seconds == 2.5
    assert isinstance(domain_error_from_rpc(grpc.StatusCode.NOT_FOUND, "x", None), NotFound)
    assert type(domain_error_from_rpc(grpc.StatusCode.INTERNAL, "x", None)) is DomainError


class _Aborted(Exception):
    pass


class _FakeContext:
    """Records what a servicer's context was told (the real one is covered in integration)."""

    def __init__(self) -> None:
        self.code: Any = None
        self.trailers: Any = None

    def set_trailing_metadata(self, trailers: Any) -> None:
        self.trailers = trailers

    async def abort(self, code: Any, details: str) -> None:
        self.code = (code, details)
        raise _Aborted


async def test_decorator_turns_domain_error_into_abort() -> None:
    class Servicer:
        @grpc_errors
        async def Get(self, request: str, context: Any) -> str:
            raise NotFound(f"no {request}")

    context = _FakeContext()
    with pytest.raises(_Aborted):
        await Servicer().Get("campaign", context)
    assert context.code == (grpc.StatusCode.NOT_FOUND, "no campaign")
