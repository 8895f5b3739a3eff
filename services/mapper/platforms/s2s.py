"""Shared by the click-id S2S pixels (Outbrain, Taboola): one GET per conversion."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlencode

from services.mapper.platforms.base import compact
from switchyard.v1 import common_pb2


def get_request(url: str, query: Mapping[str, object]) -> common_pb2.HttpRequest:
    """A GET with its query string; empty values are left out."""
    return common_pb2.HttpRequest(method="GET", url=f"{url}?{urlencode(compact(query))}")
