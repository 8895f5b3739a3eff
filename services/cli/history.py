"""The operator's daily commands over a running stack: logs, show, replay, send-test, trigger.

Each asks the dispatcher (history, redelivery, test sends) or ingest (manual triggers) with the
organization's admin API key; addresses come from the running `switchyard up`, else settings.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import AsyncIterator, Awaitable
from pathlib import Path
from typing import Any, TypeVar

import grpc
from google.protobuf import json_format

from services.cli import render
from services.cli.commands import CommandError, Target, api_key, find_target
from services.cli.filters import FilterWords, history_filter, narrows
from services.common.errors import domain_error_from_rpc
from services.common.grpc_client import channel
from services.common.settings import CommonSettings
from switchyard.v1 import (
    common_pb2,
    dispatcher_pb2,
    dispatcher_pb2_grpc,
    ingest_pb2,
    ingest_pb2_grpc,
    registry_pb2,
    registry_pb2_grpc,
)

T = TypeVar("T")
TIMEOUT_SECONDS = 30.0
PAGE_MAX = 500


def metadata(key: str) -> tuple[tuple[str, str], ...]:
    """The call metadata carrying an API key."""
    return (("authorization", f"Bearer {key}"),)


async def ask(service: str, address: str, call: Awaitable[T]) -> T:
    """Await one RPC; a failure becomes one line naming the service and what went wrong."""
    try:
        return await call
    except grpc.aio.AioRpcError as err:
        code = err.code()
        if code == grpc.StatusCode.UNAVAILABLE:
            raise CommandError(
                f"cannot reach the {service} at {address} (is `switchyard up` running?)"
            ) from None
        problem = domain_error_from_rpc(code, err.details() or "", err.trailing_metadata())
        word = code.name.lower().replace("_", " ")
        raise CommandError(f"{service} answered {word}: {problem}") from None


def _context(args: argparse.Namespace) -> tuple[Target, str]:
    return find_target(CommonSettings.from_env()), api_key(args)


async def _pages(
    stub: Any, method: str, request: Any, limit: int, follow: bool, address: str
) -> AsyncIterator[Any]:
    """Rows of a listing, page after page: up to `limit`, or every one when following."""
    shown = 0
    token = ""
    while True:
        size = PAGE_MAX if follow else min(limit - shown, PAGE_MAX)
        request.page.CopyFrom(common_pb2.PageRequest(page_size=size, page_token=token))
        answer = await ask(
            "dispatcher", address, getattr(stub, method)(request, timeout=TIMEOUT_SECONDS)
        )
        rows = list(answer.events if method == "ListEvents" else answer.deliveries)
        for row in rows:
            yield row
        shown += len(rows)
        token = answer.next_page_token
        if not token or (not follow and shown >= limit):
            return
        if follow:
            print(f"… {shown} so far, fetching more", file=sys.stderr, flush=True)


async def _logs(args: argparse.Namespace, target: Target, key: str) -> int:
    history = history_filter(FilterWords.of(args))
    if args.limit < 1:
        raise CommandError("--limit must be at least 1")
    address = target.dispatcher_address
    async with channel(address) as chan:
        stub = _KeyedStub(dispatcher_pb2_grpc.DispatcherStub(chan), key)
        if args.deliveries:
            request: Any = dispatcher_pb2.ListDeliveriesRequest(filter=history)
            method = "ListDeliveries"
        else:
            request = dispatcher_pb2.ListEventsRequest(filter=history)
            method = "ListEvents"
        rows = [row async for row in _pages(stub, method, request, args.limit, args.all, address)]
    if args.json:
        for row in rows:
            print(render.as_json(row))
    elif not rows:
        print("no deliveries match" if args.deliveries else "no events match")
    else:
        show = render.deliveries_table if args.deliveries else render.events_table
        print(show(rows))
    return 0


class _KeyedStub:
    """A stub whose every call carries the API key."""

    def __init__(self, stub: Any, key: str) -> None:
        self._stub = stub
        self._metadata = metadata(key)

    def __getattr__(self, name: str) -> Any:
        method = getattr(self._stub, name)
        return lambda request, **kw: method(request, metadata=self._metadata, **kw)


def logs(args: argparse.Namespace) -> int:
    """Print the event history (or the delivery log), filtered; `--event-id` shows a journey."""
    target, key = _context(args)
    if args.event_id and not args.deliveries and not args.json:
        return asyncio.run(_show(args.event_id, target, key))
    return asyncio.run(_logs(args, target, key))


async def _show(event_id: str, target: Target, key: str, as_json: bool = False) -> int:
    address = target.dispatcher_address
    async with channel(address) as chan:
        stub = _KeyedStub(dispatcher_pb2_grpc.DispatcherStub(chan), key)
        request = dispatcher_pb2.GetEventRequest(event_id=event_id)
        answer = await ask("dispatcher", address, stub.GetEvent(request, timeout=TIMEOUT_SECONDS))
    print(render.as_json(answer) if as_json else render.journey(answer))
    return 0


def show(args: argparse.Namespace) -> int:
    """Print one event's whole journey."""
    target, key = _context(args)
    return asyncio.run(_show(args.event_id, target, key, args.json))


async def _replay(args: argparse.Namespace, target: Target, key: str) -> int:
    history = history_filter(FilterWords.of(args))
    ids = list(args.delivery or [])
    if not ids and not narrows(history):
        raise CommandError(
            "say what to replay: --delivery ID, or filters such as --status dead --since 1d"
        )
    request = dispatcher_pb2.RedeliverRequest(
        delivery_ids=ids, filter=history, dry_run=args.dry_run
    )
    address = target.dispatcher_address
    if not args.dry_run:
        print(
            "asking the dispatcher to queue the matching deliveries again…",
            file=sys.stderr,
            flush=True,
        )
    async with channel(address) as chan:
        stub = _KeyedStub(dispatcher_pb2_grpc.DispatcherStub(chan), key)
        answer = await ask("dispatcher", address, stub.Redeliver(request, timeout=120))
    noun = "delivery" if answer.count == 1 else "deliveries"
    if args.dry_run:
        print(f"{answer.count} {noun} would be sent again (dry run: nothing changed)")
    else:
        print(f"{answer.count} {noun} queued again")
    return 0


def replay(args: argparse.Namespace) -> int:
    """Queue deliveries again by id or by filter (skipped ones never are)."""
    target, key = _context(args)
    return asyncio.run(_replay(args, target, key))


def _event_from_file(path: str) -> common_pb2.CanonicalEvent:
    """A CanonicalEvent in protobuf JSON form, with one clear line when it is not."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as err:
        raise CommandError(f"cannot read {path}: {err.strerror}") from None
    event = common_pb2.CanonicalEvent()
    try:
        json_format.Parse(text, event)
    except (json_format.ParseError, ValueError) as err:
        raise CommandError(f"{path} is not a canonical event in JSON form: {err}") from None
    return event


async def _resolve(target: Target, key: str, kind: str, wanted: str) -> str:
    """A destination's or postback's id from its id or its name."""
    address = target.registry_address
    async with channel(address) as chan:
        stub = _KeyedStub(registry_pb2_grpc.RegistryStub(chan), key)
        if kind == "destination":
            answer: Any = await ask(
                "registry",
                address,
                stub.ListDestinations(
                    registry_pb2.ListDestinationsRequest(), timeout=TIMEOUT_SECONDS
                ),
            )
            items = list(answer.destinations)
        else:
            answer = await ask(
                "registry",
                address,
                stub.ListPostbacks(registry_pb2.ListPostbacksRequest(), timeout=TIMEOUT_SECONDS),
            )
            items = list(answer.postbacks)
    for item in items:
        if wanted in (item.id, item.name):
            return str(item.id)
    names = ", ".join(sorted(item.name for item in items)) or "none"
    raise CommandError(f"no {kind} is named or numbered {wanted!r} (known: {names})")


async def _send_test(args: argparse.Namespace, target: Target, key: str) -> int:
    event = _event_from_file(args.event_file) if args.event_file else None
    kind = "destination" if args.destination else "postback"
    wanted = await _resolve(target, key, kind, args.destination or args.postback)
    request = dispatcher_pb2.SendTestRequest(event=event)
    setattr(request, f"{kind}_id", wanted)
    address = target.dispatcher_address
    print(f"sending a test event to {kind} {wanted}…", file=sys.stderr, flush=True)
    async with channel(address) as chan:
        stub = _KeyedStub(dispatcher_pb2_grpc.DispatcherStub(chan), key)
        answer = await ask("dispatcher", address, stub.SendTest(request, timeout=60))
    print(render.send_test_report(answer.delivery))
    delivered = answer.delivery.summary.status == dispatcher_pb2.DELIVERY_STATUS_DELIVERED
    return 0 if delivered else 1


def send_test(args: argparse.Namespace) -> int:
    """Send a sample (or given) event to one destination now; exit 0 only when accepted."""
    target, key = _context(args)
    return asyncio.run(_send_test(args, target, key))


def parse_fields(pairs: list[str]) -> dict[str, str]:
    """`--field name=value` options as a mapping; a malformed one is a CommandError."""
    fields = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise CommandError(f"--field {pair!r} must be name=value")
        fields[name.strip()] = value
    return fields


def trigger_request(args: argparse.Namespace) -> ingest_pb2.TriggerEventRequest:
    """The TriggerEvent request the options describe."""
    event = ingest_pb2.EventInput(
        event_id=args.event_id or "",
        event_name=args.event,
        campaign_id=args.campaign or "",
        transaction_id=args.transaction or "",
        currency=(args.currency or "").upper(),
        custom_fields=parse_fields(args.field or []),
        action_source=common_pb2.ACTION_SOURCE_OFFLINE,
    )
    if args.value is not None:
        event.value = args.value
    return ingest_pb2.TriggerEventRequest(lead_id=args.lead, event=event)


async def _trigger(args: argparse.Namespace, target: Target, key: str) -> int:
    request = trigger_request(args)
    address = target.ingest_address
    async with channel(address) as chan:
        stub = _KeyedStub(ingest_pb2_grpc.IngestStub(chan), key)
        answer = await ask(
            "ingest service", address, stub.TriggerEvent(request, timeout=TIMEOUT_SECONDS)
        )
    result = answer.result
    if result.outcome == ingest_pb2.EVENT_OUTCOME_DUPLICATE:
        print(
            f"{args.event} not fired again for lead {result.lead_id}: duplicate (the event id was "
            f"seen, or {args.event} is not multi-trigger and already fired for this lead)"
        )
    else:
        print(
            f"{args.event} accepted for lead {result.lead_id}: event {result.event_id}, "
            f"{result.deliveries} deliveries queued"
        )
    return 0


def trigger(args: argparse.Namespace) -> int:
    """Fire an event by hand against an existing lead (Ingest.TriggerEvent)."""
    target, key = _context(args)
    return asyncio.run(_trigger(args, target, key))
