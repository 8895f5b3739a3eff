"""The README's example document goes through `switchyard init`, `apply` and `export`."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.integration.cli.conftest import CliRun

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "acme.yaml"
TOKENS = ("META_ACCESS_TOKEN", "GOOGLE_ADS_DEVELOPER_TOKEN", "GOOGLE_ADS_ACCESS_TOKEN",
          "TIKTOK_ACCESS_TOKEN")  # fmt: skip


async def test_the_example_applies_once_and_exports_back(
    cli: CliRun, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SWITCHYARD_INTERNAL_TOKEN", "cli-tests-internal-token")
    code, out, _ = await cli("init", "--org", "Acme", "--country", "us")
    assert code == 0
    key = out.rsplit(": ", 1)[1].strip()

    code, _, err = await cli("apply", "-f", str(EXAMPLE), "--key", key)
    assert code == 1 and err.startswith("error: unset environment variables: GOOGLE_ADS_")
    for name in TOKENS:
        monkeypatch.setenv(name, f"{name.lower()}-value")
    code, out, err = await cli("apply", "-f", str(EXAMPLE), "--key", key)
    assert code == 0, err
    assert "destination Meta" in out and "postback Partner postback" in out
    code, out, _ = await cli("apply", "-f", str(EXAMPLE), "--key", key)
    assert (code, out) == (0, "no changes\n")

    code, out, _ = await cli("export", "--key", key)
    exported = yaml.safe_load(out)
    wanted = yaml.safe_load(EXAMPLE.read_text())
    assert sorted(d["name"] for d in exported["destinations"]) == sorted(
        d["name"] for d in wanted["destinations"]
    )
    [plan] = exported["custom_fields"]
    assert plan.items() >= wanted["custom_fields"][0].items()
    assert "_value" not in out  # credentials never come back
