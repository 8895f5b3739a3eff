"""Whatever a value holds, it lands intact and cannot break the URL or body it is put into."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

from hypothesis import given, settings
from hypothesis import strategies as st

from services.mapper.routing import map_events
from services.mapper.snapshot_index import SnapshotIndex
from switchyard.v1 import common_pb2, config_pb2
from tests.unit.mapper import factory as f

# Any text without surrogates or NUL (which cannot travel in a URL or a JSON string anyway).
texts = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=40)


def render(template_kind: str, value: str) -> common_pb2.HttpRequest:
    postback = config_pb2.Postback(
        id="pb",
        name="pb",
        event_name="sale",
        enabled=True,
        url_template="https://aff.example/p?tx={transaction_id}&s1={sub1}",
    )
    if template_kind == "json":
        postback.method, postback.content_type = "POST", "application/json"
        postback.body_template = '{"tx": "{transaction_id}", "s1": "{sub1}"}'
    if template_kind == "form":
        postback.method, postback.content_type = "POST", "application/x-www-form-urlencoded"
        postback.body_template = "tx={transaction_id}&s1={sub1}"
    event = f.event(event_name="sale", kind=common_pb2.EVENT_KIND_CUSTOM, transaction_id=value)
    event.params["sub1"] = value
    index = SnapshotIndex(f.snapshot([], postbacks=[postback]))
    ((delivery,),) = [list(r.deliveries) for r in map_events(index, [event], f.NOW)]
    return delivery.request


@settings(max_examples=150, deadline=None)
@given(texts)
def test_url_values_round_trip(value: str) -> None:
    request = render("url", value)
    parts = urlsplit(request.url)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "aff.example", "/p")
    query = parse_qs(parts.query, keep_blank_values=True)
    assert query == {"tx": [value], "s1": [value]}


@settings(max_examples=150, deadline=None)
@given(texts)
def test_json_body_values_round_trip(value: str) -> None:
    assert json.loads(render("json", value).body) == {"tx": value, "s1": value}


@settings(max_examples=150, deadline=None)
@given(texts)
def test_form_body_values_round_trip(value: str) -> None:
    body = render("form", value).body.decode()
    assert parse_qs(body, keep_blank_values=True) == {"tx": [value], "s1": [value]}
