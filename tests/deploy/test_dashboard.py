"""The Grafana dashboard queries only metrics, and labels, that the services declare."""

from __future__ import annotations

import json
import re
from typing import Any

from tests.deploy.render import REPO, services_literals

DASHBOARD = REPO / "deploy" / "grafana" / "switchyard.json"
SUFFIXES = ("_bucket", "_count", "_sum", "_total")  # series the client library derives
DECLARATION_WINDOW = 400  # characters after the name where its label names are listed


def _expressions(panels: list[dict[str, Any]]) -> list[str]:
    found = []
    for panel in panels:
        found += [target["expr"] for target in panel.get("targets", [])]
        found += _expressions(panel.get("panels", []))
    return found


def _declaration(name: str, code: str) -> str | None:
    """The source right after the metric's name literal, or None when no code declares it."""
    candidates = [name] + [name[: -len(s)] for s in SUFFIXES if name.endswith(s)]
    for candidate in candidates:
        position = code.find(f'"{candidate}"')
        if position >= 0:
            return code[position : position + DECLARATION_WINDOW]
    return None


def test_dashboard_queries_only_declared_metrics_and_labels() -> None:
    dashboard = json.loads(DASHBOARD.read_text())
    expressions = _expressions(dashboard["panels"])
    assert expressions, "the dashboard has no queries"
    code = services_literals()
    for expression in expressions:
        names = re.findall(r"\bswitchyard_[a-z0-9_]+", expression)
        assert names, f"{expression} queries no switchyard_* metric"
        grouped = set()
        for labels in re.findall(r"\bby \(([^)]*)\)", expression):
            grouped |= {label.strip() for label in labels.split(",")} - {"le"}
        grouped |= set(re.findall(r"\{([a-z_]+)!?=", expression))
        for name in names:
            declaration = _declaration(name, code)
            assert declaration is not None, f"no metric {name} is declared in services/"
            for label in grouped:
                assert f'"{label}"' in declaration, f"{name} has no label {label}"


def test_dashboard_panels_have_unique_ids_and_a_datasource_variable() -> None:
    dashboard = json.loads(DASHBOARD.read_text())
    ids = [panel["id"] for panel in dashboard["panels"]]
    assert len(ids) == len(set(ids))
    variables = {v["name"]: v for v in dashboard["templating"]["list"]}
    assert variables["datasource"]["query"] == "prometheus"
    for panel in dashboard["panels"]:
        if panel["type"] != "row":
            assert panel["datasource"]["uid"] == "${datasource}", panel["title"]
