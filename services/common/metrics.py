"""Prometheus `/metrics` on its own port, served by aiohttp on the running loop (no thread)."""

from __future__ import annotations

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, generate_latest


async def _metrics(_request: web.Request) -> web.Response:
    response = web.Response(body=generate_latest(REGISTRY))
    response.headers["Content-Type"] = CONTENT_TYPE_LATEST
    return response


class MetricsServer:
    """The running `/metrics` endpoint; `port` is the bound port (useful when asked for 0)."""

    def __init__(self, runner: web.AppRunner, port: int) -> None:
        self.runner = runner
        self.port = port

    async def stop(self) -> None:
        """Close the listener and its connections."""
        await self.runner.cleanup()


async def start_metrics_server(port: int, host: str = "0.0.0.0") -> MetricsServer:
    """Serve the default registry at http://host:port/metrics; port 0 picks a free one."""
    app = web.Application()
    app.router.add_get("/metrics", _metrics)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    bound = runner.addresses[0][1]  # the real port when 0 was asked for
    return MetricsServer(runner, int(bound))
