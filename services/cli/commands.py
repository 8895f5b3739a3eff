"""What each `switchyard` subcommand does; the parser in __init__ only routes to these."""

from __future__ import annotations

import argparse
import asyncio
from dataclasses import dataclass
from pathlib import Path

from services.cli.stack import read_stack_file, run_stack
from services.common.grpc_client import channel
from services.common.settings import CommonSettings, Env, environ_snapshot
from switchyard.v1 import config_pb2, registry_pb2, registry_pb2_grpc


class CommandError(Exception):
    """A command cannot run as asked; the message says what to do instead."""


@dataclass(frozen=True)
class Target:
    """How the CLI reaches a stack: addresses and the internal token."""

    registry_address: str
    internal_token: str
    data_dir: Path
    dispatcher_address: str = ""
    ingest_address: str = ""


def find_target(settings: CommonSettings) -> Target:
    """Addresses from a running `switchyard up` in the data folder, else from the settings."""
    record = read_stack_file(settings.data_dir)
    return Target(
        registry_address=record.get("registry_address", settings.registry_address),
        internal_token=record.get("SWITCHYARD_INTERNAL_TOKEN", settings.internal_token),
        data_dir=settings.data_dir,
        dispatcher_address=record.get("dispatcher_address", settings.dispatcher_address),
        ingest_address=record.get("ingest_address", settings.ingest_address),
    )


def api_key(args: argparse.Namespace) -> str:
    """The admin API key: --key, else SWITCHYARD_API_KEY."""
    key: str | None = args.key or Env().str("SWITCHYARD_API_KEY")
    if not key:
        raise CommandError("an admin API key is needed: pass --key or set SWITCHYARD_API_KEY")
    return key


def up(args: argparse.Namespace) -> int:
    """Start the stack and block until Ctrl-C or SIGTERM."""
    settings = CommonSettings.from_env()
    return asyncio.run(run_stack(settings, environ_snapshot()))


async def _create_organization(target: Target, name: str, country: str) -> str:
    async with channel(target.registry_address, target.internal_token) as chan:
        stub = registry_pb2_grpc.RegistryInternalStub(chan)
        request = registry_pb2.CreateOrganizationRequest(
            organization=config_pb2.Organization(name=name, default_country=country),
            admin_key_name="bootstrap",
        )
        answer = await stub.CreateOrganization(request, timeout=10)
    return (
        f"organization {answer.organization.name} created: id {answer.organization.id}\n"
        f"admin API key (shown once, keep it safe): {answer.key}"
    )


def init(args: argparse.Namespace) -> int:
    """Create an organization with its first admin key through the running registry."""
    target = find_target(CommonSettings.from_env())
    print(asyncio.run(_create_organization(target, args.org, args.country.upper())))
    return 0


def apply(args: argparse.Namespace) -> int:
    """Apply a declarative document and print one line per change."""
    from services.registry.cli import apply_file

    target = find_target(CommonSettings.from_env())
    changes = asyncio.run(
        apply_file(
            target.registry_address,
            api_key(args),
            Path(args.file),
            environ_snapshot(),
            prune=not args.no_prune,
            dry_run=args.dry_run,
        )
    )
    for line in changes or ["no changes"]:
        print(line)
    return 0


def export(args: argparse.Namespace) -> int:
    """Print the organization's configuration as YAML."""
    from services.registry.cli import export as export_document

    target = find_target(CommonSettings.from_env())
    print(asyncio.run(export_document(target.registry_address, api_key(args))), end="")
    return 0


def demo(args: argparse.Namespace) -> int:
    """Run the scripted demo on a stack of its own and report every delivery."""
    from services.demo.runner import run_demo

    settings = CommonSettings.from_env()
    return asyncio.run(run_demo(settings, environ_snapshot(), keep=args.keep))
