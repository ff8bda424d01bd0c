"""SSRF corpus: every refused target gets 0 connections, checked at connect time on every attempt.

A listener on 127.0.0.1 counts the connections it accepts: every loopback form in the corpus
points at it, so "refused" means "no TCP connection was ever made", not just "an error came
back". Names are resolved by a stand-in resolver (the one injected fault: DNS answers), so that
names resolving to private addresses and a rebinding name (public at creation, private at
delivery) can be tried without a DNS server.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.subscriptions.ssrf import (
    UnsafeURLError,
    check_url,
    parse_allow_cidrs,
    refusal_reason,
)
from api.subscriptions.transport import HttpSender

PUBLIC = "93.184.216.34"


class CountingListener:
    """A TCP server on `host` that counts accepted connections and answers `status`."""

    def __init__(self, host: str = "127.0.0.1", status: int = 200, location: str = "") -> None:
        listener = self
        self.connections = 0

        class Handler(BaseHTTPRequestHandler):
            def setup(self) -> None:
                listener.connections += 1
                super().setup()

            def do_POST(self) -> None:
                self.send_response(status)
                if location:
                    self.send_header("location", location)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer((host, 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def listener() -> Iterator[CountingListener]:
    counting = CountingListener()
    yield counting
    counting.close()


class StandInResolver:
    """Answers for `*.test` names; a rebinding name answers public first, then loopback."""

    def __init__(self, real: Any) -> None:
        self._real = real
        self.rebind_calls = 0

    def __call__(self, host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        name = str(host).lower().rstrip(".")
        answers = {
            "private.test": ["127.0.0.1"],
            "ten.test": ["10.1.2.3"],
            "metadata.test": ["169.254.169.254"],
            "v6loopback.test": ["::1"],
            "mapped.test": ["::ffff:127.0.0.1"],
            "mixed.test": [PUBLIC, "127.0.0.1"],
            "cgnat.test": ["100.64.1.1"],
        }
        if name == "rebind.test":
            self.rebind_calls += 1
            answers[name] = [PUBLIC] if self.rebind_calls == 1 else ["127.0.0.1"]
        if name not in answers:
            return self._real(host, port, *args, **kwargs)
        return [
            (
                socket.AF_INET6 if ":" in address else socket.AF_INET,
                socket.SOCK_STREAM,
                6,
                "",
                (address, int(port or 80)),
            )
            for address in answers[name]
        ]


@pytest.fixture
def resolver(monkeypatch: pytest.MonkeyPatch) -> StandInResolver:
    stand_in = StandInResolver(socket.getaddrinfo)
    monkeypatch.setattr(socket, "getaddrinfo", stand_in)
    return stand_in


def corpus(port: int) -> list[str]:
    p = port
    return [
        # literal loopback and its disguises
        f"http://127.0.0.1:{p}/",
        f"https://127.0.0.1:{p}/",
        f"http://127.1:{p}/",
        f"http://127.0.1:{p}/",
        f"http://2130706433:{p}/",
        f"http://0x7f000001:{p}/",
        f"http://0177.0.0.1:{p}/",
        f"http://0x7f.0.0.1:{p}/",
        f"http://127.000.000.001:{p}/",
        f"http://127.0.0.1.:{p}/",
        f"http://%31%32%37.0.0.1:{p}/",
        f"http://0:{p}/",
        f"http://0.0.0.0:{p}/",
        f"http://localhost:{p}/",
        f"http://LOCALHOST:{p}/",
        f"http://localhost.:{p}/",
        f"http://api.localhost:{p}/",
        # IPv6 forms of loopback
        f"http://[::1]:{p}/",
        f"http://[0:0:0:0:0:0:0:1]:{p}/",
        f"http://[::ffff:127.0.0.1]:{p}/",
        f"http://[::ffff:7f00:1]:{p}/",
        f"http://[0:0:0:0:0:ffff:127.0.0.1]:{p}/",
        f"http://[::127.0.0.1]:{p}/",
        f"http://[64:ff9b::127.0.0.1]:{p}/",
        f"http://[2002:7f00:1::]:{p}/",
        f"http://[::]:{p}/",
        # credentials, schemes, odd syntax
        f"http://user:pw@127.0.0.1:{p}/",
        f"http://example.com@127.0.0.1:{p}/",
        f"http://127.0.0.1:{p}\\@example.com/",
        f"ftp://127.0.0.1:{p}/",
        f"gopher://127.0.0.1:{p}/",
        "file:///etc/passwd",
        f"http://127.0.0.1:{p} /",
        # metadata, link-local, private, CGNAT, unique local
        "http://169.254.169.254/latest/meta-data/",
        "http://[fd00:ec2::254]/latest/meta-data/",
        "http://[::ffff:169.254.169.254]/",
        "http://[::ffff:a9fe:a9fe]/",
        "http://0xa9fea9fe/",
        "http://2852039166/",
        "http://169.254.170.2/v2/credentials",
        "http://[fe80::1]/",
        "http://[fe80::1%25lo]/",
        "http://10.0.0.1/",
        "http://172.16.0.1/",
        "http://192.168.1.1/",
        "http://100.64.0.1/",
        "http://[fc00::1]/",
        "http://224.0.0.1/",
        "http://255.255.255.255/",
        # names resolving to refused addresses
        f"http://private.test:{p}/",
        f"http://ten.test:{p}/",
        "http://metadata.test/",
        f"http://v6loopback.test:{p}/",
        f"http://mapped.test:{p}/",
        f"http://mixed.test:{p}/",
        "http://cgnat.test/",
    ]


def test_corpus_has_at_least_40_targets() -> None:
    assert len(corpus(1)) >= 40


@pytest.mark.usefixtures("resolver")
def test_no_target_of_the_corpus_is_ever_connected_to(listener: CountingListener) -> None:
    sender = HttpSender(allowed=(), timeout=2.0)
    refused_at_creation = 0
    try:
        for url in corpus(listener.port):
            try:
                check_url(url, resolve=True)
            except UnsafeURLError:
                refused_at_creation += 1
            # Whatever creation said, the connect-time check is the one that must hold.
            result = sender.post(url, {"content-type": "application/json"}, b"{}")
            assert result.status is None, url
            assert result.error, url
    finally:
        sender.close()
    assert listener.connections == 0
    assert refused_at_creation == len(corpus(listener.port))


def test_a_name_rebinding_to_loopback_after_creation_is_refused_at_connect_time(
    listener: CountingListener, resolver: StandInResolver
) -> None:
    url = f"http://rebind.test:{listener.port}/hook"
    assert check_url(url, resolve=True) == url  # public at creation (and at test-send)
    sender = HttpSender(allowed=(), timeout=2.0)
    try:
        for _ in range(3):  # every attempt resolves again and is refused again
            result = sender.post(url, {}, b"{}")
            assert result.blocked
            assert "127.0.0.1" in (result.error or "")
    finally:
        sender.close()
    assert resolver.rebind_calls == 4
    assert listener.connections == 0


@pytest.mark.parametrize("target", ["http://169.254.169.254/latest/meta-data/", "loopback"])
def test_a_redirect_is_never_followed(listener: CountingListener, target: str) -> None:
    location = f"http://127.0.0.1:{listener.port}/" if target == "loopback" else target
    redirecting = CountingListener(host="127.0.0.2", status=302, location=location)
    sender = HttpSender(allowed=parse_allow_cidrs("127.0.0.2/32"), timeout=2.0)
    try:
        result = sender.post(f"http://127.0.0.2:{redirecting.port}/hook", {}, b"{}")
    finally:
        sender.close()
        redirecting.close()
    assert result.status == 302  # a failed attempt, retried later: never a second hop
    assert redirecting.connections == 1
    assert listener.connections == 0


def test_the_allow_list_reaches_loopback_but_never_link_local_or_metadata(
    listener: CountingListener,
) -> None:
    sender = HttpSender(allowed=parse_allow_cidrs("127.0.0.0/8"), timeout=2.0)
    try:
        assert sender.post(f"http://127.0.0.1:{listener.port}/", {}, b"{}").status == 200
    finally:
        sender.close()
    assert listener.connections == 1
    for never in ("169.254.0.0/16", "169.254.169.254/32", "fd00:ec2::254/128", "fe80::/10"):
        with pytest.raises(ValueError, match="may not include"):
            parse_allow_cidrs(never)
    with pytest.raises(ValueError, match="may not include"):
        parse_allow_cidrs("127.0.0.0/8, 128.0.0.0/1")  # a wide range holding 169.254/16
    # Even an allow-list built by hand cannot re-admit metadata (defence in depth).
    wide = (ipaddress.ip_network("0.0.0.0/0"), ipaddress.ip_network("::/0"))
    for address in ("169.254.169.254", "fd00:ec2::254", "fe80::1", "::ffff:169.254.169.254"):
        assert refusal_reason(ipaddress.ip_address(address), wide) is not None
    assert refusal_reason(ipaddress.ip_address("127.0.0.1"), wide) is None


def test_public_addresses_are_allowed() -> None:
    for address in ("93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946", "8.8.8.8"):
        assert refusal_reason(ipaddress.ip_address(address)) is None
    assert check_url("https://hooks.slack.com/services/T000/B000/XXXX") is not None


@pytest.mark.usefixtures("resolver")
def test_a_test_send_resolves_the_name_and_refuses_a_private_answer(client: TestClient) -> None:
    # Creation does not resolve (the name may not exist yet); a test event is sent now, so
    # its name is resolved first — and the dispatcher checks again at connect time anyway.
    created = client.post(
        "/v1/subscriptions", json={"url": "http://ten.test/hook", "events": ["subscription.test"]}
    )
    assert created.status_code == 201, created.text
    refused = client.post(f"/v1/subscriptions/{created.json()['id']}/test")
    # The request is valid; the stored URL's name no longer is safe: a state conflict.
    assert refused.status_code == 409, refused.text
    assert "10.1.2.3" in refused.json()["detail"]
    log = client.get(f"/v1/subscriptions/{created.json()['id']}/deliveries").json()
    assert log["items"] == []
