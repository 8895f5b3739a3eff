"""Affiliate postbacks: a URL (and optional body and headers) with macros fired for one event.

Templates may name only known macros and the event's custom fields, and must point at a public
http(s) address once filled (law 8) unless the operator allow-lists the range.
"""

from __future__ import annotations

from services.common.errors import AlreadyExists, InvalidArgument
from services.registry import repository as repo
from services.registry import rules
from services.registry.store import Tx, require
from switchyard.v1 import config_pb2


def _check(tx: Tx, item: config_pb2.Postback, path: str) -> None:
    item.method = item.method.upper()
    problems = rules.postback(item, tx.state, tx.allow, path)
    if problems:
        raise InvalidArgument(problems)
    if any(p.name == item.name and p.id != item.id for p in tx.state.snapshot.postbacks):
        raise AlreadyExists(f"a postback named {item.name!r} already exists")


def _args(item: config_pb2.Postback) -> list[object]:
    return [
        item.campaign_id or None,
        item.name,
        item.event_name,
        item.url_template,
        item.method,
        item.body_template,
        item.content_type,
        [{"name": h.name, "value": h.value} for h in item.headers],
        item.enabled,
    ]


async def create_postback(tx: Tx, item: config_pb2.Postback, path: str = "postback") -> str:
    item.id = ""
    _check(tx, item, path)
    postback_id: str = await repo.fetchval(
        tx.conn, "insert_postback", tx.organization_id, *_args(item)
    )
    return postback_id


async def update_postback(tx: Tx, item: config_pb2.Postback, path: str = "postback") -> None:
    require(tx.state.postback(item.id), "postback")
    _check(tx, item, path)
    await repo.execute(tx.conn, "update_postback", tx.organization_id, item.id, *_args(item))


async def delete_postback(tx: Tx, postback_id: str) -> None:
    require(tx.state.postback(postback_id), "postback")
    await repo.execute(tx.conn, "delete_postback", tx.organization_id, postback_id)
