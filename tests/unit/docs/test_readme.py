"""The README is the front door: it must stay true to what the code reads and runs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.deploy.render import load_settings

REPO = Path(__file__).resolve().parents[3]
README = (REPO / "README.md").read_text()
SERVICES = ("registry", "mapper", "dispatcher", "ingest")


@pytest.mark.parametrize("service", SERVICES)
def test_every_variable_a_service_reads_is_documented(service: str) -> None:
    _, read = load_settings(service, {})
    missing = sorted(name for name in read if f"`{name}`" not in README)
    assert missing == [], f"README's configuration table lacks {missing}"


def test_every_documented_variable_is_read_somewhere() -> None:
    read: set[str] = set()
    for service in SERVICES:
        read |= load_settings(service, {})[1]
    code = "\n".join(p.read_text() for p in (REPO / "services").rglob("*.py"))
    documented = set(re.findall(r"`(SWITCHYARD_[A-Z0-9_]+)`", README))
    stale = sorted(name for name in documented if name not in read and name not in code)
    assert stale == [], f"README documents variables nothing reads: {stale}"


def test_the_two_setup_commands_are_there() -> None:
    assert "make run" in README and "make test" in README
    makefile = (REPO / "Makefile").read_text()
    assert re.search(r"^run:", makefile, re.M) and re.search(r"^test:", makefile, re.M)
    assert "make test" in (REPO / ".ci" / "run").read_text()


def test_files_the_readme_points_to_exist() -> None:
    pattern = r"(?<![\w/])((?:examples|deploy|bench|services|protos)/[\w/-]+(?:\.\w+)?)"
    for path in re.findall(pattern, README):
        assert (REPO / path).exists(), f"README points to {path}, which does not exist"


def test_the_event_mapping_table_is_what_the_adapters_do() -> None:
    from services.common.catalog import STANDARD_EVENTS
    from services.mapper.platforms.table import PLATFORMS

    platforms = [p for p in PLATFORMS.values() if p.name not in ("postback", "webhook")]
    header = "| canonical | " + " | ".join(p.label for p in platforms) + " |"
    assert header in README
    for event in STANDARD_EVENTS:
        cells = [
            f"`{p.event_names[event]}`" if p.event_names.get(event) else
            f"custom `{p.custom_name(event)}`"
            for p in platforms
        ]
        row = f"| {event} | " + " | ".join(cells) + " |"
        assert row in README, f"README's event table is stale for {event}: {row}"
