"""The organization every e2e test configures: one campaign, standard and custom events, Meta,
Google Ads, TikTok and a partner postback destination, and an affiliate postback, all pointed
at the local platform server."""

from __future__ import annotations

import hashlib
import textwrap
import uuid
from typing import Any

from services.demo.platform_server import PlatformServer, Received

META_PIXEL = "1234567890"
GOOGLE_CUSTOMER = "1112223333"
GOOGLE_LEAD_ACTION = "111"
GOOGLE_PURCHASE_ACTION = "222"
TIKTOK_PIXEL = "CTEST12345"


def document(platforms: PlatformServer, meta_purchase: str = "auto") -> str:
    """The org's YAML; `meta_purchase` is the Meta mapping action of Purchase."""
    base = platforms.base_url
    partner = f"{base}/postback/partner?event_id={{event_id}}&name={{platform_event_name}}"
    affiliate = (
        f"{base}/postback/aff?eid={{event_id}}&tx={{transaction_id}}&payout={{payout}}"
        "&value={value}&plan={plan}&sub1={sub1}&gclid={gclid}"
    )
    return textwrap.dedent(
        f"""
        organization: {{name: e2e, default_country: US}}
        campaigns:
          - {{name: main, event_lists: [funnel]}}
        events:
          - {{name: Purchase, conversion: true, affiliate_conversion: true, payout: 12.5}}
          - {{name: qualified, conversion: true}}
          - {{name: call_booked, multi_trigger: true}}
        custom_fields:
          - {{campaign: main, event: Purchase, name: plan, type: text, required: true}}
        event_lists:
          - {{name: funnel, events: [Lead, Purchase, qualified, call_booked]}}
        integrations:
          - name: network
            kind: postback
            campaign: main
            event_rules: [{{source: conv, event: Purchase}}]
        destinations:
          - name: meta
            type: meta
            settings: {{pixel_id: "{META_PIXEL}", endpoint: "{base}/meta"}}
            credentials: {{access_token: meta-secret-token}}
            campaigns: [main]
            mappings:
              - {{event: Purchase, action: {meta_purchase}}}
          - name: google
            type: google_ads
            settings: {{customer_id: "{GOOGLE_CUSTOMER}", endpoint: "{base}/google_ads"}}
            credentials: {{developer_token: dev-token, access_token: google-secret-token}}
            campaigns: [main]
            mappings:
              - {{event: Lead, action: standard, target: Lead,
                  params: {{conversion_action_id: "{GOOGLE_LEAD_ACTION}"}}}}
              - {{event: Purchase, action: standard, target: Purchase,
                  params: {{conversion_action_id: "{GOOGLE_PURCHASE_ACTION}"}}}}
          - name: tiktok
            type: tiktok
            settings: {{pixel_code: {TIKTOK_PIXEL}, endpoint: "{base}/tiktok"}}
            credentials: {{access_token: tiktok-secret-token}}
            campaigns: [main]
          - name: partner
            type: postback
            settings: {{url: "{partner}"}}
            campaigns: [main]
            mappings:
              - {{event: qualified, action: custom, target: qualified}}
              - {{event: call_booked, action: custom, target: booked}}
        postbacks:
          - name: aff
            event: Purchase
            campaign: main
            url: "{affiliate}"
            method: GET
        """
    )


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def new_id(prefix: str = "ev") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:16]}"


def bodies(platforms: PlatformServer, platform: str, event_id: str) -> list[dict[str, Any]]:
    """Each accepted item (Meta/TikTok `data[]`, Google `conversions[]`) carrying the event id."""
    import json

    found = []
    for item in received_for(platforms, platform, event_id):
        document = json.loads(item.body)
        key = "conversions" if platform == "google_ads" else "data"
        found.extend(
            entry for entry in document[key]
            if event_id in (entry.get("event_id"), entry.get("orderId"))
        )  # fmt: skip
    return found


def received_for(platforms: PlatformServer, platform: str, event_id: str) -> list[Received]:
    """Requests to one platform that carried the event id."""
    return [r for r in platforms.received if r.platform == platform and event_id in r.event_ids]
