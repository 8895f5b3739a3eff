"""The pure input rules: names, URL templates, destinations and documents."""

from __future__ import annotations

import re

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.common.canonical_fields import CANONICAL_FIELDS, target_problem
from services.common.errors import InvalidArgument
from services.common.macros import KNOWN_MACROS
from services.registry import document, export, rules
from services.registry.cli import CliError, substitute
from services.registry.state import OrgState
from switchyard.v1 import common_pb2, config_pb2

NAME = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
MACRO_NAMES = sorted(KNOWN_MACROS)


@given(st.text(max_size=80))
def test_identifier_accepts_exactly_the_name_pattern(name):
    assert (rules.identifier(name, "name") == []) == bool(NAME.fullmatch(name))
    # fullmatch, not match: "$" in Python also matches before a trailing newline
    assert rules.identifier("sale\n", "name") != []


@given(
    st.lists(st.sampled_from(MACRO_NAMES), max_size=5),
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-_.~=&", max_size=30),
)
def test_known_macros_on_a_fixed_public_host_are_accepted(names, literal):
    query = "&".join(f"{name}={{{name}}}" for name in names)
    template = f"https://partner.example/pb/{literal}?{query}"
    assert rules.url_template(template, (), (), "url") == []


@given(st.from_regex(r"[a-z][a-z0-9_]{0,20}", fullmatch=True))
def test_unknown_macros_are_refused_by_name(name):
    template = f"https://partner.example/pb?x={{{name}}}"
    found = rules.url_template(template, (), (), "url")
    if name in KNOWN_MACROS:
        assert found == []
    else:
        assert [p.rule for p in found] == [f"unknown macros: {name}"]
        assert rules.url_template(template, (name,), (), "url") == []  # a custom field


@given(st.sampled_from(MACRO_NAMES), st.sampled_from(["{m}.example.com", "10.0.0.{m}", "{m}"]))
def test_a_macro_can_never_choose_the_host(name, host):
    template = f"https://{host.format(m='{' + name + '}')}/pb"
    assert rules.url_template(template, (), (), "url") != []


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://0x7f.1/",
        "http://[::ffff:127.0.0.1]/",
        "http://169.254.169.254/",
        "http://metadata.google.internal/",
        "gopher://partner.example/",
        "https://partner.example\\@127.0.0.1/",
    ],
)
def test_internal_targets_are_refused(url):
    assert rules.url_template(url, (), (), "url") != []


def _state() -> OrgState:
    snapshot = config_pb2.Snapshot(
        campaigns=[config_pb2.Campaign(id="c1", name="main")],
        event_definitions=[
            config_pb2.EventDefinition(id="e1", name="Lead", kind=common_pb2.EVENT_KIND_STANDARD),
            config_pb2.EventDefinition(id="e2", name="sale", kind=common_pb2.EVENT_KIND_CUSTOM),
            config_pb2.EventDefinition(
                id="e3", name="booked", kind=common_pb2.EVENT_KIND_CUSTOM, campaign_id="c1"
            ),
        ],
        event_lists=[config_pb2.EventList(id="l1", name="funnel", event_names=["sale"])],
    )
    return OrgState(snapshot)


def test_effective_events_come_from_lists_when_a_campaign_has_any():
    state = _state()
    assert state.effective_event_names("c1") == ["Lead", "sale", "booked"]
    state.snapshot.campaigns[0].event_list_ids.append("l1")
    assert state.effective_event_names("c1") == ["sale", "booked"]
    assert state.effective_event_names("other") == []


def test_campaign_level_names_resolve_first():
    state = _state()
    assert state.event_named("booked", "c1").id == "e3"
    assert state.event_named("booked") is None
    assert state.event_named("sale", "c1").id == "e2"


def test_credentials_are_checked_against_the_spec():
    meta = common_pb2.DESTINATION_TYPE_META
    assert rules.credentials(meta, {"access_token": "t"}, True, "c") == []
    assert {p.field for p in rules.credentials(meta, {}, True, "c")} == {"c.access_token"}
    assert rules.credentials(meta, {}, False, "c") == []  # removing all is allowed later
    assert {p.field for p in rules.credentials(meta, {"x": "1"}, False, "c")} == {
        "c.x",
        "c.access_token",
    }


@pytest.mark.parametrize(
    ("target", "ok"),
    [
        *[(name, True) for name in sorted(CANONICAL_FIELDS)],
        ("params.aff_id", True),
        ("params.", False),
        ("custom.plan", True),
        ("custom.Plan", False),
        ("emial", False),
        ("", False),
    ],
)
def test_field_rule_targets(target, ok):
    assert (target_problem(target) is None) == ok


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=10),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from([*document.SECTIONS, "name", "type", "events", "settings", "x"])
            | st.text(max_size=6),
            children,
            max_size=5,
        )
    ),
    max_leaves=30,
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(json_values)
def test_any_document_either_parses_or_names_its_problems(value):
    text = yaml.safe_dump(value)
    try:
        document.parse(text)
    except InvalidArgument as err:
        assert err.problems and all(p.field and p.rule for p in err.problems)


def test_a_rendered_empty_organization_parses_back():
    state = OrgState(
        config_pb2.Snapshot(organization=config_pb2.Organization(name="Acme"), version=3)
    )
    parsed = document.parse(export.render(state))
    assert parsed.organization is not None and parsed.organization.name == "Acme"


def test_substitute_fills_variables_once_and_names_unset_ones():
    text = "a: ${ONE}\nb: ${TWO}\nc: ${ONE}"
    assert substitute(text, {"ONE": "1${TWO}", "TWO": "2"}) == "a: 1${TWO}\nb: 2\nc: 1${TWO}"
    with pytest.raises(CliError, match="unset environment variables: THREE, TWO"):
        substitute("${TWO} ${THREE}", {})
    assert substitute("cost: $5 and ${ not a var }", {}) == "cost: $5 and ${ not a var }"


def test_yaml_errors_point_at_the_place_without_quoting_the_text():
    with pytest.raises(InvalidArgument) as info:
        document.parse("destinations:\n  - credentials: {access_token: EAAB-secret\n")
    rule = info.value.problems[0].rule
    assert "EAAB-secret" not in rule
    assert rule.startswith("is not valid YAML (line ")
