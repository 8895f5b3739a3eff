"""The `switchyard` command: run the stack and manage an organization from a terminal.

Errors are one clear line on stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable, Sequence

import grpc

from services.cli import commands
from services.cli.stack import StackError
from services.common.errors import DomainError
from services.common.settings import SettingsError
from services.registry.cli import CliError

Handler = Callable[[argparse.Namespace], int]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="switchyard", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    sub.add_parser("up", help="start the whole stack in the foreground").set_defaults(
        handler=commands.up
    )

    init = sub.add_parser("init", help="create an organization and its first admin key")
    init.add_argument("--org", required=True, help="organization name")
    init.add_argument("--country", default="", help="default country for phones, e.g. US")
    init.set_defaults(handler=commands.init)

    apply = sub.add_parser("apply", help="make an organization match a YAML document")
    apply.add_argument("-f", "--file", required=True, help="path of the document")
    apply.add_argument("--key", help="admin API key (default: $SWITCHYARD_API_KEY)")
    apply.add_argument("--dry-run", action="store_true", help="show changes, change nothing")
    apply.add_argument("--no-prune", action="store_true", help="keep objects the file omits")
    apply.set_defaults(handler=commands.apply)

    export = sub.add_parser("export", help="write an organization's configuration as YAML")
    export.add_argument("--key", help="admin API key (default: $SWITCHYARD_API_KEY)")
    export.set_defaults(handler=commands.export)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `switchyard` command."""
    args = _parser().parse_args(argv)
    handler: Handler = args.handler
    try:
        return handler(args)
    except (SettingsError, StackError, DomainError, commands.CommandError, CliError) as err:
        print(f"error: {err}", file=sys.stderr)
    except grpc.aio.AioRpcError as err:
        print(f"error: {err.code().name.lower()}: {err.details()}", file=sys.stderr)
    except KeyboardInterrupt:
        return 130
    except (asyncio.CancelledError, ConnectionError, OSError) as err:
        print(f"error: {err}", file=sys.stderr)
    return 1
