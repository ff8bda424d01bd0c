"""Which outbound URLs and addresses a subscription may reach (server-side request forgery).

A subscription URL is checked three times: when it is created or changed (`check_url`), when a
test event is requested (`check_url(..., resolve=True)`), and — the check that matters — at
connect time on every attempt, against the address the socket is about to connect to
(`api.subscriptions.transport`). The name is never trusted: it may resolve to a public address
at creation and to a private one at delivery (DNS rebinding).

Refused: every address that is not globally routable unicast (loopback, RFC 1918, link-local,
CGNAT 100.64/10, unique local, multicast, reserved, documentation, 0.0.0.0/8, …), the cloud
metadata endpoints (169.254.169.254, fd00:ec2::254), and IPv6 forms that embed an IPv4 address
(mapped, compatible, NAT64, 6to4, Teredo) whenever the embedded address is refused.
`VIGIE_OUTBOUND_ALLOW_CIDRS` re-admits chosen ranges (127.0.0.0/8 for tests and `vigie dev`),
never link-local or metadata ones. Hosts written as odd IPv4 forms (`2130706433`, `0x7f.1`,
`0177.0.0.1`, `127.1`) are refused outright: a browser and a resolver disagree on them.

This module has no HTTP client: the API imports it to validate URLs.
"""

from __future__ import annotations

import ipaddress
import re
import socket
import threading
import time
from collections.abc import Iterable, Sequence
from functools import cache
from typing import Any, Final
from urllib.parse import SplitResult, urlsplit

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

MAX_URL_LENGTH: Final = 2048
_SCHEMES: Final = frozenset({"http", "https"})
# Never reachable, whatever VIGIE_OUTBOUND_ALLOW_CIDRS says.
NEVER_ALLOWED: Final[tuple[Network, ...]] = (
    ipaddress.IPv4Network("169.254.0.0/16"),  # link-local, AWS/GCP/Azure metadata
    ipaddress.IPv6Network("fe80::/10"),  # link-local
    ipaddress.IPv6Network("fd00:ec2::254/128"),  # AWS metadata over IPv6
    ipaddress.IPv4Network("0.0.0.0/8"),  # "this network": 0.0.0.0 reaches the local host
    ipaddress.IPv6Network("::/128"),
)
# Refused even though Python calls some of them global.
EXTRA_REFUSED: Final[tuple[Network, ...]] = (
    ipaddress.IPv4Network("100.64.0.0/10"),  # CGNAT (shared address space)
    ipaddress.IPv4Network("192.0.0.0/24"),  # IETF protocol assignments
    ipaddress.IPv4Network("198.18.0.0/15"),  # benchmarking
    ipaddress.IPv6Network("64:ff9b:1::/48"),  # local-use NAT64
)
# A hostname made only of digits, dots and hex/octal markers is an IPv4 literal in disguise.
_NUMERIC_HOST: Final = re.compile(r"^(0x[0-9a-f]*|[0-9]+)(\.(0x[0-9a-f]*|[0-9]*))*\.?$", re.I)
_HOST_LABEL: Final = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


class UnsafeURLError(ValueError):
    """The URL may not be used for outbound deliveries; the message says why (user-facing)."""


class BlockedAddressError(OSError):
    """A connection to this address was refused before any packet was sent."""


class LookupTimedOut(Exception):
    """The resolver gave no answer in the time allowed (the lookup is left to finish alone).

    Not an OSError: a late answer is not a name that does not resolve, and no `except OSError`
    on the way may turn it into one."""


# How long the API waits for a name it checks on a request (`check_url(..., resolve=True)`);
# the dispatcher waits for the time its delivery has left instead.
RESOLVE_TIMEOUT_SECONDS: Final = 3.0
# Lookups that may wait at once: a resolver that stalls every one holds no more threads.
_MAX_PENDING_LOOKUPS: Final = 16
_PENDING_LOOKUPS: Final = threading.BoundedSemaphore(_MAX_PENDING_LOOKUPS)


def lookup(host: str, port: int, timeout: float) -> list[Any]:
    """`socket.getaddrinfo(host, port)` for TCP, waited for `timeout` seconds at most.

    getaddrinfo cannot be interrupted, and obeys only the resolver's own limits (resolv.conf's
    5 s x attempts x servers; none for a stalled NSS module): a delivery's deadline or an API
    request would wait for them. It runs on a daemon thread, which the process may exit without,
    and `LookupTimedOut` is raised when the answer is late; at most 16 lookups wait at once.
    """
    deadline = time.monotonic() + max(0.0, timeout)
    if not _PENDING_LOOKUPS.acquire(timeout=max(0.0, timeout)):
        raise LookupTimedOut(f"{host}: too many name lookups pending")
    answer: list[Any] = []
    failure: list[BaseException] = []
    done = threading.Event()

    def resolve() -> None:
        try:
            answer.extend(socket.getaddrinfo(host, port, type=socket.SOCK_STREAM))
        except BaseException as error:  # handed to the caller, whatever it is
            failure.append(error)
        finally:
            done.set()
            _PENDING_LOOKUPS.release()

    threading.Thread(target=resolve, name=f"vigie-lookup-{host}"[:64], daemon=True).start()
    if not done.wait(max(0.0, deadline - time.monotonic())):
        raise LookupTimedOut(f"{host} did not resolve within {timeout:.1f} s")
    if failure:
        raise failure[0]
    return answer


def parse_allow_cidrs(value: str) -> tuple[Network, ...]:
    """`VIGIE_OUTBOUND_ALLOW_CIDRS`, minus anything overlapping a never-allowed range."""
    networks: list[Network] = []
    for part in value.split(","):
        text = part.strip()
        if not text:
            continue
        network = ipaddress.ip_network(text, strict=False)
        if any(
            network.overlaps(never) for never in NEVER_ALLOWED if never.version == network.version
        ):
            raise ValueError(f"VIGIE_OUTBOUND_ALLOW_CIDRS may not include {network}")
        networks.append(network)
    return tuple(networks)


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    packed = address.packed
    if packed[:12] == bytes(12) and address != ipaddress.IPv6Address("::1"):
        return ipaddress.IPv4Address(packed[12:])  # IPv4-compatible (deprecated) ::a.b.c.d
    if address in ipaddress.IPv6Network("64:ff9b::/96"):
        return ipaddress.IPv4Address(packed[12:])  # NAT64
    return None


def refusal_reason(address: Address, allowed: Sequence[Network] = ()) -> str | None:
    """Why `address` may not be connected to, or None when it may."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.scope_id:
            return "a scoped IPv6 address"
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            reason = refusal_reason(embedded, allowed)
            return None if reason is None else f"an IPv6 form of {embedded} ({reason})"
    for never in NEVER_ALLOWED:
        if address.version == never.version and address in never:
            return "a link-local or cloud metadata address"
    if any(address.version == net.version and address in net for net in allowed):
        return None
    if address.is_loopback:
        return "a loopback address"
    if address.is_multicast:
        return "a multicast address"
    for extra in EXTRA_REFUSED:
        if address.version == extra.version and address in extra:
            return "a shared or reserved address"
    if address.is_private:
        return "a private address"
    if not address.is_global or address.is_reserved or address.is_unspecified:
        return "a reserved address"
    return None


def check_address(address: str, allowed: Sequence[Network] = ()) -> Address:
    """The parsed address when it may be connected to; `BlockedAddressError` otherwise."""
    if "%" in address:
        raise BlockedAddressError(f"{address} is a scoped IPv6 address")
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        raise BlockedAddressError(f"{address!r} is not an IP address") from None
    reason = refusal_reason(parsed, allowed)
    if reason is not None:
        raise BlockedAddressError(f"{address} is {reason}")
    return parsed


def _literal_address(host: str) -> Address | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def split_url(url: str) -> SplitResult:
    """The URL's parts when its form is acceptable (no resolution yet)."""
    if len(url) > MAX_URL_LENGTH:
        raise UnsafeURLError(f"The URL is longer than {MAX_URL_LENGTH} characters.")
    if any(ord(char) < 0x21 or ord(char) > 0x7E for char in url) or "\\" in url:
        raise UnsafeURLError("The URL holds spaces, control or non-ASCII characters: encode them.")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise UnsafeURLError("The URL is malformed (port or IPv6 address).") from None
    if parts.scheme not in _SCHEMES:
        raise UnsafeURLError("Only http:// and https:// URLs can receive events.")
    if "@" in parts.netloc or parts.username is not None or parts.password is not None:
        raise UnsafeURLError("The URL may not carry credentials (user:password@).")
    host = (parts.hostname or "").lower()
    if not host:
        raise UnsafeURLError("The URL has no host.")
    if port == 0:
        raise UnsafeURLError("Port 0 is not a valid destination.")
    if _literal_address(host) is None:
        if _NUMERIC_HOST.fullmatch(host):
            raise UnsafeURLError(f"'{host}' is an oddly written IP address: write it plainly.")
        labels = host.rstrip(".").split(".")
        if not all(_HOST_LABEL.fullmatch(label) for label in labels):
            raise UnsafeURLError(f"'{host}' is not a valid host name.")
    return parts


def check_url(url: str, allowed: Sequence[Network] = (), *, resolve: bool = False) -> str:
    """The URL when it may receive events (optionally resolving its host now); raises otherwise."""
    parts = split_url(url)
    host = (parts.hostname or "").lower()
    literal = _literal_address(host)
    if literal is not None:
        addresses: Iterable[str] = [str(literal)]
    elif host == "localhost" or host.endswith((".localhost", ".local", ".internal")):
        addresses = ["127.0.0.1"] if host == "localhost" or host.endswith(".localhost") else []
        if not addresses:
            raise UnsafeURLError(f"'{host}' is a local-network name.")
    elif resolve:
        addresses = resolve_host(host, parts.port or (443 if parts.scheme == "https" else 80))
    else:
        addresses = []
    for address in addresses:
        try:
            check_address(address, allowed)
        except BlockedAddressError as error:
            raise UnsafeURLError(
                f"The URL's host resolves to a refused address: {error}."
            ) from None
    return url


def resolve_host(host: str, port: int) -> list[str]:
    """Every address `host` resolves to (TCP); `UnsafeURLError` when it does not resolve,
    `LookupTimedOut` when the resolver does not answer within `RESOLVE_TIMEOUT_SECONDS`."""
    try:
        infos = lookup(host, port, RESOLVE_TIMEOUT_SECONDS)
    except (OSError, UnicodeError):
        raise UnsafeURLError(f"'{host}' does not resolve.") from None
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


@cache
def allowed_networks(value: str) -> tuple[Network, ...]:
    return parse_allow_cidrs(value)
