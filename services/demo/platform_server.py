"""A local stand-in for the ad platforms and partner endpoints Switchyard delivers to.

Point a destination's `endpoint` setting at `<base>/<platform>` (e.g. `http://127.0.0.1:9900/meta`)
and its requests land here. Each request is checked against the platform's documented shape
(services/demo/shapes.py), recorded with the event ids it carries, and answered the way the
platform answers: a success body, or the platform's error body for a bad request. Tests and the
demo script failures on top: the next N answers of a platform, or a platform that always fails.
"""

from __future__ import annotations

import json
import time
import uuid
from collections import Counter, defaultdict, deque
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from services.demo.shapes import CHECKERS, Inspection, Request


@dataclass(frozen=True)
class Received:
    """One request as the platform saw it, and what it answered."""

    platform: str
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes
    event_ids: list[str]
    problems: list[str]
    status: int
    at: float = field(default_factory=time.time)


def _meta_error(code: int, message: str, transient: bool = False) -> dict[str, Any]:
    error = {"message": message, "type": "OAuthException", "code": code,
             "is_transient": transient, "fbtrace_id": uuid.uuid4().hex[:11]}  # fmt: skip
    return {"error": error}


def _success_body(platform: str, found: Inspection) -> dict[str, Any]:
    if platform == "meta":
        return {"events_received": len(found.event_ids), "messages": [],
                "fbtrace_id": uuid.uuid4().hex[:11]}  # fmt: skip
    if platform == "google_ads":
        return {"results": [{"orderId": eid} for eid in found.event_ids], "jobId": "1"}
    if platform == "tiktok":
        return {"code": 0, "message": "OK", "request_id": uuid.uuid4().hex, "data": {}}
    return {"status": "ok"}


def _error_answer(platform: str, status: int, message: str) -> tuple[int, dict[str, Any]]:
    """The platform's own way of saying no, for a scripted status or a malformed request."""
    if platform == "tiktok" and status == 400:
        return 200, {"code": 40002, "message": message, "request_id": uuid.uuid4().hex}
    if platform == "meta":
        code = {400: 100, 401: 190, 429: 17}.get(status, 2)
        return status, _meta_error(code, message, transient=status >= 500)
    if platform == "google_ads":
        return status, {"error": {"code": status, "message": message}}
    return status, {"error": message}


class PlatformServer:
    """The stand-in: records every request, checks its shape, and fails when told to."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self._next: dict[str, deque[int]] = defaultdict(deque)
        self._always: dict[str, int] = {}
        self._kinds: dict[str, str] = {}
        self._messages: dict[str, str] = {}
        self._runner: web.AppRunner | None = None
        self.base_url = ""

    def fail_next(self, platform: str, *statuses: int) -> None:
        """Answer the platform's next requests with these statuses, one each, then succeed."""
        self._next[platform].extend(statuses)

    def fail_always(self, platform: str, status: int | None, message: str = "") -> None:
        """Answer every request of the platform with this status (None: stop failing), and
        this message in the platform's error body when given."""
        if status is None:
            self._always.pop(platform, None)
        else:
            self._always[platform] = status
        self._messages[platform] = message

    def add_account(self, name: str, platform: str) -> str:
        """Serve `/<name>/...` as `platform` does (its checks and answers), scripted and recorded
        under `name`, so one account of a platform can fail while the others succeed."""
        self._kinds[name] = platform
        return self.endpoint(name)

    def endpoint(self, platform: str) -> str:
        """The `endpoint` setting that sends a destination's requests here."""
        return f"{self.base_url}/{platform}"

    def accepted_ids(self, platform: str | None = None) -> Counter[str]:
        """How often each event id was accepted (answered 2xx with no shape problem)."""
        counts: Counter[str] = Counter()
        for item in self.received:
            if (platform is None or item.platform == platform) and self._accepted(item):
                counts.update(item.event_ids)
        return counts

    @staticmethod
    def _accepted(item: Received) -> bool:
        return 200 <= item.status < 300 and not item.problems

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Listen and return the base URL."""
        app = web.Application(client_max_size=16 * 1024 * 1024)
        app.router.add_route("*", "/{platform}/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        bound = self._runner.addresses[0][1]
        self.base_url = f"http://{host}:{bound}"
        return self.base_url

    async def stop(self) -> None:
        """Stop listening."""
        if self._runner is not None:
            await self._runner.cleanup()

    def _scripted_status(self, platform: str) -> int | None:
        if platform in self._always:
            return self._always[platform]
        queue = self._next.get(platform)
        return queue.popleft() if queue else None

    async def _handle(self, http: web.Request) -> web.Response:
        platform = http.match_info["platform"]
        request = Request(
            method=http.method,
            path=http.path,
            query=dict(http.query),
            headers={k.lower(): v for k, v in http.headers.items()},
            body=await http.read(),
        )
        kind = self._kinds.get(platform, platform)
        checker = CHECKERS.get(kind)
        found = checker(request) if checker else Inspection()
        status, body = self._answer(platform, kind, found)
        self.received.append(self._record(platform, request, found, status))
        headers = {"Retry-After": "1"} if status == 429 else {}
        return web.json_response(body, status=status, headers=headers)

    @staticmethod
    def _record(platform: str, request: Request, found: Inspection, status: int) -> Received:
        return Received(
            platform=platform,
            method=request.method,
            path=request.path,
            query=dict(request.query),
            headers=dict(request.headers),
            body=request.body,
            event_ids=found.event_ids,
            problems=found.problems,
            status=status,
        )

    def _answer(self, name: str, kind: str, found: Inspection) -> tuple[int, dict[str, Any]]:
        scripted = self._scripted_status(name)
        if scripted is not None and not 200 <= scripted < 300:
            message = self._messages.get(name) or f"scripted failure {scripted}"
            return _error_answer(kind, scripted, message)
        if found.problems:
            return _error_answer(kind, 400, "; ".join(found.problems))
        return 200, _success_body(kind, found)


def summary(received: list[Received]) -> dict[str, Any]:
    """Counts by platform and status, for the demo's report."""
    by_platform: dict[str, Counter[int]] = defaultdict(Counter)
    for item in received:
        by_platform[item.platform][item.status] += 1
    return {name: dict(counts) for name, counts in by_platform.items()}


def dumps(received: Received) -> str:
    """One request as a JSON line (for debugging a failed run)."""
    return json.dumps({"platform": received.platform, "path": received.path,
                       "status": received.status, "problems": received.problems,
                       "event_ids": received.event_ids})  # fmt: skip
