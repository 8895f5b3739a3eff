"""Input rules for every configuration object, as pure functions returning the broken rules.

Each check takes the object, the organization's current state and the path to report problems
under (`destination.settings.pixel_id` for a call, `destinations[0].settings.pixel_id` for a
document), so the gRPC calls and `ApplyConfig` refuse exactly the same things.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence

from services.common import macros
from services.common.canonical_fields import custom_field_of, target_problem
from services.common.catalog import BUILT_IN_EVENTS, STANDARD_EVENTS
from services.common.destination_specs import spec_for
from services.common.errors import Problem
from services.common.ssrf import Network, TargetRefused, check_url
from services.registry.state import OrgState
from switchyard.v1 import config_pb2

NAME = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
NAME_RULE = "must match ^[a-z][a-z0-9_]{0,63}$"
COUNTRY = re.compile(r"^[A-Z]{2}$")
HEADER_NAME = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$")
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
MAX_DISPLAY_NAME = 200
MAX_DESCRIPTION = 2000
MAX_TEMPLATE = 8000
DEFAULT_DEDUP_WINDOW = 172_800
MAX_DEDUP_WINDOW = 90 * 86_400
URL_SETTINGS = frozenset({"endpoint", "url", "token_uri"})  # outbound targets: SSRF-checked
METHODS = ("GET", "POST")
HARMLESS = "x"  # stands in for every macro when a templated URL is checked as a target


def display_name(name: str, path: str) -> list[Problem]:
    """Names people read: non-empty, at most 200 characters, no control characters."""
    if not name.strip():
        return [Problem(path, "must not be empty")]
    if len(name) > MAX_DISPLAY_NAME:
        return [Problem(path, f"must be at most {MAX_DISPLAY_NAME} characters")]
    if CONTROL.search(name) or name != name.strip():
        return [Problem(path, "must not hold control characters or surrounding spaces")]
    return []


def identifier(name: str, path: str) -> list[Problem]:
    """Custom event and field names."""
    return [] if NAME.fullmatch(name) else [Problem(path, NAME_RULE)]


def description(text: str, path: str) -> list[Problem]:
    if len(text) > MAX_DESCRIPTION:
        return [Problem(path, f"must be at most {MAX_DESCRIPTION} characters")]
    return []


def country(code: str, path: str) -> list[Problem]:
    """Empty, or an ISO 3166-1 alpha-2 code in capitals."""
    if code and not COUNTRY.fullmatch(code):
        return [Problem(path, "must be an ISO 3166-1 alpha-2 code such as US")]
    return []


def amount(value: float | None, path: str) -> list[Problem]:
    if value is not None and (not math.isfinite(value) or value < 0):
        return [Problem(path, "must be a finite number >= 0")]
    return []


def campaign_ref(state: OrgState, campaign_id: str, path: str) -> list[Problem]:
    """An optional campaign id that, when given, names one of the organization's campaigns."""
    if campaign_id and state.campaign(campaign_id) is None:
        return [Problem(path, f"no campaign {campaign_id!r} in this organization")]
    return []


def organization(org: config_pb2.Organization, path: str) -> list[Problem]:
    problems = display_name(org.name, f"{path}.name")
    problems += country(org.default_country, f"{path}.default_country")
    if not 60 <= org.dedup_window_seconds <= MAX_DEDUP_WINDOW:
        problems.append(
            Problem(f"{path}.dedup_window_seconds", f"must be between 60 and {MAX_DEDUP_WINDOW}")
        )
    return problems


def campaign(item: config_pb2.Campaign, path: str) -> list[Problem]:
    return display_name(item.name, f"{path}.name") + country(
        item.default_country, f"{path}.default_country"
    )


def event_definition(
    item: config_pb2.EventDefinition, state: OrgState, path: str, built_in: bool
) -> list[Problem]:
    """A custom definition (or the flags of a built-in one, whose name was checked by caller)."""
    problems = [] if built_in else identifier(item.name, f"{path}.name")
    problems += campaign_ref(state, item.campaign_id, f"{path}.campaign_id")
    problems += description(item.description, f"{path}.description")
    problems += amount(item.payout if item.HasField("payout") else None, f"{path}.payout")
    problems += amount(item.revenue if item.HasField("revenue") else None, f"{path}.revenue")
    if not built_in and item.name in BUILT_IN_EVENTS:
        problems.append(Problem(f"{path}.name", f"{item.name} is a built-in event"))
    return problems


def custom_field(item: config_pb2.CustomField, state: OrgState, path: str) -> list[Problem]:
    problems = identifier(item.name, f"{path}.name")
    problems += description(item.description, f"{path}.description")
    if item.type == config_pb2.FIELD_TYPE_UNSPECIFIED:
        problems.append(Problem(f"{path}.type", "must be text, number, date or boolean"))
    if not item.campaign_id:
        problems.append(Problem(f"{path}.campaign_id", "must name a campaign"))
    elif state.campaign(item.campaign_id) is None:
        problems += campaign_ref(state, item.campaign_id, f"{path}.campaign_id")
    elif item.event_name not in state.effective_event_names(item.campaign_id):
        problems.append(
            Problem(f"{path}.event_name", f"{item.event_name!r} is not an event of this campaign")
        )
    return problems


def event_list(item: config_pb2.EventList, state: OrgState, path: str) -> list[Problem]:
    problems = display_name(item.name, f"{path}.name")
    problems += description(item.description, f"{path}.description")
    problems += list_events(item.event_names, state, f"{path}.event_names")
    return problems


def list_events(names: Sequence[str], state: OrgState, path: str) -> list[Problem]:
    """Lists hold organization-level events (campaign-level ones belong to their campaign)."""
    known = set(state.org_event_names())
    problems = [
        Problem(f"{path}[{i}]", f"{name!r} is not an organization-level event")
        for i, name in enumerate(names)
        if name not in known
    ]
    if len(set(names)) != len(names):
        problems.append(Problem(path, "names an event twice"))
    return problems


def integration(
    item: config_pb2.Integration, state: OrgState, path: str, has_secret: bool
) -> list[Problem]:
    problems = display_name(item.name, f"{path}.name")
    if item.kind not in (
        config_pb2.INTEGRATION_KIND_POSTBACK,
        config_pb2.INTEGRATION_KIND_GENERIC_WEBHOOK,
        config_pb2.INTEGRATION_KIND_SHOPIFY,
    ):
        problems.append(Problem(f"{path}.kind", "must be postback, generic_webhook or shopify"))
    if item.kind == config_pb2.INTEGRATION_KIND_SHOPIFY and not has_secret:
        problems.append(Problem("signing_secret", "shopify integrations need a signing secret"))
    problems += campaign_ref(state, item.campaign_id, f"{path}.campaign_id")
    if len(item.event_name_path) > 200:
        problems.append(Problem(f"{path}.event_name_path", "must be at most 200 characters"))
    for i, rule in enumerate(item.event_rules):
        where = f"{path}.event_rules[{i}]"
        if not rule.source.strip():
            problems.append(Problem(f"{where}.source", "must not be empty"))
        if state.event_named(rule.event_name, item.campaign_id) is None:
            problems.append(Problem(f"{where}.event_name", f"no event {rule.event_name!r}"))
    sources = [rule.source.lower() for rule in item.event_rules]
    if len(set(sources)) != len(sources):
        problems.append(Problem(f"{path}.event_rules", "maps a source event twice"))
    for i, field_rule in enumerate(item.field_rules):
        problems += _field_rule(field_rule, state, item.campaign_id, f"{path}.field_rules[{i}]")
    return problems


def _field_rule(
    rule: config_pb2.FieldRule, state: OrgState, campaign_id: str, path: str
) -> list[Problem]:
    problems = []
    reason = target_problem(rule.target)
    if reason:
        problems.append(Problem(f"{path}.target", reason))
    custom = custom_field_of(rule.target)
    if reason is None and custom is not None:
        known = {f.name for f in state.snapshot.custom_fields}
        if campaign_id:
            known = {f.name for f in state.snapshot.custom_fields if f.campaign_id == campaign_id}
        if custom not in known:
            problems.append(Problem(f"{path}.target", f"no custom field {custom!r}"))
    if not rule.source_path.strip():
        problems.append(Problem(f"{path}.source_path", "must not be empty"))
    return problems


def url_template(
    template: str, fields: Iterable[str], allow: Sequence[Network], path: str
) -> list[Problem]:
    """A URL with macros: known macros only, and a public http(s) target once they are filled."""
    if len(template) > MAX_TEMPLATE:
        return [Problem(path, f"must be at most {MAX_TEMPLATE} characters")]
    unknown = macros.unknown_macros(template, fields)
    if unknown:
        return [Problem(path, f"unknown macros: {', '.join(sorted(set(unknown)))}")]
    filled = macros.render(template, {}, lambda _value: HARMLESS)
    if macros.find_macros(_scheme_and_host(template)):
        # the target must be known now: a macro in the host could name any address later
        return [Problem(path, "macros may not appear in the scheme or host")]
    try:
        check_url(filled, allow)
    except TargetRefused as err:
        return [Problem(path, err.reason)]
    return []


def _scheme_and_host(template: str) -> str:
    """The part of a URL template before its path, query or fragment."""
    scheme, sep, rest = template.partition("://")
    if not sep:
        return template
    return scheme + sep + re.split(r"[/?#]", rest, maxsplit=1)[0]


def text_template(template: str, fields: Iterable[str], path: str) -> list[Problem]:
    """A body or header template: known macros only."""
    if len(template) > MAX_TEMPLATE:
        return [Problem(path, f"must be at most {MAX_TEMPLATE} characters")]
    unknown = macros.unknown_macros(template, fields)
    if unknown:
        return [Problem(path, f"unknown macros: {', '.join(sorted(set(unknown)))}")]
    return []


def destination(
    item: config_pb2.Destination, state: OrgState, allow: Sequence[Network], path: str
) -> list[Problem]:
    """Name, type, settings per the type's spec and campaign scope (credentials separately)."""
    problems = display_name(item.name, f"{path}.name")
    spec = spec_for(item.type)
    if spec is None:
        return [*problems, Problem(f"{path}.type", "must be a known destination type")]
    settings = dict(item.settings)
    for name in sorted(spec.required_settings):
        if not settings.get(name, "").strip():
            problems.append(Problem(f"{path}.settings.{name}", f"is required for {spec.name}"))
    for name in sorted(set(settings) - spec.allowed_settings):
        allowed = ", ".join(sorted(spec.allowed_settings))
        problems.append(Problem(f"{path}.settings.{name}", f"unknown setting (allowed: {allowed})"))
    for name in sorted(spec.digit_settings & set(settings)):
        if settings[name] and not settings[name].isdigit():
            problems.append(Problem(f"{path}.settings.{name}", "must be digits only"))
    for name in sorted(URL_SETTINGS & set(settings)):
        if settings[name]:
            problems += url_template(settings[name], (), allow, f"{path}.settings.{name}")
    if "method" in settings and settings["method"] not in METHODS:
        problems.append(Problem(f"{path}.settings.method", "must be GET or POST"))
    if settings.get("body_template"):
        problems += text_template(settings["body_template"], (), f"{path}.settings.body_template")
    for i, campaign_id in enumerate(item.campaign_ids):
        problems += campaign_ref(state, campaign_id, f"{path}.campaign_ids[{i}]")
    return problems


def credentials(
    destination_type: int, values: Mapping[str, str], creating: bool, path: str
) -> list[Problem]:
    """Credential names against the type's spec; required ones must all be given."""
    spec = spec_for(destination_type)
    if spec is None:
        return []
    allowed = ", ".join(sorted(spec.allowed_credentials)) or "none"
    problems = [
        Problem(
            f"{path}.{name}",
            f"unknown credential (allowed: {allowed})",
        )
        for name in sorted(set(values) - spec.allowed_credentials)
    ]
    problems += [
        Problem(f"{path}.{name}", "must not be empty")
        for name in sorted(values)
        if not values[name]
    ]
    if creating or values:
        problems += [
            Problem(f"{path}.{name}", f"is required for {spec.name}")
            for name in sorted(spec.required_credentials - set(values))
        ]
    return problems


AUTO_PARAMS_RULE = "must be empty for auto; use standard with a target to keep params"


def event_mapping(item: config_pb2.EventMapping, state: OrgState, path: str) -> list[Problem]:
    problems = []
    if not state.event_exists_anywhere(item.event_name):
        problems.append(Problem(f"{path}.event_name", f"no event {item.event_name!r}"))
    action = item.action
    if action == config_pb2.MAPPING_ACTION_UNSPECIFIED:
        problems.append(Problem(f"{path}.action", "must be auto, disabled, standard or custom"))
    elif action == config_pb2.MAPPING_ACTION_STANDARD and item.target not in STANDARD_EVENTS:
        problems.append(Problem(f"{path}.target", "must be a standard event name"))
    elif action == config_pb2.MAPPING_ACTION_CUSTOM and (
        not item.target.strip() or len(item.target) > 100 or CONTROL.search(item.target)
    ):
        problems.append(
            Problem(f"{path}.target", "must be a platform event name of 1-100 printable characters")
        )
    elif action in (config_pb2.MAPPING_ACTION_DISABLED, config_pb2.MAPPING_ACTION_AUTO):
        if item.target:
            problems.append(Problem(f"{path}.target", "must be empty for this action"))
    if action == config_pb2.MAPPING_ACTION_AUTO and item.params:
        # AUTO removes the override, so its params would vanish without a word.
        problems.append(Problem(f"{path}.params", AUTO_PARAMS_RULE))
    for key in item.params:
        if not key.strip() or CONTROL.search(key):
            problems.append(Problem(f"{path}.params", "names must be printable and non-empty"))
    return problems


def postback(
    item: config_pb2.Postback, state: OrgState, allow: Sequence[Network], path: str
) -> list[Problem]:
    problems = display_name(item.name, f"{path}.name")
    problems += campaign_ref(state, item.campaign_id, f"{path}.campaign_id")
    if state.event_named(item.event_name, item.campaign_id) is None and not (
        not item.campaign_id and state.event_exists_anywhere(item.event_name)
    ):
        problems.append(Problem(f"{path}.event_name", f"no event {item.event_name!r}"))
    fields = state.field_names(item.event_name, item.campaign_id)
    problems += url_template(item.url_template, fields, allow, f"{path}.url_template")
    if item.method not in METHODS:
        problems.append(Problem(f"{path}.method", "must be GET or POST"))
    if item.body_template and item.method != "POST":
        problems.append(Problem(f"{path}.body_template", "only a POST postback has a body"))
    problems += text_template(item.body_template, fields, f"{path}.body_template")
    if CONTROL.search(item.content_type):
        problems.append(Problem(f"{path}.content_type", "must not hold control characters"))
    for i, header in enumerate(item.headers):
        if not HEADER_NAME.fullmatch(header.name):
            problems.append(Problem(f"{path}.headers[{i}].name", "must be an HTTP header token"))
        if CONTROL.search(header.value):
            problems.append(
                Problem(f"{path}.headers[{i}].value", "must not hold control characters")
            )
        problems += text_template(header.value, fields, f"{path}.headers[{i}].value")
    return problems
