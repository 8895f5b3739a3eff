"""What each destination type needs: settings and credentials, checked by the registry.

The registry validates destinations against this table and the mapper's adapters read the same
names, so a destination that is accepted is one the mapper can render.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from switchyard.v1 import common_pb2

# Every type also accepts `endpoint`: a base URL replacing the platform's own (a regional host,
# a proxy, or a local capture server in tests and the demo).
COMMON_SETTINGS = frozenset({"endpoint"})


@dataclass(frozen=True)
class PlatformSpec:
    """Settings and credentials one destination type takes."""

    name: str
    type: int
    required_settings: frozenset[str] = frozenset()
    optional_settings: frozenset[str] = frozenset()
    required_credentials: frozenset[str] = frozenset()
    optional_credentials: frozenset[str] = frozenset()
    digit_settings: frozenset[str] = field(default=frozenset())

    @property
    def allowed_settings(self) -> frozenset[str]:
        return self.required_settings | self.optional_settings | COMMON_SETTINGS

    @property
    def allowed_credentials(self) -> frozenset[str]:
        return self.required_credentials | self.optional_credentials


D = common_pb2.DestinationType
_OAUTH_REFRESH = frozenset({"refresh_token", "client_id", "client_secret"})

SPECS: dict[int, PlatformSpec] = {
    spec.type: spec
    for spec in (
        PlatformSpec(
            "meta",
            D.DESTINATION_TYPE_META,
            required_settings=frozenset({"pixel_id"}),
            optional_settings=frozenset({"api_version", "test_event_code"}),
            required_credentials=frozenset({"access_token"}),
            digit_settings=frozenset({"pixel_id"}),
        ),
        PlatformSpec(
            "google_ads",
            D.DESTINATION_TYPE_GOOGLE_ADS,
            required_settings=frozenset({"customer_id"}),
            optional_settings=frozenset(
                {"login_customer_id", "conversion_action_id", "api_version", "token_uri"}
            ),
            required_credentials=frozenset({"developer_token"}),
            optional_credentials=frozenset({"access_token"}) | _OAUTH_REFRESH,
            digit_settings=frozenset({"customer_id", "login_customer_id", "conversion_action_id"}),
        ),
        PlatformSpec(
            "ga4",
            D.DESTINATION_TYPE_GA4,
            required_settings=frozenset({"measurement_id"}),
            optional_settings=frozenset({"region"}),
            required_credentials=frozenset({"api_secret"}),
        ),
        PlatformSpec(
            "tiktok",
            D.DESTINATION_TYPE_TIKTOK,
            required_settings=frozenset({"pixel_code"}),
            optional_settings=frozenset({"test_event_code"}),
            required_credentials=frozenset({"access_token"}),
        ),
        PlatformSpec(
            "microsoft",
            D.DESTINATION_TYPE_MICROSOFT,
            required_settings=frozenset({"tag_id"}),
            required_credentials=frozenset({"access_token"}),
        ),
        PlatformSpec(
            "snapchat",
            D.DESTINATION_TYPE_SNAPCHAT,
            required_settings=frozenset({"pixel_id"}),
            required_credentials=frozenset({"access_token"}),
        ),
        PlatformSpec(
            "pinterest",
            D.DESTINATION_TYPE_PINTEREST,
            required_settings=frozenset({"ad_account_id"}),
            required_credentials=frozenset({"access_token"}),
            digit_settings=frozenset({"ad_account_id"}),
        ),
        PlatformSpec(
            "reddit",
            D.DESTINATION_TYPE_REDDIT,
            required_settings=frozenset({"ad_account_id"}),
            required_credentials=frozenset({"access_token"}),
        ),
        PlatformSpec(
            "linkedin",
            D.DESTINATION_TYPE_LINKEDIN,
            optional_settings=frozenset({"conversion_rule_id", "api_version"}),
            required_credentials=frozenset({"access_token"}),
            digit_settings=frozenset({"conversion_rule_id"}),
        ),
        PlatformSpec(
            "outbrain",
            D.DESTINATION_TYPE_OUTBRAIN,
            optional_settings=frozenset({"marketer_id"}),
        ),
        PlatformSpec(
            "taboola",
            D.DESTINATION_TYPE_TABOOLA,
            optional_settings=frozenset({"account_id"}),
        ),
        PlatformSpec(
            "postback",
            D.DESTINATION_TYPE_POSTBACK,
            required_settings=frozenset({"url"}),
            optional_settings=frozenset({"method", "body_template", "content_type"}),
        ),
        PlatformSpec(
            "webhook",
            D.DESTINATION_TYPE_WEBHOOK,
            required_settings=frozenset({"url"}),
            required_credentials=frozenset({"signing_secret"}),
        ),
    )
}

SPECS_BY_NAME: dict[str, PlatformSpec] = {spec.name: spec for spec in SPECS.values()}


def spec_for(destination_type: int) -> PlatformSpec | None:
    """The spec of a destination type, or None for an unknown one."""
    return SPECS.get(destination_type)
