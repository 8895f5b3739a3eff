"""Canonical events, destinations and snapshots for mapper tests, built from the contract."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from google.protobuf import timestamp_pb2

from services.common.catalog import STANDARD_EVENTS
from switchyard.v1 import common_pb2, config_pb2

ORG = "org-1"
EVENT_TIME = datetime(2026, 10, 1, 12, 0, 0, tzinfo=UTC)
CLICK_TIME = datetime(2026, 10, 1, 11, 30, 0, 123000, tzinfo=UTC)
NOW = datetime(2026, 10, 1, 12, 5, 0, tzinfo=UTC)

# Documented example hashes (platforms.md §1).
EMAIL = "62a14e44f765419d10fea99367361a727c12365e2520f32218d505ed9aa0f62f"
PHONE = "e323ec626319ca94ee8bff2e4c87cf613be6ea19919ed1364124e16807ab3176"
PHONE_E164 = "e5b124c58580eb16bd959b8d0cac12b12c952e2ceae0203d416cff94f10b994a"
EMAIL_REDDIT = "ff8d9819fc0e12bf0d24892e45987e249a28dce836a85cad60e28eaaa8c6d976"
FIRST_NAME = "6915771be1c5aa0c886870b6951b03d7eafc121fea0e80a5ea83beb7c449f4ec"
COUNTRY = "79adb2a2fce5c6ba215fe5f27f532d4e7edbac4b6a5e09e1ef3a08084a904621"
EXTERNAL = "542d240129883c019e106e3b1b2d3f3cb3537c43c425364de8e951d5a3083345"

D = common_pb2.DestinationType


def ts(moment: datetime) -> timestamp_pb2.Timestamp:
    stamp = timestamp_pb2.Timestamp()
    stamp.FromDatetime(moment)
    return stamp


def identity() -> common_pb2.HashedIdentity:
    return common_pb2.HashedIdentity(
        email=EMAIL,
        email_google=EMAIL,
        email_reddit=EMAIL_REDDIT,
        phone=PHONE,
        phone_e164=PHONE_E164,
        first_name=FIRST_NAME,
        first_name_google=FIRST_NAME,
        country=COUNTRY,
        external_id=EXTERNAL,
    )


def click() -> common_pb2.Click:
    return common_pb2.Click(
        click_id="clk-9",
        organization_id=ORG,
        campaign_id="camp-1",
        ids=common_pb2.ClickIds(
            fbclid="IwAR2F4-dbP0l7Mn1IawQQ",
            gclid="Cj0KCQjw-EXAMPLE",
            ttclid="E.C.P.EXAMPLE",
            msclkid="cdd4afcccb1c9a4cad9544dd7e5006d5",
            sccid="sc-click-1",
            epik="dj0yJnU9EXAMPLE",
            rdt_cid="rdt-click-1",
            li_fat_id="li-fat-1",
            ob_click_id="00abc123ob",
            tblci="GiA-taboola-click",
        ),
        params={"utm_source": "facebook", "utm_campaign": "fall sale", "sub2": "s2"},
        landing_url="https://shop.example/landing?fbclid=IwAR2F4-dbP0l7Mn1IawQQ",
        clicked_at=ts(CLICK_TIME),
    )


def event(**overrides: Any) -> common_pb2.CanonicalEvent:
    """A rich Purchase: every identifier, a click, two line items."""
    fields: dict[str, Any] = {
        "event_id": "order-1042",
        "organization_id": ORG,
        "campaign_id": "camp-1",
        "event_name": "Purchase",
        "kind": common_pb2.EVENT_KIND_STANDARD,
        "event_time": ts(EVENT_TIME),
        "received_at": ts(EVENT_TIME),
        "lead_id": "lead-7",
        "transaction_id": "T-1042",
        "click_id": "clk-9",
        "value": 49.9,
        "currency": "USD",
        "payout": 12.5,
        "identity": identity(),
        "client": common_pb2.ClientContext(
            ip="203.0.113.7",
            user_agent="Mozilla/5.0 (X11; Linux x86_64)",
            page_url="https://shop.example/thank-you",
            fbp="fb.1.1596403881668.1116446470",
            ttp="2F7h3ttp",
            scid="scid-cookie",
            ga_client_id="1234567890.1759990000",
            browser_ids={"rdt_uuid": "rdt-uuid-1"},
        ),
        "click": click(),
        "action_source": common_pb2.ACTION_SOURCE_WEBSITE,
        "items": [
            common_pb2.Item(id="SKU-1", name="Widget", quantity=1, price=39.9, category="Tools"),
            common_pb2.Item(id="SKU-2", name="Cable", quantity=2, price=5.0),
        ],
        "params": {"aff_id": "aff 42", "sub1": "a&b"},
        "custom_fields": {"plan": "gold"},
    }
    fields.update(overrides)
    return common_pb2.CanonicalEvent(**fields)


def bare_event(**overrides: Any) -> common_pb2.CanonicalEvent:
    """An event with no identifiers and no click at all."""
    fields: dict[str, Any] = {
        "event_id": "bare-1",
        "organization_id": ORG,
        "campaign_id": "camp-1",
        "event_name": "Purchase",
        "kind": common_pb2.EVENT_KIND_STANDARD,
        "event_time": ts(EVENT_TIME),
    }
    fields.update(overrides)
    return common_pb2.CanonicalEvent(**fields)


SETTINGS: dict[int, dict[str, str]] = {
    D.DESTINATION_TYPE_META: {"pixel_id": "1234567890", "test_event_code": "TEST12345"},
    D.DESTINATION_TYPE_GOOGLE_ADS: {
        "customer_id": "1234567890",
        "conversion_action_id": "987654321",
    },
    D.DESTINATION_TYPE_GA4: {"measurement_id": "G-ABC123"},
    D.DESTINATION_TYPE_TIKTOK: {"pixel_code": "CXXXXXXXXXXXXXXX", "test_event_code": "TEST1234"},
    D.DESTINATION_TYPE_MICROSOFT: {"tag_id": "56789012"},
    D.DESTINATION_TYPE_SNAPCHAT: {"pixel_id": "snap-pixel-1"},
    D.DESTINATION_TYPE_PINTEREST: {"ad_account_id": "549755885175"},
    D.DESTINATION_TYPE_REDDIT: {"ad_account_id": "t2_abc123"},
    D.DESTINATION_TYPE_LINKEDIN: {"conversion_rule_id": "123456"},
    D.DESTINATION_TYPE_OUTBRAIN: {},
    D.DESTINATION_TYPE_TABOOLA: {},
    D.DESTINATION_TYPE_POSTBACK: {
        "url": "https://track.example/pb?tx={transaction_id}&payout={payout}&aff={aff_id}",
    },
    D.DESTINATION_TYPE_WEBHOOK: {"url": "https://hooks.example/switchyard"},
}


def destination(dtype: int, **overrides: Any) -> config_pb2.Destination:
    name = common_pb2.DestinationType.Name(dtype).removeprefix("DESTINATION_TYPE_").lower()
    fields: dict[str, Any] = {
        "id": f"dest-{name}",
        "name": f"{name} main",
        "type": dtype,
        "settings": SETTINGS[dtype],
        "enabled": True,
    }
    fields.update(overrides)
    return config_pb2.Destination(**fields)


def definitions() -> list[config_pb2.EventDefinition]:
    standard = [
        config_pb2.EventDefinition(
            id=f"def-{name}",
            name=name,
            kind=common_pb2.EVENT_KIND_STANDARD,
            affiliate_conversion=name == "Purchase",
        )
        for name in STANDARD_EVENTS
    ]
    custom = [
        config_pb2.EventDefinition(
            id="def-sale",
            name="sale",
            kind=common_pb2.EVENT_KIND_CUSTOM,
            affiliate_conversion=True,
            payout=20.0,
        ),
        config_pb2.EventDefinition(
            id="def-qualified",
            name="qualified_lead",
            kind=common_pb2.EVENT_KIND_CUSTOM,
        ),
    ]
    return standard + custom


def snapshot(
    destinations: list[config_pb2.Destination],
    mappings: list[config_pb2.EventMapping] = (),  # type: ignore[assignment]
    postbacks: list[config_pb2.Postback] = (),  # type: ignore[assignment]
    version: int = 7,
) -> config_pb2.Snapshot:
    return config_pb2.Snapshot(
        organization=config_pb2.Organization(id=ORG, name="Acme", default_country="US"),
        version=version,
        event_definitions=definitions(),
        destinations=destinations,
        event_mappings=list(mappings),
        postbacks=list(postbacks),
    )
