"""Client side of declarative config: `apply -f org.yaml` and `export`, over gRPC.

`${VAR}` references in a document are filled from the operator's environment (which the
command line passes in) before sending, so secrets such as platform tokens live in the
environment and never in the file.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Mapping
from pathlib import Path

import grpc

from services.common.grpc_client import CHANNEL_OPTIONS
from switchyard.v1 import registry_pb2, registry_pb2_grpc

VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
TIMEOUT_SECONDS = 60.0


class CliError(Exception):
    """A problem to show the operator as is (unset variable, refused document, ...)."""


def substitute(text: str, environ: Mapping[str, str]) -> str:
    """Replace each `${VAR}` with its value in `environ`; CliError names every unset variable."""
    missing = sorted({name for name in VARIABLE.findall(text) if name not in environ})
    if missing:
        raise CliError(f"unset environment variables: {', '.join(missing)}")
    return VARIABLE.sub(lambda match: environ[match.group(1)], text)


def channel(address: str) -> grpc.aio.Channel:
    """A plain channel: the shared service channel replaces `authorization` with the internal
    token, and these calls must carry the operator's API key instead."""
    return grpc.aio.insecure_channel(address, options=CHANNEL_OPTIONS)


def _metadata(key: str) -> tuple[tuple[str, str], ...]:
    return (("authorization", f"Bearer {key}"),)


def _error(err: grpc.aio.AioRpcError) -> CliError:
    problems = dict(err.trailing_metadata() or ()).get("x-problems")
    detail = err.details() or ""
    if isinstance(problems, str):
        import json

        lines = [f"  {p['field']}: {p['rule']}" for p in json.loads(problems)]
        detail = "\n".join(["the document was refused:", *lines])
    return CliError(f"{err.code().name}: {detail}")


async def apply_text(
    address: str, key: str, document: str, prune: bool = True, dry_run: bool = False
) -> list[str]:
    """Send a document (variables already filled); the change lines the registry reports."""
    async with channel(address) as chan:
        stub = registry_pb2_grpc.RegistryStub(chan)
        request = registry_pb2.ApplyConfigRequest(document=document, prune=prune, dry_run=dry_run)
        try:
            answer = await stub.ApplyConfig(
                request, metadata=_metadata(key), timeout=TIMEOUT_SECONDS
            )
        except grpc.aio.AioRpcError as err:
            raise _error(err) from None
    return list(answer.changes)


async def apply_file(
    address: str,
    key: str,
    path: str | Path,
    environ: Mapping[str, str],
    prune: bool = True,
    dry_run: bool = False,
) -> list[str]:
    """Apply a YAML/JSON file, filling `${VAR}` from `environ` first."""
    try:
        text = await asyncio.to_thread(Path(path).read_text, encoding="utf-8")
    except OSError as err:
        raise CliError(f"cannot read {path}: {err.strerror}") from None
    return await apply_text(address, key, substitute(text, environ), prune=prune, dry_run=dry_run)


async def export(address: str, key: str) -> str:
    """The organization's configuration as a YAML document (no credentials or tokens)."""
    async with channel(address) as chan:
        stub = registry_pb2_grpc.RegistryStub(chan)
        try:
            answer = await stub.ExportConfig(
                registry_pb2.ExportConfigRequest(), metadata=_metadata(key), timeout=TIMEOUT_SECONDS
            )
        except grpc.aio.AioRpcError as err:
            raise _error(err) from None
    return str(answer.document)
