"""`switchyard logs / show / replay / send-test / trigger` against the real services."""

from __future__ import annotations

import json
import secrets
from typing import Any

from services.demo import scenario
from tests.helpers import wait_for
from tests.integration.cli.conftest import CliRun, Running


async def _lead(running: Running) -> dict[str, Any]:
    """A fresh lead (its own e-mail, so attribution never joins an earlier test's lead)."""
    email = f"cli-{secrets.token_hex(4)}@example.com"
    result = await running.postback(event="lead", email=email, first_name="Dana")
    assert result["outcome"] == "accepted"
    return result


async def _settled(cli: CliRun, key: str, event_id: str) -> list[dict[str, Any]]:
    """The event's deliveries as JSON, once none is pending or retrying."""
    settled = ("DELIVERY_STATUS_DELIVERED", "DELIVERY_STATUS_FAILED", "DELIVERY_STATUS_SKIPPED")

    async def done() -> list[dict[str, Any]] | None:
        code, out, _ = await cli(
            "logs", "--deliveries", "--event-id", event_id, "--json", "--key", key
        )
        rows = [json.loads(line) for line in out.splitlines()]
        return rows if code == 0 and rows and all(r["status"] in settled for r in rows) else None

    return await wait_for(done, timeout=30, interval=0.3)


async def test_logs_show_events_and_deliveries_as_tables_and_json(
    cli: CliRun, running: Running
) -> None:
    lead = await _lead(running)
    deliveries = await _settled(cli, running.key, lead["event_id"])
    by_name = {row["destinationName"]: row for row in deliveries}
    assert by_name[scenario.META]["status"] == "DELIVERY_STATUS_DELIVERED"
    assert by_name[scenario.RETIRED]["status"] == "DELIVERY_STATUS_FAILED"
    assert by_name[scenario.RETIRED]["lastStatusCode"] == 400

    code, out, _ = await cli("logs", "--event", "Lead", "--since", "10m", "--key", running.key)
    assert code == 0
    header, *rows = out.splitlines()
    assert header.split()[:4] == ["RECEIVED", "(UTC)", "EVENT", "ID"]
    [row] = [r for r in rows if lead["event_id"] in r]
    assert "Lead" in row and lead["lead_id"] in row and "1 failed" in row

    code, out, _ = await cli(
        "logs",
        "--deliveries",
        "--status",
        "failed",
        "--lead",
        lead["lead_id"],
        "--key",
        running.key,
    )
    assert code == 0
    [failed] = out.splitlines()[1:]
    assert scenario.RETIRED in failed and "failed" in failed and "400" in failed

    code, out, _ = await cli("logs", "--event-id", lead["event_id"], "--json", "--key", running.key)
    [event] = [json.loads(line) for line in out.splitlines()]
    assert event["eventId"] == lead["event_id"] and event["eventName"] == "Lead"


async def test_show_tells_the_whole_journey(cli: CliRun, running: Running) -> None:
    lead = await _lead(running)
    await _settled(cli, running.key, lead["event_id"])
    code, out, _ = await cli("show", lead["event_id"], "--key", running.key)
    assert code == 0
    assert out.startswith(f"event {lead['event_id']}: Lead")
    assert "via postback: GET /v1/postback/{token}" in out
    assert "canonical event:" in out and '"eventName": "Lead"' in out
    assert f"{scenario.META} [meta] as Lead: delivered" in out
    assert f"{scenario.RETIRED} [meta] as Lead: failed" in out
    assert "HTTP 400" in out and scenario.REFUSAL in out
    # `logs --event-id` without --json is the same journey
    code, again, _ = await cli("logs", "--event-id", lead["event_id"], "--key", running.key)
    assert code == 0 and again.splitlines()[0] == out.splitlines()[0]


async def test_replay_counts_then_sends_again(cli: CliRun, running: Running) -> None:
    lead = await _lead(running)
    event_id = lead["event_id"]
    await _settled(cli, running.key, event_id)
    assert running.platforms.accepted_ids("tiktok")[event_id] == 1
    narrow = ("--event-id", event_id, "--status", "delivered", "--key", running.key)
    code, out, _ = await cli("replay", "--dry-run", *narrow)
    assert (code, out.strip()) == (0, "3 deliveries would be sent again (dry run: nothing changed)")
    assert running.platforms.accepted_ids("tiktok")[event_id] == 1
    code, out, _ = await cli("replay", *narrow)
    assert (code, out.strip()) == (0, "3 deliveries queued again")
    await wait_for(lambda: running.platforms.accepted_ids("tiktok")[event_id] == 2, timeout=20)
    assert running.platforms.accepted_ids("meta")[event_id] == 2
    assert running.platforms.accepted_ids("google_ads")[event_id] == 2


async def test_send_test_prints_the_answer_and_the_verdict(cli: CliRun, running: Running) -> None:
    code, out, _ = await cli("send-test", "--destination", scenario.TIKTOK, "--key", running.key)
    assert code == 0, out
    assert "HTTP 200" in out and '"code": 0' in out
    assert out.rstrip().endswith(f"verdict: accepted by {scenario.TIKTOK} (delivered)")

    code, out, _ = await cli("send-test", "--destination", scenario.RETIRED, "--key", running.key)
    assert code == 1
    assert "HTTP 400" in out and scenario.REFUSAL in out
    assert out.rstrip().splitlines()[-1].startswith("verdict: failed")

    code, out, err = await cli("send-test", "--destination", "Nope", "--key", running.key)
    assert code == 1 and out == ""
    assert err.startswith("error: no destination is named or numbered 'Nope' (known: ")


async def test_send_test_takes_an_event_file(cli: CliRun, running: Running, tmp_path: Any) -> None:
    event = {"eventName": "Lead", "eventTime": "2024-01-01T00:00:00Z"}
    path = tmp_path / "event.json"
    path.write_text(json.dumps({**event, "identity": {"email": "a" * 64}, "clickId": "x"}))
    before = len(running.platforms.received)
    code, out, _ = await cli(
        "send-test", "--postback", scenario.PARTNER, "--event-file", str(path), "--key", running.key
    )
    # an event from 2024 is past every platform's window: the test send says so, sends nothing
    assert code == 1 and "verdict: not sent — event is older than" in out
    assert len(running.platforms.received) == before
    path.write_text("{not json")
    code, _, err = await cli("send-test", "--postback", scenario.PARTNER, "--event-file", str(path))
    assert code == 1 and err.startswith("error: ")


async def test_trigger_fires_once_per_lead(cli: CliRun, running: Running) -> None:
    lead = (await _lead(running))["lead_id"]
    args = (
        "trigger",
        "--lead",
        lead,
        "--event",
        "sale",
        "--value",
        "10",
        "--currency",
        "usd",
        "--campaign",
        running.campaign_id,
        "--field",
        "plan=pro",
        "--key",
        running.key,
    )
    code, out, _ = await cli(*args)
    assert code == 0
    assert out.startswith(f"sale accepted for lead {lead}: event ")
    assert "5 deliveries queued" in out
    code, out, _ = await cli(*args)
    assert code == 0 and out.startswith(f"sale not fired again for lead {lead}: duplicate")

    code, _, err = await cli(*args[:-4], "--field", "plan", "--key", running.key)
    assert code == 1 and err == "error: --field 'plan' must be name=value\n"
    code, _, err = await cli("trigger", "--lead", "nope", "--event", "sale", "--key", running.key)
    assert code == 1 and err.startswith("error: ingest service answered not found")


async def test_bad_input_is_one_clear_line(cli: CliRun, running: Running) -> None:
    cases = [
        (("logs", "--status", "dead,bogus", "--key", running.key), "unknown status bogus"),
        (("logs", "--since", "yesterday", "--key", running.key), "--since 'yesterday' must be"),
        (("logs", "--since", "1h", "--until", "2h", "--key", running.key), "--until must be after"),
        (("logs",), "an admin API key is needed: pass --key or set SWITCHYARD_API_KEY"),
        (("logs", "--key", "sy_wrong"), "dispatcher answered unauthenticated"),
        (("replay", "--key", running.key), "say what to replay"),
        (("show", "no-such-event", "--key", running.key), "dispatcher answered not found"),
    ]
    for argv, message in cases:
        code, out, err = await cli(*argv)
        assert code == 1, argv
        assert err.startswith("error: ") and message in err, (argv, err)
        assert err.count("\n") == 1 and "Traceback" not in err and out == ""


async def test_an_unreachable_stack_is_named(cli: CliRun, monkeypatch: Any) -> None:
    monkeypatch.setenv("SWITCHYARD_DISPATCHER_ADDRESS", "127.0.0.1:1")
    code, _, err = await cli("logs", "--key", "sy_any")
    assert code == 1
    assert err == (
        "error: cannot reach the dispatcher at 127.0.0.1:1 (is `switchyard up` running?)\n"
    )
