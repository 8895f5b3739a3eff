"""The adapter table: one row per destination type. Adding a platform is a module and a row."""

from __future__ import annotations

from services.mapper.platforms import (
    ga4,
    google_ads,
    linkedin,
    meta,
    microsoft,
    outbrain,
    pinterest,
    postback,
    reddit,
    snapchat,
    taboola,
    tiktok,
    webhook,
)
from services.mapper.platforms.base import Platform

PLATFORMS: dict[int, Platform] = {
    platform.type: platform
    for platform in (
        meta.PLATFORM,
        google_ads.PLATFORM,
        ga4.PLATFORM,
        tiktok.PLATFORM,
        microsoft.PLATFORM,
        snapchat.PLATFORM,
        pinterest.PLATFORM,
        reddit.PLATFORM,
        linkedin.PLATFORM,
        outbrain.PLATFORM,
        taboola.PLATFORM,
        postback.PLATFORM,
        webhook.PLATFORM,
    )
}


def platform_for(destination_type: int) -> Platform | None:
    """The adapter of a destination type, or None for an unknown one."""
    return PLATFORMS.get(destination_type)
