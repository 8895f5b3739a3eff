"""The whole stack under load: four service processes, a receiving server, a load generator.

    .venv/bin/python -m bench.stack_bench             # 250/s, 500/s, max, batched -> RESULTS.md
    .venv/bin/python -m bench.stack_bench --smoke     # a few seconds of each; writes nothing
    .venv/bin/python -m bench.stack_bench --profile /tmp/prof   # + py-spy on every service

Registry, mapper, dispatcher and ingest run as their own processes (services/cli/stack.py) on a
fresh database of the machine's Postgres (created and dropped here; embedded servers when none is
reachable) and a Redis database. A second process runs the platform stand-in
(services/demo/platform_server.py) answering 200; a third drives the HTTP gateway. Every event
fans out to three destinations (Meta, TikTok, a postback URL) pointed at the stand-in.

Per phase it reports events acknowledged per second, client-side ack latency p50/p99 (open-loop
phases count from the scheduled send time, so a slow server cannot hide its queue), event-to-
delivery latency p50/p99 (arrival at the stand-in minus the send time of the event id), whether
every acknowledged event reached all three destinations, and the CPU seconds each process used.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import multiprocessing
import os
import platform
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

RESULTS = Path(__file__).with_name("RESULTS.md")
BEGIN = "<!-- stack_bench:begin -->"
END = "<!-- stack_bench:end -->"
PLATFORMS = ("meta", "tiktok", "postback")
INTERNAL_TOKEN = "bench-" + secrets.token_hex(8)

DOCUMENT = """
campaigns:
  - {{name: main, event_lists: [funnel]}}
event_lists:
  - {{name: funnel, events: [Lead, Purchase]}}
destinations:
  - name: meta
    type: meta
    settings: {{pixel_id: "1234567890", endpoint: "{base}/meta"}}
    credentials: {{access_token: bench-token}}
    campaigns: [main]
  - name: tiktok
    type: tiktok
    settings: {{pixel_code: CBENCH0001, endpoint: "{base}/tiktok"}}
    credentials: {{access_token: bench-token}}
    campaigns: [main]
  - name: partner
    type: postback
    settings: {{url: "{base}/postback/conv?event_id={{event_id}}&value={{value}}", method: GET}}
    campaigns: [main]
"""


@dataclass(frozen=True)
class Phase:
    """One load shape: open loop at a rate, or closed loop with N senders."""

    name: str
    seconds: float
    batch: int = 1
    rate: float = 0.0  # events per second; 0 means closed loop at full speed
    senders: int = 0


@dataclass
class Outcome:
    """What one phase measured."""

    phase: Phase
    elapsed: float
    acked: int
    requests: int
    errors: Counter[str]
    ack_ms: list[float]
    delivery_ms: list[float]
    missing: int
    duplicates: int
    delivered_by: float
    cpu: dict[str, float] = field(default_factory=dict)
    load: str = ""

    def row(self) -> list[str]:
        """The results table's row."""
        ack50, ack99 = percentiles(self.ack_ms)
        dl50, dl99 = percentiles(self.delivery_ms)
        delivered_rate = self.acked / self.delivered_by if self.delivered_by else 0.0
        return [
            self.phase.name,
            f"{self.acked / self.elapsed:,.0f}",
            f"{delivered_rate:,.0f}",
            f"{ack50:.1f} / {ack99:.1f}",
            f"{dl50:.0f} / {dl99:.0f}",
            f"{self.acked:,}",
            str(sum(self.errors.values())),
            str(self.missing),
            str(self.duplicates),
        ]


def percentiles(values: list[float]) -> tuple[float, float]:
    """p50 and p99 (0 when there is nothing to measure)."""
    if len(values) < 2:
        return (values[0], values[0]) if values else (0.0, 0.0)
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return cuts[49], cuts[98]


# --- the receiving server (its own process) --------------------------------------------------


def receiver_main(ready: Any) -> None:
    """Run the platform stand-in and a control port that hands out what arrived."""
    asyncio.run(_receiver(ready))


async def _receiver(ready: Any) -> None:
    from aiohttp import web

    from services.demo.platform_server import PlatformServer

    server = PlatformServer()
    base = await server.start()
    cursor = 0

    async def arrivals(_request: web.Request) -> web.Response:
        """Accepted (platform, event id, arrival) since the last call, and refusals."""
        nonlocal cursor
        fresh, cursor = server.received[cursor:], len(server.received)
        accepted = [
            (item.platform, event_id, item.at)
            for item in fresh
            if 200 <= item.status < 300 and not item.problems
            for event_id in item.event_ids
        ]
        refused = [
            {"platform": item.platform, "status": item.status, "problems": item.problems[:3]}
            for item in fresh
            if not (200 <= item.status < 300 and not item.problems)
        ]
        server.received.clear()
        cursor = 0
        return web.json_response(
            {"accepted": accepted, "refused": refused[:20], "refused_count": len(refused)}
        )

    control = web.Application()
    control.router.add_get("/arrivals", arrivals)
    runner = web.AppRunner(control, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    ready.put((base, runner.addresses[0][1], os.getpid()))
    await asyncio.Event().wait()


# --- the load generator (its own process) ----------------------------------------------------


def load_main(url: str, key: str, campaign: str, phase: Phase, answer: Any) -> None:
    """Drive one phase and put (elapsed, sent, errors, ack latencies) on the answer queue."""
    answer.put(asyncio.run(_load(url, key, campaign, phase)))


def _event(campaign: str, event_id: str) -> dict[str, Any]:
    return {
        "event_id": event_id,
        "event_name": "Purchase",
        "campaign_id": campaign,
        "value": 25.5,
        "currency": "USD",
        "action_source": "ACTION_SOURCE_WEBSITE",
        "user": {"email": f"{event_id}@example.com"},
        "client": {"ip": "203.0.113.7", "user_agent": "Mozilla/5.0 (bench)"},
    }


async def _load(url: str, key: str, campaign: str, phase: Phase) -> dict[str, Any]:
    sent: dict[str, float] = {}
    ack_ms: list[float] = []
    timeline: list[tuple[float, float]] = []
    errors: Counter[str] = Counter()
    requests = 0
    run = uuid.uuid4().hex[:8]
    counter = 0
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}

    async def post(http: aiohttp.ClientSession, due: float) -> None:
        nonlocal counter, requests
        ids = []
        for _ in range(phase.batch):
            counter += 1
            ids.append(f"{run}-{counter}")
        body = json.dumps({"events": [_event(campaign, i) for i in ids]})
        wall = time.time() - (time.perf_counter() - due)
        requests += 1
        try:
            async with http.post(url, data=body, headers=headers) as reply:
                await reply.read()
                status = reply.status
        except aiohttp.ClientError as err:
            errors[type(err).__name__] += 1
            return
        if status != 200:
            errors[str(status)] += 1
            return
        ack_ms.append((time.perf_counter() - due) * 1000)
        timeline.append((due - started, ack_ms[-1]))
        for event_id in ids:
            sent[event_id] = wall

    connector = aiohttp.TCPConnector(limit=max(phase.senders, 256))
    started = time.perf_counter()
    async with aiohttp.ClientSession(connector=connector) as http:
        started = time.perf_counter()
        deadline = started + phase.seconds
        if phase.rate:
            interval = phase.batch / phase.rate
            tasks = set()
            n = 0
            while (due := started + n * interval) < deadline:
                delay = due - time.perf_counter()
                if delay > 0:
                    await asyncio.sleep(delay)  # the schedule itself: open loop
                task = asyncio.create_task(post(http, due))
                tasks.add(task)
                task.add_done_callback(tasks.discard)
                n += 1
            if tasks:
                await asyncio.wait(tasks)
        else:

            async def sender() -> None:
                while time.perf_counter() < deadline:
                    await post(http, time.perf_counter())

            await asyncio.gather(*(sender() for _ in range(phase.senders)))
        elapsed = time.perf_counter() - started
    return {
        "elapsed": elapsed,
        "sent": sent,
        "errors": dict(errors),
        "ack_ms": ack_ms,
        "requests": requests,
        "started_wall": time.time() - elapsed,
        "timeline": timeline,
    }


def _by_second(timeline: list[tuple[float, float]]) -> str:
    """Ack latency p50 for each second of sending: a growing figure means a growing queue."""
    seconds: dict[int, list[float]] = {}
    for offset, latency in timeline:
        seconds.setdefault(int(offset), []).append(latency)
    return " ".join(f"{statistics.median(v):.0f}" for _, v in sorted(seconds.items()))


# --- storage, stack and configuration --------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _with_database(url: str, name: str) -> str:
    head, _, _ = url.rpartition("/")
    return f"{head}/{name}"


async def _reachable_postgres(url: str) -> bool:
    import asyncpg

    try:
        conn = await asyncpg.connect(url, timeout=3)
    except (OSError, asyncpg.PostgresError, TimeoutError):
        return False
    await conn.close()
    return True


async def _admin_sql(url: str, statement: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(url)
    try:
        await conn.execute(statement)
    finally:
        await conn.close()


def _redis_reachable(url: str) -> bool:
    import redis

    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=2)
        client.flushdb()
        client.close()
    except redis.RedisError:
        return False
    return True


@dataclass
class Storage:
    """The database and Redis the stack uses, and how to take them down."""

    database_url: str
    redis_url: str
    drop: str | None
    admin_url: str
    embedded: list[Any]
    description: dict[str, str]


async def open_storage(args: argparse.Namespace, data_dir: Path) -> Storage:
    """A fresh database on the machine's Postgres (else embedded) and an empty Redis db."""
    from services.common.embedded import start_postgres, start_redis

    embedded: list[Any] = []
    if await _reachable_postgres(args.postgres_url):
        name = f"switchyard_bench_{secrets.token_hex(4)}"
        await _admin_sql(args.postgres_url, f'CREATE DATABASE "{name}"')
        if args.explain_slow_ms:  # plans of slow statements go to the server's log
            for setting in (
                "session_preload_libraries = 'auto_explain'",
                f"auto_explain.log_min_duration = {args.explain_slow_ms}",
            ):
                await _admin_sql(args.postgres_url, f'ALTER DATABASE "{name}" SET {setting}')
        database_url, drop, admin = _with_database(args.postgres_url, name), name, args.postgres_url
    else:
        postgres = await asyncio.to_thread(start_postgres, data_dir)
        embedded.append(postgres)
        database_url, drop, admin = postgres.dsn(), None, postgres.dsn()
    if _redis_reachable(args.redis_url):
        redis_url = args.redis_url
    else:
        server = await asyncio.to_thread(start_redis, data_dir)
        embedded.append(server)
        redis_url = server.url
    return Storage(database_url, redis_url, drop, admin, embedded, {})


async def close_storage(storage: Storage) -> None:
    if storage.drop is not None:
        drop = f'DROP DATABASE IF EXISTS "{storage.drop}" WITH (FORCE)'
        await _admin_sql(storage.admin_url, drop)
    for server in reversed(storage.embedded):
        await asyncio.to_thread(server.stop)


def stack_env(storage: Storage, log_level: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "SWITCHYARD_DATABASE_URL": storage.database_url,
            "SWITCHYARD_REDIS_URL": storage.redis_url,
            "SWITCHYARD_INTERNAL_TOKEN": INTERNAL_TOKEN,
            "SWITCHYARD_CREDENTIALS_KEY": base64.b64encode(os.urandom(32)).decode(),
            "SWITCHYARD_OUTBOUND_ALLOW_CIDRS": "127.0.0.0/8",
            "SWITCHYARD_LOG_LEVEL": log_level,
            "SWITCHYARD_LOG_FORMAT": "json",
            "SWITCHYARD_INGEST_HTTP_PORT": str(free_port()),
            # The per-destination politeness limit (default 200 requests/s per process) would
            # cap the unbatched postback destination at 200 events/s: the bench measures the
            # stack, so it lifts the limit.
            "SWITCHYARD_DISPATCHER_DESTINATION_RATE": "100000",
        }
    )
    for name in ("registry", "mapper", "dispatcher", "ingest"):
        port = free_port()
        env[f"SWITCHYARD_{name.upper()}_GRPC_PORT"] = str(port)
        env[f"SWITCHYARD_{name.upper()}_METRICS_PORT"] = str(free_port())
        env[f"SWITCHYARD_{name.upper()}_ADDRESS"] = f"127.0.0.1:{port}"
    return env


async def configure(env: dict[str, str], receiver: str) -> tuple[str, str]:
    """An organization whose Purchase fans out to three destinations; (admin key, campaign)."""
    from services.common.grpc_client import channel
    from switchyard.v1 import config_pb2, registry_pb2, registry_pb2_grpc

    address = env["SWITCHYARD_REGISTRY_ADDRESS"]
    async with channel(address, INTERNAL_TOKEN) as chan:
        created = await registry_pb2_grpc.RegistryInternalStub(chan).CreateOrganization(
            registry_pb2.CreateOrganizationRequest(
                organization=config_pb2.Organization(name="bench", default_country="US"),
                admin_key_name="bench",
            ),
            timeout=10,
        )
    key = created.key
    meta = (("authorization", f"Bearer {key}"),)
    async with channel(address) as chan:
        stub = registry_pb2_grpc.RegistryStub(chan)
        await stub.ApplyConfig(
            registry_pb2.ApplyConfigRequest(document=DOCUMENT.format(base=receiver), prune=False),
            metadata=meta,
            timeout=30,
        )
        campaigns = await stub.ListCampaigns(
            registry_pb2.ListCampaignsRequest(), metadata=meta, timeout=10
        )
    return key, campaigns.campaigns[0].id


async def wait_ready(url: str, key: str, campaign: str, control: str) -> None:
    """Send probe events until one is accepted with three deliveries (config has arrived)."""
    deadline = time.monotonic() + 30
    async with aiohttp.ClientSession() as http:
        while True:
            body = {"events": [_event(campaign, f"probe-{uuid.uuid4().hex}")]}
            headers = {"Authorization": f"Bearer {key}"}
            async with http.post(url, json=body, headers=headers) as reply:
                answer = await reply.json()
            results = answer.get("results") or [{}]
            if reply.status == 200 and results[0].get("deliveries") == len(PLATFORMS):
                break
            if time.monotonic() > deadline:
                raise SystemExit(f"the stack never accepted a probe event: {answer}")
            await asyncio.sleep(0.2)  # polling readiness with a deadline
        arrived: set[str] = set()
        while time.monotonic() < deadline:
            got = await _arrivals(http, control)
            arrived.update(p for p, _, _ in got["accepted"])
            if arrived >= set(PLATFORMS):
                return
            if got["refused_count"]:
                raise SystemExit(f"the receiver refused deliveries: {got['refused']}")
            await asyncio.sleep(0.2)
    raise SystemExit("probe deliveries did not arrive")


async def _arrivals(http: aiohttp.ClientSession, control: str) -> dict[str, Any]:
    async with http.get(f"{control}/arrivals") as reply:
        got: dict[str, Any] = await reply.json()
        return got


async def collect(
    control: str, sent: dict[str, float], wait_seconds: float
) -> tuple[list[float], int, int, float, list[Any]]:
    """Wait until every acked event reached every platform; (latencies, missing, dups, last)."""
    first: dict[tuple[str, str], float] = {}
    seen: Counter[tuple[str, str]] = Counter()
    refused: list[Any] = []
    wanted = len(sent) * len(PLATFORMS)
    deadline = time.monotonic() + wait_seconds
    async with aiohttp.ClientSession() as http:
        while True:
            got = await _arrivals(http, control)
            refused.extend(got["refused"])
            for platform_name, event_id, at in got["accepted"]:
                if event_id in sent:
                    pair = (platform_name, event_id)
                    seen[pair] += 1
                    first.setdefault(pair, at)
            if len(first) >= wanted or time.monotonic() > deadline:
                break
            await asyncio.sleep(0.25)  # polling the receiver with a deadline
    latencies = [(at - sent[event_id]) * 1000 for (_, event_id), at in first.items()]
    duplicates = sum(count - 1 for count in seen.values())
    last = max(first.values(), default=0.0)
    return latencies, wanted - len(first), duplicates, last, refused


# --- CPU accounting --------------------------------------------------------------------------


def _cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _redis_pids() -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                comm = (entry / "comm").read_text().strip()
            except OSError:
                continue
            if comm.startswith("redis-server"):
                found.append(int(entry.name))
    return found


async def postgres_pids(database_url: str) -> list[int]:
    """The backends of the bench's database and the server's own background processes.

    Other databases' backends (tests running on the same server) are left out.
    """
    import asyncpg

    conn = await asyncpg.connect(database_url)
    try:
        rows = await conn.fetch(
            "SELECT pid FROM pg_stat_activity"
            " WHERE datname = current_database() OR backend_type <> 'client backend'"
        )
    finally:
        await conn.close()
    return [row["pid"] for row in rows]


async def cpu_snapshot(pids: dict[str, int], database_url: str) -> dict[str, float]:
    """CPU seconds so far of each named process, of Postgres (this database) and of Redis."""
    usage = {name: _cpu_seconds(pid) for name, pid in pids.items()}
    usage["postgres"] = sum(_cpu_seconds(pid) for pid in await postgres_pids(database_url))
    usage["redis"] = sum(_cpu_seconds(pid) for pid in _redis_pids())
    return usage


def load_average() -> str:
    """The 1-minute load average: other work on the machine skews every figure."""
    return Path("/proc/loadavg").read_text().split()[0]


# --- profiling -------------------------------------------------------------------------------


def start_profilers(
    pids: dict[str, int], out: Path, seconds: float
) -> list[subprocess.Popen[bytes]]:
    """py-spy on each service for the phase, as collapsed stacks (`<name>.txt`)."""
    spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    out.mkdir(parents=True, exist_ok=True)
    return [
        subprocess.Popen(
            [
                *(spy, "record", "--pid", str(pid), "--duration", str(int(seconds))),
                *("--rate", "200", "--nonblocking", "--format", "raw"),
                *("--output", str(out / f"{name}.txt")),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for name, pid in pids.items()
    ]


def top_functions(collapsed: Path, limit: int = 12) -> list[tuple[str, float, float]]:
    """(function, inclusive %, self %) from py-spy's collapsed stacks, busiest first."""
    inclusive: Counter[str] = Counter()
    own: Counter[str] = Counter()
    total = 0
    for line in collapsed.read_text().splitlines():
        stack, _, count_text = line.rpartition(" ")
        count = int(count_text)
        frames = [frame.split(" (")[0] + _where(frame) for frame in stack.split(";")[1:]]
        if not frames:
            continue
        total += count
        for frame in set(frames):
            inclusive[frame] += count
        own[frames[-1]] += count
    if not total:
        return []
    ranked = sorted(own, key=lambda f: -own[f])[:limit]
    return [(f, 100 * inclusive[f] / total, 100 * own[f] / total) for f in ranked]


def _where(frame: str) -> str:
    """` (file.py)` without the line, so one function's lines count together."""
    place = frame.partition(" (")[2].rstrip(")")
    path = place.rpartition(":")[0]
    parts = Path(path).parts
    short = "/".join(parts[-2:]) if parts else ""
    return f" ({short})" if short else ""


def profile_report(out: Path, names: list[str]) -> str:
    lines = []
    for name in names:
        path = out / f"{name}.txt"
        if not path.exists():
            lines.append(f"- {name}: no profile (py-spy missing or not permitted)")
            continue
        lines.append(f"\n**{name}** (self % of samples, inclusive % in brackets)\n")
        for function, inclusive, own in top_functions(path):
            lines.append(f"- {own:5.1f}% ({inclusive:5.1f}%) `{function}`")
    return "\n".join(lines)


# --- the run ---------------------------------------------------------------------------------


def machine() -> dict[str, str]:
    """CPU model, cores, memory, Python, Postgres and Redis versions."""
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.partition(":")[2].strip()
            break
    memory = "unknown"
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal"):
            memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    return {
        "CPU": cpu,
        "cores": str(os.cpu_count()),
        "memory": memory,
        "OS": f"{platform.system()} {platform.release()}",
        "Python": platform.python_version(),
    }


async def storage_versions(storage: Storage) -> dict[str, str]:
    import asyncpg
    import redis.asyncio as aioredis

    conn = await asyncpg.connect(storage.database_url)
    try:
        pg = await conn.fetchval("SHOW server_version")
        sync = await conn.fetchval("SHOW synchronous_commit")
        fsync = await conn.fetchval("SHOW fsync")
    finally:
        await conn.close()
    client = aioredis.Redis.from_url(storage.redis_url)
    info = await client.info("server")
    await client.aclose()
    return {
        "PostgreSQL": f"{pg} (synchronous_commit={sync}, fsync={fsync})",
        "Redis": str(info.get("redis_version")),
    }


def phases(args: argparse.Namespace) -> list[Phase]:
    if args.smoke:
        return [
            Phase("smoke: fixed 100/s, 1 event/request", 3, rate=100),
            Phase("smoke: maximum, 1 event/request", 3, senders=16),
            Phase("smoke: maximum, 50 events/request", 3, batch=50, senders=4),
        ]
    chosen = [
        Phase(f"fixed {rate:g}/s, 1 event/request", args.seconds, rate=rate) for rate in args.rate
    ]
    chosen.append(
        Phase(
            f"maximum, {args.senders} senders, 1 event/request", args.seconds, senders=args.senders
        )
    )
    chosen.append(
        Phase(
            f"maximum, {args.batch_senders} senders, 50 events/request",
            args.seconds,
            batch=50,
            senders=args.batch_senders,
        )
    )
    return chosen


@contextmanager
def spawned(target: Any, *extra: Any) -> Iterator[tuple[Any, Any]]:
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=target, args=(*extra, queue), daemon=True)
    process.start()
    try:
        yield process, queue
    finally:
        if process.is_alive():
            process.terminate()
        process.join(10)


async def run_phase(
    phase: Phase,
    url: str,
    key: str,
    campaign: str,
    control: str,
    pids: dict[str, int],
    database_url: str,
    args: argparse.Namespace,
) -> Outcome:
    before = await cpu_snapshot(pids, database_url)
    load_before = load_average()
    profilers: list[subprocess.Popen[bytes]] = []
    with spawned(load_main, url, key, campaign, phase) as (process, queue):
        pids = {**pids, "load generator": process.pid}
        before["load generator"] = 0.0
        if args.profile and not args.profiled and phase.name.startswith(args.profile_phase):
            args.profiled = True
            profilers = start_profilers(
                {n: p for n, p in pids.items() if n in SERVICE_NAMES}, args.profile, phase.seconds
            )
        result = await asyncio.to_thread(queue.get, True, phase.seconds + 120)
        load_cpu = _cpu_seconds(process.pid)
    sent: dict[str, float] = result["sent"]
    latencies, missing, duplicates, last, refused = await collect(control, sent, args.drain)
    after = await cpu_snapshot(
        {n: p for n, p in pids.items() if n != "load generator"}, database_url
    )
    after["load generator"] = load_cpu
    for profiler in profilers:
        profiler.wait(timeout=60)
    print("  ack p50 ms per second of the phase:", _by_second(result["timeline"]), flush=True)
    if refused:
        print(f"  receiver refused {len(refused)}: {refused[:3]}", flush=True)
    return Outcome(
        phase=phase,
        elapsed=result["elapsed"],
        acked=len(sent),
        requests=result["requests"],
        errors=Counter(result["errors"]),
        ack_ms=result["ack_ms"],
        delivery_ms=latencies,
        missing=missing,
        duplicates=duplicates,
        delivered_by=(last - result["started_wall"]) if last else 0.0,
        cpu={name: max(0.0, after.get(name, 0.0) - before.get(name, 0.0)) for name in after},
        load=f"{load_before} -> {load_average()}",
    )


SERVICE_NAMES = ("registry", "mapper", "dispatcher", "ingest")
HEADER = [
    "phase",
    "acked events/s",
    "delivered events/s",
    "ack p50 / p99 ms",
    "delivery p50 / p99 ms",
    "events acked",
    "errors",
    "missing",
    "dup deliveries",
]


def table(outcomes: list[Outcome]) -> str:
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    lines += ["| " + " | ".join(o.row()) + " |" for o in outcomes]
    return "\n".join(lines)


def cpu_table(outcomes: list[Outcome]) -> str:
    names = [n for n in outcomes[0].cpu]
    head = ["phase (CPU seconds / % of one core)", *names, "load average"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for o in outcomes:
        span = max(o.delivered_by, o.elapsed)
        cells = [f"{o.cpu.get(n, 0):.1f} / {100 * o.cpu.get(n, 0) / span:.0f}%" for n in names]
        lines.append("| " + " | ".join([o.phase.name, *cells, o.load]) + " |")
    return "\n".join(lines)


def report(outcomes: list[Outcome], description: dict[str, str], command: str, profile: str) -> str:
    lines = [BEGIN, "## End to end: the whole stack on one machine", ""]
    lines.append(f"Command: `{command}` ({time.strftime('%Y-%m-%d %H:%M %Z')})")
    lines.append("")
    lines += [f"- {name}: {value}" for name, value in description.items()]
    lines += [
        "",
        "Everything on this machine: Postgres, Redis, the four services (one process each), the "
        "receiving server and the load generator. Each event fans out to three destinations "
        "(Meta, TikTok, a postback URL). *acked events/s*: events answered 200 per second of "
        "sending; *delivered events/s*: acked events divided by the time from the first send to "
        "the last delivery; ack latency is client-side (open-loop phases count from the "
        "scheduled send time); delivery latency is arrival at the receiver minus the send time, "
        "over all three destinations; *missing*: acked (event, destination) pairs that never "
        "arrived.",
        "",
        table(outcomes),
        "",
        cpu_table(outcomes),
    ]
    if profile:
        lines += ["", "### Where the time goes (py-spy, maximum single-event phase)", profile]
    lines.append(END)
    return "\n".join(lines)


def write_results(section: str) -> None:
    """Replace the end-to-end section of RESULTS.md, keeping the rest of the file."""
    text = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n"
    if BEGIN in text and END in text:
        head, _, rest = text.partition(BEGIN)
        _, _, tail = rest.partition(END)
        text = head + section + tail
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    RESULTS.write_text(text)


async def bench(args: argparse.Namespace) -> int:
    from services.cli.stack import Stack, run_migrations, start_services, stop_stack

    data_dir = Path(tempfile.mkdtemp(prefix="switchyard-bench-"))
    storage = await open_storage(args, data_dir)
    stack = Stack(
        data_dir=data_dir, env=stack_env(storage, args.log_level), log_dir=data_dir / "logs"
    )
    outcomes: list[Outcome] = []
    try:
        description = {**machine(), **await storage_versions(storage)}
        with spawned(receiver_main) as (_receiver, ready):
            base, control_port, receiver_pid = await asyncio.to_thread(ready.get, True, 30)
            control = f"http://127.0.0.1:{control_port}"
            await run_migrations(stack)
            await start_services(stack)
            pids = {name: p.pid for name, p in stack.processes.items()}
            pids["receiver"] = receiver_pid
            key, campaign = await configure(stack.env, base)
            url = f"http://127.0.0.1:{stack.env['SWITCHYARD_INGEST_HTTP_PORT']}/v1/events"
            await wait_ready(url, key, campaign, control)
            for phase in phases(args):
                print(f"phase: {phase.name} ({phase.seconds:g}s)", flush=True)
                outcome = await run_phase(
                    phase, url, key, campaign, control, pids, storage.database_url, args
                )
                outcomes.append(outcome)
                print(table([outcome]).splitlines()[-1], flush=True)
                if outcome.errors:
                    print(f"  errors: {dict(outcome.errors)}", flush=True)
    finally:
        await stop_stack(stack, 5.0)
        await close_storage(storage)
        if args.keep_logs:
            print("service logs kept in", stack.log_dir, flush=True)
        else:
            shutil.rmtree(data_dir, ignore_errors=True)
    print()
    print(table(outcomes))
    print()
    print(cpu_table(outcomes))
    profile = profile_report(args.profile, list(SERVICE_NAMES)) if args.profile else ""
    if profile:
        print(profile)
    if not args.smoke and not args.no_write:
        write_results(
            report(
                outcomes,
                description,
                " ".join(["python -m bench.stack_bench", *sys.argv[1:]]),
                profile,
            )
        )
        print("wrote", RESULTS)
    lost = sum(o.missing for o in outcomes)
    return 1 if lost else 0


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.stack_bench", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--postgres-url",
        default="postgresql://postgres@127.0.0.1:5432/postgres",
        help="a server to create a fresh database on (else embedded)",
    )
    parser.add_argument(
        "--redis-url",
        default="redis://127.0.0.1:6379/13",
        help="a Redis database the bench may flush (else embedded)",
    )
    parser.add_argument("--seconds", type=float, default=20.0, help="length of each phase")
    parser.add_argument(
        "--rate",
        type=float,
        action="append",
        help="fixed-rate phase in events/s (repeatable; default 250 and 500)",
    )
    parser.add_argument("--senders", type=int, default=64, help="closed-loop senders, single")
    parser.add_argument("--batch-senders", type=int, default=8, help="closed-loop senders, 50/req")
    parser.add_argument(
        "--drain", type=float, default=90.0, help="seconds to wait for deliveries after a phase"
    )
    parser.add_argument("--log-level", default="warning", help="the services' log level")
    parser.add_argument("--profile", type=Path, help="py-spy every service into this folder")
    parser.add_argument(
        "--profile-phase",
        default="maximum, ",
        help="profile the first phase whose name starts with this",
    )
    parser.add_argument(
        "--explain-slow-ms",
        type=int,
        default=0,
        help="log the plans of statements slower than this (auto_explain, server log)",
    )
    parser.add_argument("--smoke", action="store_true", help="3 s per phase; write nothing")
    parser.add_argument("--no-write", action="store_true", help="do not update RESULTS.md")
    parser.add_argument("--keep-logs", action="store_true", help="keep the services' log files")
    args = parser.parse_args(argv)
    args.rate = args.rate or [250.0, 500.0]
    args.profiled = False
    if args.smoke:
        args.drain = min(args.drain, 20.0)
    return args


def main(argv: list[str] | None = None) -> int:
    return asyncio.run(bench(parse_args(argv)))


if __name__ == "__main__":
    sys.exit(main())
