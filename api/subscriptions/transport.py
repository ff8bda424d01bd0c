"""The outbound HTTP client of the dispatcher: SSRF checked at connect time, on every connection.

Why not a library: the maintained SSRF guards for Python wrap `requests` (advocate, unmaintained
since 2020) or, for httpx, rewrite the URL to the resolved IP before sending (drawbridge 0.1.x,
young, one maintainer; it disables keep-alive to keep certificates right and has no notion of a
range that stays refused whatever the allow-list says). httpcore, which httpx sends through,
has a public seam for exactly this check: the network backend that opens every TCP connection.
`GuardedBackend.connect_tcp` resolves the host itself, refuses the connection when any resolved
address is refused (`api.subscriptions.ssrf.refusal_reason`), and connects to the vetted IP
literal, so the address checked is the address connected to — DNS rebinding cannot slip in
between — while TLS still verifies the certificate for the URL's host name (httpcore takes SNI
from the request, not from the socket). Environment proxies are ignored (`trust_env=False`) and
redirects are never followed: a 3xx is a failed attempt, so a redirect to 169.254.169.254 never
becomes a connection.

httpx timeouts bound each connect, read and write, not the exchange: a receiver that trickles
one byte every few seconds would hold a delivery for hours. The same seam enforces one deadline
for the whole POST: every stream the backend opens caps each operation by the time left
(`_DEADLINE`, set by `HttpSender.post` for the calling thread), and the name lookup before it is
waited for no longer than that (`ssrf.lookup`: getaddrinfo itself cannot be interrupted).
"""

from __future__ import annotations

import contextvars
import ipaddress
import ssl
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

import httpcore
import httpx

from api.subscriptions.ssrf import (
    BlockedAddressError,
    LookupTimedOut,
    Network,
    UnsafeURLError,
    lookup,
    refusal_reason,
    split_url,
)

EXCERPT_BYTES: Final = 2048
USER_AGENT: Final = "Vigie-Webhooks/1.0 (+https://vigie.dev/docs/subscriptions)"
# The longest wait a receiver's Retry-After may impose (the dispatcher never waits longer).
MAX_RETRY_AFTER_SECONDS: Final = 24 * 3600.0
# The monotonic instant the current exchange must be over by (None: no deadline but httpx's).
_DEADLINE: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "vigie_outbound_deadline", default=None
)
# A name lookup made outside any deadline and without a connect timeout still ends.
_NO_DEADLINE_LOOKUP: Final = 30.0


def _time_left(timeout: float | None) -> float | None:
    """The operation's timeout capped by the exchange's deadline; ReadTimeout once it passed."""
    deadline = _DEADLINE.get()
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        raise httpcore.ReadTimeout("the delivery's deadline passed")
    return left if timeout is None else min(timeout, left)


class DeadlineStream(httpcore.NetworkStream):
    """A connection whose every read, write and TLS handshake ends by the exchange's deadline."""

    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _time_left(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _time_left(timeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        inner = self._inner.start_tls(ssl_context, server_hostname, _time_left(timeout))
        return DeadlineStream(inner)

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class GuardedBackend(httpcore.SyncBackend):
    """httpcore's blocking backend, refusing connections to addresses the policy refuses."""

    def __init__(self, allowed: Sequence[Network] = ()) -> None:
        self._allowed = tuple(allowed)

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        try:
            # Within the delivery's deadline: a stalled resolver is a timed-out attempt.
            left = _time_left(timeout)
            infos = lookup(host.strip("[]"), port, _NO_DEADLINE_LOOKUP if left is None else left)
        except LookupTimedOut as error:
            raise httpcore.ConnectTimeout(str(error)) from None
        except (OSError, UnicodeError) as error:
            raise httpcore.ConnectError(f"{host} does not resolve: {error}") from None
        addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
        for address in addresses:
            reason = refusal_reason_of(address, self._allowed)
            if reason is not None:
                # One refused answer refuses the name: a rebinding resolver mixes answers.
                raise BlockedAddressError(f"{host} resolves to {address}, {reason}")
        last_error: Exception | None = None
        for address in addresses:
            try:
                stream = super().connect_tcp(
                    address, port, _time_left(timeout), local_address, socket_options
                )
                return DeadlineStream(stream)
            except httpcore.ConnectError as error:
                last_error = error
        raise httpcore.ConnectError(str(last_error or f"cannot connect to {host}"))


def refusal_reason_of(address: str, allowed: Sequence[Network]) -> str | None:
    if "%" in address:
        return "a scoped IPv6 address"
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return "not an IP address"
    return refusal_reason(parsed, allowed)


def guarded_client(allowed: Sequence[Network], timeout: float) -> httpx.Client:
    """An httpx client whose every connection goes through `GuardedBackend`."""
    transport = httpx.HTTPTransport(retries=0)
    # httpx builds its httpcore pool without a network backend argument; replace the pool by
    # one with ours (same defaults). tests/subscriptions/test_ssrf.py proves no connection
    # escapes, so a change of this private attribute in httpx would fail the suite.
    transport._pool = httpcore.ConnectionPool(
        ssl_context=httpx.create_ssl_context(),
        max_connections=20,
        max_keepalive_connections=10,
        keepalive_expiry=5.0,
        network_backend=GuardedBackend(allowed),
    )
    return httpx.Client(
        transport=transport,
        timeout=httpx.Timeout(timeout),
        follow_redirects=False,
        trust_env=False,
        headers={"user-agent": USER_AGENT},
    )


@dataclass(frozen=True, slots=True)
class SendResult:
    """What one POST gave: a status (None when no answer came), the answer's first 2 KB."""

    status: int | None
    latency_ms: int
    excerpt: str
    retry_after_seconds: float | None = None
    error: str | None = None
    blocked: bool = False


class HttpSender:
    """POSTs a delivery through the guarded client; never raises for network trouble."""

    def __init__(self, allowed: Sequence[Network], timeout: float) -> None:
        self._client = guarded_client(allowed, timeout)
        self._timeout = timeout

    def close(self) -> None:
        self._client.close()

    def post(self, url: str, headers: Mapping[str, str], body: bytes) -> SendResult:
        started = time.perf_counter()

        def elapsed() -> int:
            return int((time.perf_counter() - started) * 1000)

        deadline = _DEADLINE.set(time.monotonic() + self._timeout)
        try:
            split_url(url)
            with self._client.stream("POST", url, headers=dict(headers), content=body) as answer:
                excerpt = bytearray()
                for chunk in answer.iter_bytes():
                    excerpt += chunk
                    if len(excerpt) >= EXCERPT_BYTES:
                        break
                return SendResult(
                    status=answer.status_code,
                    latency_ms=elapsed(),
                    excerpt=bytes(excerpt[:EXCERPT_BYTES]).decode("utf-8", "replace"),
                    retry_after_seconds=parse_retry_after(answer.headers.get("retry-after")),
                )
        except (BlockedAddressError, UnsafeURLError) as error:
            return SendResult(None, elapsed(), "", error=f"refused: {error}", blocked=True)
        except httpx.TimeoutException:
            return SendResult(None, elapsed(), "", error="timed out")
        except (httpx.HTTPError, OSError) as error:
            return SendResult(None, elapsed(), "", error=f"{type(error).__name__}: {error}"[:300])
        finally:
            _DEADLINE.reset(deadline)


def parse_retry_after(value: str | None) -> float | None:
    """Retry-After in seconds (delta-seconds or an HTTP date) within [0, MAX_RETRY_AFTER_SECONDS],
    None when absent or unreadable. The receiver is not trusted: thousands of digits, non-ASCII
    digits and dates past year 9999 are clamped or ignored, never raised."""
    if not value:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():
        # A long enough number of seconds is the cap whatever its digits (int() refuses 4,300+).
        if len(value.lstrip("0")) > len(str(int(MAX_RETRY_AFTER_SECONDS))):
            return MAX_RETRY_AFTER_SECONDS
        return float(min(int(value), MAX_RETRY_AFTER_SECONDS))
    if len(value) > 64:  # an IMF-fixdate is 29 characters
        return None
    from email.utils import parsedate_to_datetime

    try:
        seconds = parsedate_to_datetime(value).timestamp() - time.time()
    except (TypeError, ValueError, OverflowError, OSError):
        return None
    return min(max(0.0, seconds), MAX_RETRY_AFTER_SECONDS)
