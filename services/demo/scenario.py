"""The demo's organization and the stream of traffic it fires through the HTTP gateway.

One campaign with Lead, Purchase and a custom `sale` (an affiliate conversion that needs a
`plan`), five destinations on the local platform server — Meta, Google Ads, TikTok, a second
Meta account whose pixel the server refuses, and the affiliate network's postback — and a stream
with clicks, leads, sales, a manual trigger, a duplicate, a repeated non-multi-trigger sale
and a bad request. `EXPECTED` is what a correct system makes of it.
"""

from __future__ import annotations

import asyncio
import textwrap
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

import aiohttp
import grpc

from services.demo.platform_server import PlatformServer
from switchyard.v1 import ingest_pb2, ingest_pb2_grpc

CAMPAIGN = "spring-launch"
INTEGRATION = "affiliate-network"
META = "Meta"
GOOGLE_ADS = "Google Ads"
TIKTOK = "TikTok"
RETIRED = "Meta (retired pixel)"
PARTNER = "Partner postback"
RETIRED_PATH = "meta-retired"
PARTNER_QUERY = "eid={event_id}&tx={transaction_id}&payout={payout}&plan={plan}&sub1={sub1}"
REFUSAL = "Invalid parameter: pixel 999000111 is no longer active (code 100)"


@dataclass(frozen=True)
class Expected:
    """What one destination should end with: counts by outcome, and the scripted retry."""

    delivered: int
    failed: int = 0
    skipped: int = 0
    retried_with: int | None = None


# 3 leads, 2 postback sales + 1 triggered sale, 1 Purchase from the events API.
EXPECTED: dict[str, Expected] = {
    META: Expected(delivered=7),
    GOOGLE_ADS: Expected(delivered=7, retried_with=429),
    TIKTOK: Expected(delivered=4, skipped=3, retried_with=500),
    RETIRED: Expected(delivered=0, failed=4, skipped=3),
    PARTNER: Expected(delivered=3),
}


def document(platforms: PlatformServer) -> str:
    """The demo organization's configuration, pointed at the local platform server."""
    retired = platforms.add_account(RETIRED_PATH, "meta")
    postback = platforms.endpoint("postback")
    return textwrap.dedent(
        f"""
        organization: {{name: Demo Shop, default_country: US}}
        campaigns:
          - {{name: {CAMPAIGN}, default_country: US, event_lists: [funnel]}}
        events:
          - {{name: sale, description: A sale reported by the affiliate network,
             conversion: true, affiliate_conversion: true, payout: 12}}
        custom_fields:
          - {{campaign: {CAMPAIGN}, event: sale, name: plan, type: text, required: true}}
        event_lists:
          - {{name: funnel, events: [Lead, Purchase, sale]}}
        integrations:
          - name: {INTEGRATION}
            kind: postback
            campaign: {CAMPAIGN}
            event_rules: [{{source: lead, event: Lead}}, {{source: sale, event: sale}}]
        destinations:
          - name: {META}
            type: meta
            settings: {{pixel_id: "1234567890", endpoint: "{platforms.endpoint("meta")}"}}
            credentials: {{access_token: demo-meta-token}}
            campaigns: [{CAMPAIGN}]
            mappings: [{{event: sale, action: standard, target: Purchase}}]
          - name: {GOOGLE_ADS}
            type: google_ads
            settings: {{customer_id: "1234567890", conversion_action_id: "987654321",
                       endpoint: "{platforms.endpoint("google_ads")}"}}
            credentials: {{developer_token: demo-developer-token, access_token: demo-oauth}}
            campaigns: [{CAMPAIGN}]
            mappings: [{{event: sale, action: standard, target: Purchase}}]
          - name: {TIKTOK}
            type: tiktok
            settings: {{pixel_code: CDEMO0PIXEL, endpoint: "{platforms.endpoint("tiktok")}"}}
            credentials: {{access_token: demo-tiktok-token}}
            campaigns: [{CAMPAIGN}]
          - name: {RETIRED}
            type: meta
            settings: {{pixel_id: "999000111", endpoint: "{retired}"}}
            credentials: {{access_token: demo-meta-token-2}}
            campaigns: [{CAMPAIGN}]
        postbacks:
          - name: {PARTNER}
            event: sale
            campaign: {CAMPAIGN}
            url: "{postback}/conversion?{PARTNER_QUERY}"
            method: GET
        """
    )


def script(platforms: PlatformServer) -> None:
    """The platforms' bad moments: a rate limit, an outage, a pixel that is gone."""
    platforms.fail_next("google_ads", 429)
    platforms.fail_next("tiktok", 500)
    platforms.fail_always(RETIRED_PATH, 400, REFUSAL)


@dataclass(frozen=True)
class Person:
    """A made-up visitor: the ad click they came from and who they say they are."""

    email: str
    phone: str
    first_name: str
    last_name: str
    click: dict[str, str]


PEOPLE = (
    Person(
        "ada.lovelace@example.com",
        "+1 415 555 0101",
        "Ada",
        "Lovelace",
        {"fbclid": "IwAR2demoFbClickAda", "utm_source": "facebook", "sub1": "fb-spring"},
    ),
    Person(
        "ben.okafor@example.com",
        "(415) 555-0102",
        "Ben",
        "Okafor",
        {"gclid": "Cj0KCQdemoGclidBen", "utm_source": "google", "sub1": "search"},
    ),
    Person(
        "chloe.martin@example.com",
        "+1-415-555-0103",
        "Chloe",
        "Martin",
        {"ttclid": "E.C.P.demoTtclidChloe", "utm_source": "tiktok", "sub1": "tt-video"},
    ),
)


@dataclass
class Step:
    """One thing the stream did and what the gateway answered."""

    what: str
    status: int
    answer: Any
    expect: str

    @property
    def outcome(self) -> str:
        """accepted, duplicate, refused or redirected, from the answer."""
        if self.status == 302:
            return "redirected"
        if self.status >= 400:
            return "refused"
        results = (self.answer or {}).get("results") or [{}]
        return str(results[0].get("outcome", "accepted"))


@dataclass
class Stream:
    """What the traffic did: every step, and the leads and event ids it made."""

    steps: list[Step] = field(default_factory=list)
    leads: list[str] = field(default_factory=list)

    def unexpected(self) -> list[str]:
        """Steps whose outcome differs from what the scenario expects."""
        return [
            f"{s.what}: expected {s.expect}, got {s.outcome} (HTTP {s.status}: {s.answer})"
            for s in self.steps
            if s.outcome != s.expect
        ]


class Traffic:
    """Fires the demo's stream through the gateway (and one manual trigger over gRPC)."""

    def __init__(
        self, http_url: str, ingest_address: str, key: str, campaign_id: str, token: str, say: Any
    ) -> None:
        self.http_url = http_url
        self.ingest_address = ingest_address
        self.key = key
        self.campaign_id = campaign_id
        self.token = token
        self.say = say
        self.stream = Stream()

    async def run(self, session: aiohttp.ClientSession, ready_seconds: float) -> Stream:
        """The whole stream, in order."""
        clicks = [await self._click(session, p, ready_seconds) for p in PEOPLE]
        for person, click_id in zip(PEOPLE, clicks, strict=True):
            await self._lead(session, person, click_id)
        await self._sale(session, PEOPLE[0], "T-1001", "49.90", "pro", event_id="demo-sale-1001")
        await self._sale(session, PEOPLE[1], "T-1002", "19.00", "starter")
        await self._purchase(session, PEOPLE[2])
        await self._trigger(self.stream.leads[2])
        await self._sale(
            session,
            PEOPLE[0],
            "T-1001",
            "49.90",
            "pro",
            event_id="demo-sale-1001",
            what="the same sale again (same event id)",
            expect="duplicate",
        )
        await self._sale(
            session,
            PEOPLE[0],
            "T-1003",
            "49.90",
            "pro",
            what="a second sale for Ada (sale is not multi-trigger)",
            expect="duplicate",
        )
        await self._bad_request(session)
        return self.stream

    def _record(self, what: str, status: int, answer: Any, expect: str) -> Step:
        step = Step(what, status, answer, expect)
        self.stream.steps.append(step)
        self.say(f"  {what}: HTTP {status} {step.outcome}")
        return step

    async def _click(
        self, session: aiohttp.ClientSession, person: Person, ready_seconds: float
    ) -> str:
        """An ad click via /v1/click; retried while the gateway does not know the campaign yet
        (the configuration reaches ingest through the snapshot stream within a moment)."""
        params = {
            "campaign": self.campaign_id,
            "url": "https://shop.example/spring",
            **person.click,
        }
        deadline = asyncio.get_running_loop().time() + ready_seconds
        while True:
            async with session.get(
                f"{self.http_url}/v1/click", params=params, allow_redirects=False
            ) as answer:
                status, location = answer.status, answer.headers.get("Location", "")
                body = None if status == 302 else await answer.text()
            if status != 400 or asyncio.get_running_loop().time() > deadline:
                break
            await asyncio.sleep(0.2)  # polling until the new configuration is live
        kind = next(k for k in person.click if k.endswith("clid"))
        self._record(f"click from {kind} for {person.first_name}", status, body, "redirected")
        return parse_qs(urlsplit(location).query).get("sy_click_id", [""])[0]

    async def _postback(
        self, session: aiohttp.ClientSession, params: dict[str, str]
    ) -> tuple[int, Any]:
        url = f"{self.http_url}/v1/postback/{self.token}"
        async with session.get(url, params=params) as answer:
            return answer.status, await answer.json(content_type=None)

    async def _lead(self, session: aiohttp.ClientSession, person: Person, click_id: str) -> None:
        params = {
            "event": "lead",
            "click_id": click_id,
            "email": person.email,
            "phone": person.phone,
            "first_name": person.first_name,
            "last_name": person.last_name,
            "ip": "198.51.100.23",
            "user_agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X)",
        }
        status, body = await self._postback(session, params)
        self._record(f"lead postback for {person.first_name}", status, body, "accepted")
        results = (body or {}).get("results") or [{}]
        self.stream.leads.append(str(results[0].get("lead_id", "")))

    async def _sale(
        self,
        session: aiohttp.ClientSession,
        person: Person,
        txid: str,
        amount: str,
        plan: str,
        event_id: str = "",
        what: str = "",
        expect: str = "accepted",
    ) -> None:
        params = {
            "event": "sale",
            "email": person.email,
            "txid": txid,
            "amount": amount,
            "currency": "USD",
            "plan": plan,
            "sub1": person.click["sub1"],
        }
        if event_id:
            params["event_id"] = event_id
        status, body = await self._postback(session, params)
        label = what or f"sale postback {txid} for {person.first_name} ({amount} USD, {plan})"
        self._record(label, status, body, expect)

    async def _purchase(self, session: aiohttp.ClientSession, person: Person) -> None:
        event = {
            "event_name": "Purchase",
            "campaign_id": self.campaign_id,
            "transaction_id": "ORDER-2001",
            "value": 129.0,
            "currency": "USD",
            "user": {"email": person.email, "phone": person.phone},
            "items": [{"id": "SKU-42", "name": "Annual plan", "quantity": 1, "price": 129.0}],
            "action_source": "ACTION_SOURCE_WEBSITE",
        }
        async with session.post(
            f"{self.http_url}/v1/events",
            json={"events": [event]},
            headers={"Authorization": f"Bearer {self.key}"},
        ) as answer:
            status, body = answer.status, await answer.json(content_type=None)
        self._record(
            f"Purchase via the events API for {person.first_name}", status, body, "accepted"
        )

    async def _trigger(self, lead_id: str) -> None:
        """A sale closed on the phone, fired by hand against Chloe's lead over gRPC."""
        event = ingest_pb2.EventInput(
            event_name="sale",
            campaign_id=self.campaign_id,
            value=99.0,
            currency="USD",
            transaction_id="PHONE-77",
            custom_fields={"plan": "team"},
        )
        request = ingest_pb2.TriggerEventRequest(lead_id=lead_id, event=event)
        async with grpc.aio.insecure_channel(self.ingest_address) as chan:
            stub = ingest_pb2_grpc.IngestStub(chan)
            try:
                answer = await stub.TriggerEvent(
                    request, metadata=(("authorization", f"Bearer {self.key}"),), timeout=15
                )
                outcome = ingest_pb2.EventOutcome.Name(answer.result.outcome)
                body: Any = {
                    "results": [
                        {
                            "outcome": outcome.rsplit("_", 1)[-1].lower(),
                            "event_id": answer.result.event_id,
                        }
                    ]
                }
                status = 200
            except grpc.aio.AioRpcError as err:
                status, body = 500, f"{err.code().name}: {err.details()}"
        self._record(
            "manual trigger of sale for Chloe (gRPC TriggerEvent)", status, body, "accepted"
        )

    async def _bad_request(self, session: aiohttp.ClientSession) -> None:
        params = {
            "event": "sale",
            "email": PEOPLE[1].email,
            "txid": "T-1004",
            "amount": "-5",
            "currency": "DOLLARS",
        }
        status, body = await self._postback(session, params)
        step = self._record("a malformed sale postback", status, body, "refused")
        for problem in (
            (step.answer or {}).get("problems", []) if isinstance(step.answer, dict) else []
        ):
            self.say(f"    {problem.get('field')}: {problem.get('rule')}")
