from __future__ import annotations

import ipaddress

import pytest

from services.common.ssrf import (
    TargetRefused,
    check_address,
    check_url,
    parse_ip,
    resolve_and_check,
)

ALLOW = (ipaddress.ip_network("10.20.0.0/16"), ipaddress.ip_network("192.168.1.7/32"))

BLOCKED_ADDRESSES = [
    "0.0.0.0", "10.0.0.1", "100.64.0.1", "127.0.0.1", "127.255.255.254", "169.254.169.254",
    "172.16.0.1", "172.31.255.255", "192.0.0.8", "192.0.2.1", "192.168.0.1", "198.18.0.1",
    "198.19.255.255", "198.51.100.1", "203.0.113.9", "224.0.0.1", "239.255.255.250",
    "240.0.0.1", "255.255.255.255",
    "::", "::1", "::127.0.0.1", "fe80::1", "fc00::1", "fd12:3456::1", "ff02::1",
    "2001:db8::1", "2001::1", "2001:0:4136:e378:8000:63bf:3fff:fdd2",
    "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:169.254.169.254",
    "64:ff9b::127.0.0.1", "64:ff9b::a9fe:a9fe",
    "2002:7f00:1::", "2002:a00:1::1",
]  # fmt: skip
ALLOWED_ADDRESSES = [
    "8.8.8.8", "1.1.1.1", "93.184.216.34", "172.32.0.1", "100.128.0.1", "198.20.0.1",
    "2606:4700:4700::1111", "2a00:1450:4001:80b::200e",
    "::ffff:8.8.8.8", "64:ff9b::808:808", "2002:808:808::1",
]  # fmt: skip


@pytest.mark.parametrize("address", BLOCKED_ADDRESSES)
def test_blocked_addresses(address: str) -> None:
    with pytest.raises(TargetRefused):
        check_address(address)


@pytest.mark.parametrize("address", ALLOWED_ADDRESSES)
def test_public_addresses(address: str) -> None:
    check_address(address)


@pytest.mark.parametrize(
    "address", ["10.20.3.4", "192.168.1.7", "::ffff:10.20.0.1", "64:ff9b::a14:1"]
)
def test_allow_list_opens_what_it_names(address: str) -> None:
    check_address(address, ALLOW)


@pytest.mark.parametrize("address", ["10.21.0.1", "192.168.1.8", "127.0.0.1", "169.254.169.254"])
def test_allow_list_opens_nothing_else(address: str) -> None:
    with pytest.raises(TargetRefused):
        check_address(address, ALLOW)


@pytest.mark.parametrize(
    ("host", "ip"),
    [
        ("2130706433", "127.0.0.1"),
        ("0x7f000001", "127.0.0.1"),
        ("0177.0.0.1", "127.0.0.1"),
        ("0x7f.1", "127.0.0.1"),
        ("127.1", "127.0.0.1"),
        ("10.0x1.0377", "10.1.0.255"),
        ("[::1]", "::1"),
        ("example.com", None),
        ("1.2.3.4.5", None),
        ("08.1.1.1", None),
    ],
)
def test_parse_ip_reads_legacy_forms(host: str, ip: str | None) -> None:
    parsed = parse_ip(host)
    assert (str(parsed) if parsed else None) == ip


REFUSED_URLS = [
    "ftp://example.com/",
    "file:///etc/passwd",
    "gopher://example.com/",
    "http://localhost/",
    "http://LOCALHOST./",
    "http://api.localhost/",
    "http://metadata.google.internal/computeMetadata/v1/",
    "http://something.internal/",
    "http://127.0.0.1/",
    "http://2130706433/",
    "http://0x7f000001/",
    "http://0177.0.0.1/",
    "http://[::1]:8080/",
    "http://[::ffff:127.0.0.1]/",
    "http://169.254.169.254/latest/meta-data/",
    "http://user:pw@10.0.0.1/",
    "https://example.com\\@127.0.0.1/",
    "http://example.com:99999/",
    "http:///path-only",
    "http://exa mple.com/",
]
ALLOWED_URLS = [
    "https://example.com/postback?click={click_id}",
    "http://8.8.8.8:8080/x",
    "https://[2606:4700:4700::1111]/",
    "https://user:pw@example.com/",
    "http://10.20.1.1/allowed-by-operator",
]


@pytest.mark.parametrize("url", REFUSED_URLS)
def test_refused_urls(url: str) -> None:
    with pytest.raises(TargetRefused) as caught:
        check_url(url, ALLOW)
    assert caught.value.problems[0].field == "url"


@pytest.mark.parametrize("url", ALLOWED_URLS)
def test_allowed_urls(url: str) -> None:
    check_url(url, ALLOW)


async def test_resolve_and_check_refuses_loopback_names() -> None:
    with pytest.raises(TargetRefused):
        await resolve_and_check("localhost", 80)
    with pytest.raises(TargetRefused):
        await resolve_and_check("0x7f000001", 80)


async def test_resolve_and_check_returns_allowed_literals() -> None:
    assert await resolve_and_check("8.8.8.8", 443) == ["8.8.8.8"]
    assert await resolve_and_check("127.0.0.1", 80, [ipaddress.ip_network("127.0.0.1/32")]) == [
        "127.0.0.1"
    ]
