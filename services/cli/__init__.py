"""The `switchyard` command: run the stack and manage an organization from a terminal.

Errors are one clear line on stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable, Sequence
from typing import Any

import grpc

from services.cli import commands, history
from services.cli.filters import FilterError
from services.cli.stack import StackError
from services.common.errors import DomainError, domain_error_from_rpc
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
    _history_commands(sub)

    demo = sub.add_parser(
        "demo", help="run a scripted demo on its own stack and report every delivery"
    )
    demo.add_argument("--keep", action="store_true", help="keep the demo's data folder and logs")
    demo.set_defaults(handler=commands.demo)
    return parser


def _key_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--key", help="admin API key (default: $SWITCHYARD_API_KEY)")


def _filter_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--since", help="received since: 30m, 1h, 2d or an ISO time")
    parser.add_argument("--until", help="received before: 30m, 1h, 2d or an ISO time")
    parser.add_argument("--status", help="delivery statuses, e.g. dead,failed")
    parser.add_argument("--event", help="event names, e.g. sale or Lead,Purchase")
    parser.add_argument("--campaign", help="campaign id")
    parser.add_argument("--destination", help="destination id")
    parser.add_argument("--lead", help="lead id")
    parser.add_argument("--transaction", help="transaction or order id")
    parser.add_argument("--event-id", help="event id")
    parser.add_argument("--include-test", action="store_true", help="include test sends")


def _history_commands(sub: Any) -> None:
    logs = sub.add_parser("logs", help="event history, or the delivery log with --deliveries")
    _filter_options(logs)
    logs.add_argument("--deliveries", action="store_true", help="list deliveries, not events")
    logs.add_argument("--limit", type=int, default=50, help="most rows to show (default 50)")
    logs.add_argument("--all", action="store_true", help="every matching row, page after page")
    logs.add_argument("--json", action="store_true", help="one JSON object per line")
    _key_option(logs)
    logs.set_defaults(handler=history.logs)

    show = sub.add_parser("show", help="one event's journey: request, event, deliveries")
    show.add_argument("event_id", help="event id")
    show.add_argument("--json", action="store_true", help="the whole answer as JSON")
    _key_option(show)
    show.set_defaults(handler=history.show)

    replay = sub.add_parser("replay", help="send deliveries again, by id or by filter")
    replay.add_argument("--delivery", nargs="+", metavar="ID", help="delivery ids")
    _filter_options(replay)
    replay.add_argument("--dry-run", action="store_true", help="count, change nothing")
    _key_option(replay)
    replay.set_defaults(handler=history.replay)

    send_test = sub.add_parser("send-test", help="send a test event to one destination now")
    which = send_test.add_mutually_exclusive_group(required=True)
    which.add_argument("--destination", help="destination id or name")
    which.add_argument("--postback", help="affiliate postback id or name")
    send_test.add_argument("--event-file", help="canonical event as JSON (default: a sample)")
    _key_option(send_test)
    send_test.set_defaults(handler=history.send_test)

    trigger = sub.add_parser("trigger", help="fire an event by hand against a lead")
    trigger.add_argument("--lead", required=True, help="lead id")
    trigger.add_argument("--event", required=True, help="event name, e.g. sale")
    trigger.add_argument("--value", type=float, help="value, e.g. 49.90")
    trigger.add_argument("--currency", help="ISO 4217 currency, e.g. USD")
    trigger.add_argument("--transaction", help="transaction or order id")
    trigger.add_argument("--campaign", help="campaign id (needed when the event has custom fields)")
    trigger.add_argument("--event-id", help="event id (default: a new one)")
    trigger.add_argument(
        "--field", action="append", metavar="NAME=VALUE", help="custom field, repeatable"
    )
    _key_option(trigger)
    trigger.set_defaults(handler=history.trigger)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `switchyard` command."""
    args = _parser().parse_args(argv)
    handler: Handler = args.handler
    try:
        return handler(args)
    except FilterError as err:
        print(f"error: {'; '.join(err.problems)}", file=sys.stderr)
    except (SettingsError, StackError, DomainError, commands.CommandError, CliError) as err:
        print(f"error: {err}", file=sys.stderr)
    except grpc.aio.AioRpcError as err:
        problem = domain_error_from_rpc(err.code(), err.details() or "", err.trailing_metadata())
        print(f"error: {err.code().name.lower()}: {problem}", file=sys.stderr)
    except KeyboardInterrupt:
        return 130
    except (asyncio.CancelledError, ConnectionError, OSError) as err:
        print(f"error: {err}", file=sys.stderr)
    return 1
