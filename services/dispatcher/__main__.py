"""`python -m services.dispatcher [serve|migrate]`; no argument serves."""

from __future__ import annotations

import argparse
import asyncio
import sys

from services.common.db import migrate_service
from services.common.settings import SettingsError
from services.dispatcher.app import APPLICATION_NAME, serve
from services.dispatcher.config import DispatcherSettings
from services.dispatcher.repository import MIGRATIONS_DIR, SCHEMA


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m services.dispatcher")
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("serve", help="serve the Dispatcher gRPC service and deliver (default)")
    commands.add_parser("migrate", help="apply the dispatcher's database migrations")
    return parser


async def _migrate(settings: DispatcherSettings) -> None:
    applied = await migrate_service(settings.common, SCHEMA, MIGRATIONS_DIR, APPLICATION_NAME)
    print("applied: " + (", ".join(applied) or "nothing, already up to date"))


def main(argv: list[str] | None = None) -> int:
    """Parse the command, read settings, run."""
    args = _parser().parse_args(argv)
    try:
        settings = DispatcherSettings.from_env()
    except SettingsError as err:
        print(err, file=sys.stderr)
        return 2
    if args.command == "migrate":
        asyncio.run(_migrate(settings))
    else:
        asyncio.run(serve(settings))
    return 0


if __name__ == "__main__":
    sys.exit(main())
