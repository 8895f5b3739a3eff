"""The declarative configuration document: parse and check its shape, and render one.

The document is YAML (JSON parses as YAML too), keyed by names rather than ids so it reads and
diffs well in a repository. Parsing reports every shape problem with its path, e.g.
`destinations[0].settings.pixel_id`; rules about the objects themselves are checked when the
document is applied, by the same code the gRPC calls use.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from services.common.destination_specs import SPECS_BY_NAME
from services.common.errors import InvalidArgument, Problem
from services.registry import repository as repo
from switchyard.v1 import config_pb2

SECTIONS = (
    "organization",
    "campaigns",
    "events",
    "custom_fields",
    "event_lists",
    "integrations",
    "destinations",
    "postbacks",
)
ACTIONS = {"auto": config_pb2.MAPPING_ACTION_AUTO, **repo.MAPPING_ACTION_VALUES}
ACTION_WORDS = {value: word for word, value in ACTIONS.items()}
MAX_DOCUMENT_BYTES = 4 * 1024 * 1024


@dataclass
class CampaignEntry:
    campaign: config_pb2.Campaign
    event_lists: list[str]


@dataclass
class EventEntry:
    event: config_pb2.EventDefinition
    campaign: str | None
    given: set[str]


@dataclass
class FieldEntry:
    field: config_pb2.CustomField
    campaign: str


@dataclass
class IntegrationEntry:
    integration: config_pb2.Integration
    campaign: str | None
    signing_secret: str | None


@dataclass
class DestinationEntry:
    destination: config_pb2.Destination
    campaigns: list[str]
    credentials: dict[str, str] | None
    mappings: list[config_pb2.EventMapping]


@dataclass
class PostbackEntry:
    postback: config_pb2.Postback
    campaign: str | None


@dataclass
class Document:
    """A parsed document; each entry keeps its index for problem paths."""

    organization: config_pb2.Organization | None = None
    campaigns: list[CampaignEntry] = field(default_factory=list)
    events: list[EventEntry] = field(default_factory=list)
    custom_fields: list[FieldEntry] = field(default_factory=list)
    event_lists: list[config_pb2.EventList] = field(default_factory=list)
    integrations: list[IntegrationEntry] = field(default_factory=list)
    destinations: list[DestinationEntry] = field(default_factory=list)
    postbacks: list[PostbackEntry] = field(default_factory=list)


class _Reader:
    """Typed reads from parsed YAML that collect problems instead of stopping at the first."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def mapping(self, value: Any, path: str, allowed: tuple[str, ...]) -> dict[str, Any]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.problems.append(Problem(path, "must be a mapping"))
            return {}
        for key in value:
            if key not in allowed:
                self.problems.append(
                    Problem(f"{path}.{key}", f"unknown key (allowed: {', '.join(allowed)})")
                )
        return value

    def items(self, value: Any, path: str) -> list[Any]:
        if value is None:
            return []
        if not isinstance(value, list):
            self.problems.append(Problem(path, "must be a list"))
            return []
        return value

    def text(self, m: dict[str, Any], key: str, path: str, required: bool = False) -> str:
        value = m.get(key)
        if value is None:
            if required:
                self.problems.append(Problem(f"{path}.{key}", "is required"))
            return ""
        if isinstance(value, bool) or not isinstance(value, str | int):
            self.problems.append(Problem(f"{path}.{key}", "must be a string"))
            return ""
        return str(value)

    def optional_text(self, m: dict[str, Any], key: str, path: str) -> str | None:
        return None if m.get(key) is None else self.text(m, key, path)

    def flag(self, m: dict[str, Any], key: str, path: str, default: bool) -> bool:
        value = m.get(key, default)
        if not isinstance(value, bool):
            self.problems.append(Problem(f"{path}.{key}", "must be true or false"))
            return default
        return value

    def number(self, m: dict[str, Any], key: str, path: str) -> float | None:
        value = m.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.problems.append(Problem(f"{path}.{key}", "must be a number"))
            return None
        return float(value)

    def integer(self, m: dict[str, Any], key: str, path: str, default: int) -> int:
        value = m.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int):
            self.problems.append(Problem(f"{path}.{key}", "must be an integer"))
            return default
        return value

    def names(self, m: dict[str, Any], key: str, path: str) -> list[str]:
        found = []
        for i, value in enumerate(self.items(m.get(key), f"{path}.{key}")):
            if not isinstance(value, str):
                self.problems.append(Problem(f"{path}.{key}[{i}]", "must be a string"))
            else:
                found.append(value)
        return found

    def strings(self, m: dict[str, Any], key: str, path: str) -> dict[str, str] | None:
        value = m.get(key)
        if value is None:
            return None
        if not isinstance(value, dict):
            self.problems.append(Problem(f"{path}.{key}", "must be a mapping of strings"))
            return {}
        return {str(k): self.text(value, k, f"{path}.{key}") for k in value}

    def choice(self, m: dict[str, Any], key: str, path: str, words: dict[str, Any]) -> Any:
        word = self.text(m, key, path, required=True)
        if word and word not in words:
            self.problems.append(Problem(f"{path}.{key}", f"must be one of {', '.join(words)}"))
        return words.get(word, 0)


def parse(text: str) -> Document:
    """Read a document; raise InvalidArgument listing every shape problem with its path."""
    if len(text.encode()) > MAX_DOCUMENT_BYTES:
        raise InvalidArgument.one("document", f"must be at most {MAX_DOCUMENT_BYTES} bytes")
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as err:
        raise InvalidArgument.one("document", f"is not valid YAML ({_where(err)})") from None
    r = _Reader()
    top = r.mapping(raw, "document", SECTIONS)
    if raw is not None and not isinstance(raw, dict):
        raise InvalidArgument(r.problems)
    doc = Document()
    if "organization" in top:
        doc.organization = _organization(r, top["organization"])
    doc.campaigns = [_campaign(r, v, f"campaigns[{i}]") for i, v in _each(r, top, "campaigns")]
    doc.events = [_event(r, v, f"events[{i}]") for i, v in _each(r, top, "events")]
    doc.custom_fields = [
        _field(r, v, f"custom_fields[{i}]") for i, v in _each(r, top, "custom_fields")
    ]
    doc.event_lists = [_list(r, v, f"event_lists[{i}]") for i, v in _each(r, top, "event_lists")]
    doc.integrations = [
        _integration(r, v, f"integrations[{i}]") for i, v in _each(r, top, "integrations")
    ]
    doc.destinations = [
        _destination(r, v, f"destinations[{i}]") for i, v in _each(r, top, "destinations")
    ]
    doc.postbacks = [_postback(r, v, f"postbacks[{i}]") for i, v in _each(r, top, "postbacks")]
    _duplicates(r, doc)
    if r.problems:
        raise InvalidArgument(r.problems)
    return doc


def _where(err: yaml.YAMLError) -> str:
    """Line, column and reason of a YAML error, without quoting the text (it may hold secrets)."""
    mark = getattr(err, "problem_mark", None)
    problem = getattr(err, "problem", None) or "syntax error"
    if mark is None:
        return str(problem)
    return f"line {mark.line + 1}, column {mark.column + 1}: {problem}"


def _each(r: _Reader, top: dict[str, Any], section: str) -> list[tuple[int, Any]]:
    return list(enumerate(r.items(top.get(section), section)))


def _organization(r: _Reader, value: Any) -> config_pb2.Organization:
    m = r.mapping(value, "organization", ("name", "default_country", "dedup_window_seconds"))
    return config_pb2.Organization(
        name=r.text(m, "name", "organization", required=True),
        default_country=r.text(m, "default_country", "organization"),
        dedup_window_seconds=r.integer(m, "dedup_window_seconds", "organization", 172_800),
    )


def _campaign(r: _Reader, value: Any, path: str) -> CampaignEntry:
    m = r.mapping(value, path, ("name", "default_country", "paused", "event_lists"))
    campaign = config_pb2.Campaign(
        name=r.text(m, "name", path, required=True),
        default_country=r.text(m, "default_country", path),
        paused=r.flag(m, "paused", path, False),
    )
    return CampaignEntry(campaign, r.names(m, "event_lists", path))


EVENT_KEYS = (
    "name",
    "campaign",
    "description",
    "conversion",
    "affiliate_conversion",
    "multi_trigger",
    "payout",
    "revenue",
)


def _event(r: _Reader, value: Any, path: str) -> EventEntry:
    m = r.mapping(value, path, EVENT_KEYS)
    event = config_pb2.EventDefinition(
        name=r.text(m, "name", path, required=True),
        description=r.text(m, "description", path),
        conversion=r.flag(m, "conversion", path, False),
        affiliate_conversion=r.flag(m, "affiliate_conversion", path, False),
        multi_trigger=r.flag(m, "multi_trigger", path, False),
        payout=r.number(m, "payout", path),
        revenue=r.number(m, "revenue", path),
    )
    return EventEntry(event, r.optional_text(m, "campaign", path), set(m))


def _field(r: _Reader, value: Any, path: str) -> FieldEntry:
    m = r.mapping(value, path, ("campaign", "event", "name", "type", "required", "description"))
    types = {word: value for value, word in repo.FIELD_TYPES.items()}
    custom_field = config_pb2.CustomField(
        event_name=r.text(m, "event", path, required=True),
        name=r.text(m, "name", path, required=True),
        type=r.choice(m, "type", path, types),
        required=r.flag(m, "required", path, False),
        description=r.text(m, "description", path),
    )
    return FieldEntry(custom_field, r.text(m, "campaign", path, required=True))


def _list(r: _Reader, value: Any, path: str) -> config_pb2.EventList:
    m = r.mapping(value, path, ("name", "description", "events"))
    return config_pb2.EventList(
        name=r.text(m, "name", path, required=True),
        description=r.text(m, "description", path),
        event_names=r.names(m, "events", path),
    )


INTEGRATION_KEYS = (
    "name",
    "kind",
    "campaign",
    "event_name_path",
    "event_rules",
    "field_rules",
    "enabled",
    "strict",
    "signing_secret",
)


def _integration(r: _Reader, value: Any, path: str) -> IntegrationEntry:
    m = r.mapping(value, path, INTEGRATION_KEYS)
    kinds = {word: value for value, word in repo.INTEGRATION_KINDS.items()}
    integration = config_pb2.Integration(
        name=r.text(m, "name", path, required=True),
        kind=r.choice(m, "kind", path, kinds),
        event_name_path=r.text(m, "event_name_path", path),
        enabled=r.flag(m, "enabled", path, True),
        strict=r.flag(m, "strict", path, False),
    )
    for i, rule in enumerate(r.items(m.get("event_rules"), f"{path}.event_rules")):
        where = f"{path}.event_rules[{i}]"
        rm = r.mapping(rule, where, ("source", "event"))
        integration.event_rules.add(
            source=r.text(rm, "source", where, required=True),
            event_name=r.text(rm, "event", where, required=True),
        )
    for i, rule in enumerate(r.items(m.get("field_rules"), f"{path}.field_rules")):
        where = f"{path}.field_rules[{i}]"
        rm = r.mapping(rule, where, ("target", "source"))
        integration.field_rules.add(
            target=r.text(rm, "target", where, required=True),
            source_path=r.text(rm, "source", where, required=True),
        )
    secret = r.optional_text(m, "signing_secret", path)
    return IntegrationEntry(integration, r.optional_text(m, "campaign", path), secret)


DESTINATION_KEYS = (
    "name",
    "type",
    "settings",
    "credentials",
    "enabled",
    "test_mode",
    "campaigns",
    "mappings",
)


def _destination(r: _Reader, value: Any, path: str) -> DestinationEntry:
    m = r.mapping(value, path, DESTINATION_KEYS)
    types = {name: spec.type for name, spec in SPECS_BY_NAME.items()}
    destination = config_pb2.Destination(
        name=r.text(m, "name", path, required=True),
        type=r.choice(m, "type", path, types),
        settings=r.strings(m, "settings", path) or {},
        enabled=r.flag(m, "enabled", path, True),
        test_mode=r.flag(m, "test_mode", path, False),
    )
    mappings = []
    for i, item in enumerate(r.items(m.get("mappings"), f"{path}.mappings")):
        where = f"{path}.mappings[{i}]"
        mm = r.mapping(item, where, ("event", "action", "target", "params"))
        mappings.append(
            config_pb2.EventMapping(
                event_name=r.text(mm, "event", where, required=True),
                action=r.choice(mm, "action", where, ACTIONS),
                target=r.text(mm, "target", where),
                params=r.strings(mm, "params", where) or {},
            )
        )
    credentials = r.strings(m, "credentials", path)
    return DestinationEntry(destination, r.names(m, "campaigns", path), credentials, mappings)


POSTBACK_KEYS = (
    "name",
    "event",
    "campaign",
    "url",
    "method",
    "body",
    "content_type",
    "headers",
    "enabled",
)


def _postback(r: _Reader, value: Any, path: str) -> PostbackEntry:
    m = r.mapping(value, path, POSTBACK_KEYS)
    postback = config_pb2.Postback(
        name=r.text(m, "name", path, required=True),
        event_name=r.text(m, "event", path, required=True),
        url_template=r.text(m, "url", path, required=True),
        method=(r.text(m, "method", path) or "GET").upper(),
        body_template=r.text(m, "body", path),
        content_type=r.text(m, "content_type", path),
        enabled=r.flag(m, "enabled", path, True),
    )
    for name, header_value in (r.strings(m, "headers", path) or {}).items():
        postback.headers.add(name=name, value=header_value)
    return PostbackEntry(postback, r.optional_text(m, "campaign", path))


def _duplicates(r: _Reader, doc: Document) -> None:
    """Entries are keyed by name (events and fields within their scope): each key once."""
    keyed: list[tuple[str, list[Any]]] = [
        ("campaigns", [e.campaign.name for e in doc.campaigns]),
        ("events", [(e.campaign, e.event.name) for e in doc.events]),
        (
            "custom_fields",
            [(e.campaign, e.field.event_name, e.field.name) for e in doc.custom_fields],
        ),
        ("event_lists", [e.name for e in doc.event_lists]),
        ("integrations", [e.integration.name for e in doc.integrations]),
        ("destinations", [e.destination.name for e in doc.destinations]),
        ("postbacks", [e.postback.name for e in doc.postbacks]),
    ]
    for section, keys in keyed:
        seen: set[Any] = set()
        for i, key in enumerate(keys):
            if key in seen:
                r.problems.append(Problem(f"{section}[{i}]", "repeats an earlier entry's name"))
            seen.add(key)
    for i, entry in enumerate(doc.destinations):
        events = [m.event_name for m in entry.mappings]
        if len(set(events)) != len(events):
            r.problems.append(Problem(f"destinations[{i}].mappings", "maps an event twice"))
