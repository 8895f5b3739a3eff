from __future__ import annotations

import aiohttp
from prometheus_client import Counter

from services.common.metrics import start_metrics_server

PROBE = Counter("switchyard_test_probe_total", "A counter only this test touches.")


async def test_metrics_endpoint_serves_the_default_registry() -> None:
    PROBE.inc()
    server = await start_metrics_server(0, host="127.0.0.1")
    try:
        assert server.port > 0
        async with aiohttp.ClientSession() as session:
            async with session.get(f"http://127.0.0.1:{server.port}/metrics") as response:
                assert response.status == 200
                assert response.headers["Content-Type"].startswith("text/plain")
                body = await response.text()
        assert "switchyard_test_probe_total 1.0" in body
    finally:
        await server.stop()
