"""Outbound target policy (law 8): postback and webhook URLs may not reach internal addresses.

The registry checks a URL when it is configured; the dispatcher resolves and checks again at
send time and pins its connection to the addresses that passed, so DNS cannot be swapped
between check and use. An operator's allow list opens exactly the ranges it names.
"""

from __future__ import annotations

import asyncio
import ipaddress
import re
import socket
from collections.abc import Sequence
from urllib.parse import urlsplit

from services.common.errors import InvalidArgument, Problem, Unavailable

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

# The ranges Svix's and Stripe's Smokescreen egress proxies refuse.
BLOCKED_V4 = tuple(
    ipaddress.IPv4Network(n)
    for n in (
        "0.0.0.0/8",
        "10.0.0.0/8",
        "100.64.0.0/10",
        "127.0.0.0/8",
        "169.254.0.0/16",
        "172.16.0.0/12",
        "192.0.0.0/24",
        "192.0.2.0/24",
        "192.168.0.0/16",
        "198.18.0.0/15",
        "198.51.100.0/24",
        "203.0.113.0/24",
        "224.0.0.0/4",
        "240.0.0.0/4",
        "255.255.255.255/32",
    )
)
BLOCKED_V6 = tuple(
    ipaddress.IPv6Network(n)
    for n in (
        "::/96",  # unspecified, loopback and the deprecated IPv4-compatible form
        "fe80::/10",
        "fc00::/7",
        "ff00::/8",
        "2001:db8::/32",
        "2001::/32",  # Teredo: the embedded client address is obfuscated, refuse outright
    )
)
NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
BLOCKED_NAMES = frozenset({"localhost", "metadata.google.internal"})
BLOCKED_SUFFIXES = (".localhost", ".internal")
ALLOWED_SCHEMES = frozenset({"http", "https"})
_LEGACY_PART = re.compile(r"^(0x[0-9a-f]*|0[0-7]*|[1-9][0-9]*)$")


class TargetRefused(InvalidArgument):
    """An outbound target is not allowed; `reason` says which rule refused it."""

    def __init__(self, reason: str, field: str = "url") -> None:
        self.reason = reason
        super().__init__([Problem(field, reason)])


def _legacy_number(part: str) -> int:
    if part.startswith("0x"):
        return int(part[2:] or "0", 16)
    return int(part, 8) if part.startswith("0") else int(part)


def _parse_legacy_ipv4(text: str) -> ipaddress.IPv4Address | None:
    """Read the inet_aton forms browsers and libc accept: 2130706433, 0x7f000001, 0177.0.0.1."""
    parts = text.split(".")
    if not 1 <= len(parts) <= 4 or not all(_LEGACY_PART.match(p) for p in parts):
        return None
    numbers = [_legacy_number(p) for p in parts]
    *head, last = numbers
    if any(n > 255 for n in head) or last >= 256 ** (5 - len(numbers)):
        return None
    value = 0
    for n in head:
        value = value * 256 + n
    value = value * 256 ** (5 - len(numbers)) + last
    return ipaddress.IPv4Address(value)


def parse_ip(host: str) -> IPAddress | None:
    """The IP address a URL host denotes, including legacy IPv4 spellings; None for a name."""
    text = host.strip("[]").lower()
    text = text.split("%", 1)[0]  # an IPv6 zone id names an interface, not an address
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return _parse_legacy_ipv4(text)


def _allowed(ip: IPAddress, allow: Sequence[Network]) -> bool:
    return any(ip.version == net.version and ip in net for net in allow)


def _refusal(ip: IPAddress, allow: Sequence[Network]) -> str | None:
    """Why an address is refused, or None when it may be reached."""
    if _allowed(ip, allow):
        return None
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = _embedded_v4(ip)
        if embedded is not None:
            reason = _refusal(embedded, allow)
            return f"{ip} embeds {reason}" if reason else None
        blocked: Sequence[Network] = BLOCKED_V6
    else:
        blocked = BLOCKED_V4
    for net in blocked:
        if ip in net:
            return f"address {ip} is in blocked range {net}"
    return None


def _embedded_v4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv4-mapped, NAT64 or 6to4 address routes to."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip in NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return ip.sixtofour


def check_address(ip: str | IPAddress, allow: Sequence[Network] = ()) -> None:
    """Raise TargetRefused unless the address is public or inside an allow-listed network."""
    address = parse_ip(ip) if isinstance(ip, str) else ip
    if address is None:
        raise TargetRefused(f"{ip!r} is not an IP address")
    reason = _refusal(address, allow)
    if reason:
        raise TargetRefused(reason)


def check_host_name(host: str) -> None:
    """Refuse names that always mean this machine or a cloud metadata service."""
    name = host.lower().rstrip(".")
    if not name:
        raise TargetRefused("URL has no host")
    if name in BLOCKED_NAMES or name.endswith(BLOCKED_SUFFIXES):
        raise TargetRefused(f"host {name!r} is an internal name")


def check_url(url: str, allow: Sequence[Network] = ()) -> None:
    """Check a postback/webhook URL without DNS: scheme, internal names, literal addresses."""
    if any(c.isspace() or ord(c) < 32 or c == "\\" for c in url):
        raise TargetRefused("URL contains whitespace, control characters or backslashes")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError as err:
        raise TargetRefused(f"URL is malformed ({err})") from None
    if parts.scheme.lower() not in ALLOWED_SCHEMES:
        raise TargetRefused("URL scheme must be http or https")
    host = parts.hostname or ""
    ip = parse_ip(host)
    if ip is not None:
        check_address(ip, allow)
    else:
        check_host_name(host)


async def resolve_and_check(host: str, port: int, allow: Sequence[Network] = ()) -> list[str]:
    """Resolve a host and return only the addresses it may be reached at (to pin connections to).

    Raises TargetRefused when every address is refused, Unavailable when the name does not
    resolve (DNS failures are usually passing, so the dispatcher retries).
    """
    ip = parse_ip(host)
    if ip is not None:
        check_address(ip, allow)
        return [str(ip)]
    check_host_name(host)
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as err:
        raise Unavailable(f"cannot resolve {host}: {err.strerror}") from None
    addresses = list(dict.fromkeys(str(info[4][0]).split("%", 1)[0] for info in infos))
    passed = [a for a in addresses if _refusal(ipaddress.ip_address(a), allow) is None]
    if not passed:
        raise TargetRefused(f"host {host} resolves only to refused addresses {addresses}")
    return passed
