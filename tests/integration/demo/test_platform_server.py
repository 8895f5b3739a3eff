"""The stand-in answers like the platforms, including the failures tests script."""

import json
import time

import aiohttp

from services.demo.platform_server import PlatformServer


async def test_scripted_failures_come_first_then_success() -> None:
    server = PlatformServer()
    base = await server.start()
    server.fail_next("postback", 429, 500)
    try:
        async with aiohttp.ClientSession() as session:
            codes = []
            for _ in range(3):
                async with session.get(f"{base}/postback/p?eid=e1") as answer:
                    codes.append(answer.status)
                    retry_after = answer.headers.get("Retry-After")
                    if answer.status == 429:
                        assert retry_after == "1"
        assert codes == [429, 500, 200]
        assert server.accepted_ids("postback") == {"e1": 1}
    finally:
        await server.stop()


async def test_malformed_tiktok_request_is_refused_inside_a_200_like_tiktok_does() -> None:
    server = PlatformServer()
    base = await server.start()
    body = {"event_source": "web", "event_source_id": "C1",
            "data": [{"event": "Lead", "event_id": "e1", "event_time": int(time.time()),
                      "user": {"email": "raw@example.com"}}]}  # fmt: skip
    try:
        async with aiohttp.ClientSession() as session:
            url = f"{base}/tiktok/open_api/v1.3/event/track/"
            async with session.post(url, json=body, headers={"Access-Token": "t"}) as answer:
                assert answer.status == 200
                payload = json.loads(await answer.read())
        assert payload["code"] == 40002
        assert "data[0].user.email" in payload["message"]
        assert server.accepted_ids() == {}
    finally:
        await server.stop()


async def test_an_account_is_checked_as_its_platform_but_scripted_on_its_own() -> None:
    server = PlatformServer()
    await server.start()
    retired = server.add_account("meta-retired", "meta")
    server.fail_always("meta-retired", 400, "pixel is gone")
    body = {"data": [{"event_name": "Lead", "event_id": "e1", "event_time": int(time.time()),
                      "action_source": "website", "user_data": {"em": ["a" * 64]}}]}  # fmt: skip
    try:
        async with aiohttp.ClientSession() as session:
            path = "/v21.0/123/events?access_token=t"
            async with session.post(f"{retired}{path}", json=body) as answer:
                assert answer.status == 400
                error = (await answer.json())["error"]
                assert (error["message"], error["code"]) == ("pixel is gone", 100)
            async with session.post(f"{server.endpoint('meta')}{path}", json=body) as answer:
                assert answer.status == 200
            async with session.post(f"{retired}/v21.0/123/events", json={"data": []}) as answer:
                assert answer.status == 400
        assert server.accepted_ids("meta") == {"e1": 1}
        assert server.accepted_ids("meta-retired") == {}
        assert server.received[-1].problems  # the Meta shape check ran on the account's path
    finally:
        await server.stop()
