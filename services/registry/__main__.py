"""`python -m services.registry [serve|migrate|init|apply|export]`; no argument serves."""

from __future__ import annotations

import argparse
import asyncio
import sys

from services.common.db import migrate, migrate_service, service_pool
from services.common.settings import SettingsError, environ_snapshot
from services.registry import cli
from services.registry.app import APPLICATION_NAME, serve
from services.registry.config import RegistrySettings
from services.registry.organizations import bootstrap_organization
from services.registry.repository import MIGRATIONS_DIR, SCHEMA


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m services.registry")
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("serve", help="serve the Registry gRPC services (the default)")
    commands.add_parser("migrate", help="apply the registry's database migrations")
    init = commands.add_parser("init", help="create an organization and print its admin key")
    init.add_argument("--org", required=True, help="organization name")
    init.add_argument("--country", default="", help="default country, e.g. US")
    apply = commands.add_parser("apply", help="make the organization match a YAML document")
    apply.add_argument("-f", "--file", required=True)
    apply.add_argument("--key", required=True, help="admin API key")
    apply.add_argument("--no-prune", action="store_true", help="keep objects the file omits")
    apply.add_argument("--dry-run", action="store_true", help="report changes, change nothing")
    export = commands.add_parser("export", help="print the organization as a YAML document")
    export.add_argument("--key", required=True, help="admin API key")
    return parser


async def _migrate(settings: RegistrySettings) -> None:
    applied = await migrate_service(settings.common, SCHEMA, MIGRATIONS_DIR, APPLICATION_NAME)
    print("applied: " + (", ".join(applied) or "nothing, already up to date"))


async def _init(settings: RegistrySettings, name: str, country: str) -> None:
    pool = await service_pool(settings.common, APPLICATION_NAME)
    try:
        await migrate(pool, SCHEMA, MIGRATIONS_DIR)
        org, key = await bootstrap_organization(pool, name, country)
    finally:
        await pool.close()
    print(f"organization id: {org.id}")
    print(f"admin API key (shown only now, store it safely): {key}")


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = RegistrySettings.from_env()
    except SettingsError as err:
        print(err, file=sys.stderr)
        return 2
    address = settings.common.registry_address
    try:
        if args.command in (None, "serve"):
            asyncio.run(serve(settings))
        elif args.command == "migrate":
            asyncio.run(_migrate(settings))
        elif args.command == "init":
            asyncio.run(_init(settings, args.org, args.country))
        elif args.command == "apply":
            changes = asyncio.run(
                cli.apply_file(
                    address,
                    args.key,
                    args.file,
                    environ_snapshot(),
                    prune=not args.no_prune,
                    dry_run=args.dry_run,
                )
            )
            print("\n".join(changes) or "no changes")
        elif args.command == "export":
            print(asyncio.run(cli.export(address, args.key)), end="")
    except cli.CliError as err:
        print(err, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
