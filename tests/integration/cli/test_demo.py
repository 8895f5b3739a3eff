"""`switchyard demo` as a newcomer runs it: a subprocess, embedded PostgreSQL and Redis."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from services.demo import scenario


@pytest.fixture
def data_dir() -> Iterator[Path]:
    """A fresh data folder that embedded PostgreSQL can use even when tests run as root (it
    then runs as its own user, which must be able to reach the folder: pytest's are private)."""
    path = Path(tempfile.mkdtemp(prefix="switchyard-demo-"))
    path.chmod(0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.mark.timeout(120)
async def test_the_demo_runs_on_embedded_servers_and_checks_itself(data_dir: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SWITCHYARD_")}
    env["SWITCHYARD_DATA_DIR"] = str(data_dir)
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "services.cli", "demo",
        env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    output, _ = await asyncio.wait_for(process.communicate(), timeout=110)
    text = output.decode()
    assert process.returncode == 0, text
    assert "starting embedded PostgreSQL" in text and "starting embedded Redis" in text
    assert "a malformed sale postback: HTTP 400 refused" in text
    assert "custom_fields.plan: is required for this event" in text
    assert "the same sale again (same event id): HTTP 200 duplicate" in text
    assert "a second sale for Ada (sale is not multi-trigger): HTTP 200 duplicate" in text
    assert "manual trigger of sale for Chloe (gRPC TriggerEvent): HTTP 200 accepted" in text
    report = text.split("What each destination got:")[1]
    # One scripted failure can hit a batch of several deliveries, so the count may exceed one.
    retried = r"\((\d+) retried then delivered: (\d+) after HTTP {code}\)"
    google = rf"{scenario.GOOGLE_ADS:<22} 7 delivered {retried.format(code=429)}"
    tiktok = rf"{scenario.TIKTOK:<22} 4 delivered {retried.format(code=500)}, "
    for pattern in (google, tiktok):
        found = re.search(pattern, report)
        assert found and int(found.group(1)) >= 1, report
    assert "skipped 3: custom event sale is not mapped for TikTok" in report
    assert f"{scenario.RETIRED:<22} 0 delivered, 4 failed, 3 skipped" in report
    assert "failed 4, platform answered: HTTP 400 " in report and scenario.REFUSAL in report
    assert f"{scenario.PARTNER:<22} 3 delivered;" in report
    assert "Everything went as expected" in text
    for name in ("registry", "mapper", "dispatcher", "ingest"):
        assert f"{name} stopped" in text
    # everything it started is gone, and so is its folder
    assert not any(data_dir.iterdir())  # noqa: ASYNC240 - a listing of an empty folder
