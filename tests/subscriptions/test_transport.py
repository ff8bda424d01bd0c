"""The outbound sender against real sockets on 127.0.0.1: one deadline, hostile answers."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest

from api.subscriptions.ssrf import parse_allow_cidrs
from api.subscriptions.transport import MAX_RETRY_AFTER_SECONDS, HttpSender, parse_retry_after
from tests.subscriptions.receivers import Receiver, StalledResolver


@dataclass
class TricklingServer:
    """Reads the request, then sends a 200 answer one byte every `pause` seconds."""

    body_bytes: int
    pause: float
    sent: int = 0
    total: int = 0
    finished: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._listener.getsockname()[1]}/hook"
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        connection, _ = self._listener.accept()
        with connection:
            connection.recv(65536)
            answer = b"HTTP/1.1 200 OK\r\ncontent-length: %d\r\n\r\n" % self.body_bytes
            answer += b"x" * self.body_bytes
            self.total = len(answer)
            try:
                for byte in answer:
                    connection.sendall(bytes([byte]))
                    self.sent += 1
                    time.sleep(self.pause)
            except OSError:
                pass  # the sender hung up: what the deadline is for
        self.finished.set()

    def close(self) -> None:
        self._listener.close()


@pytest.fixture
def sender() -> Iterator[HttpSender]:
    created = HttpSender(parse_allow_cidrs("127.0.0.0/8"), timeout=0.5)
    yield created
    created.close()


def test_a_receiver_trickling_its_answer_is_cut_at_one_deadline(sender: HttpSender) -> None:
    # Every byte comes well within the per-read timeout, so only a whole-exchange deadline stops
    # it: without one this delivery would take the trickle's full length (here ~8 s, in the
    # wild hours).
    trickle = TricklingServer(body_bytes=40, pause=0.1)
    try:
        result = sender.post(trickle.url, {}, b"{}")
        assert result.status is None
        assert result.error == "timed out"
        assert trickle.finished.wait(30)
        assert trickle.sent < trickle.total  # hung up on, not read to the end
    finally:
        trickle.close()


@pytest.fixture
def stalled(monkeypatch: pytest.MonkeyPatch) -> Iterator[StalledResolver]:
    resolver = StalledResolver(socket.getaddrinfo)
    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    yield resolver
    resolver.released.set()


def test_a_stalled_name_lookup_is_cut_at_the_delivery_deadline(
    sender: HttpSender, stalled: StalledResolver
) -> None:
    # getaddrinfo obeys only the resolver's own limits: without the deadline around it, this
    # attempt would wait for the resolver (here until it gives up, in the wild 5 s x attempts x
    # servers or forever) and end as "does not resolve".
    result = sender.post("http://hooks.stalled.test/hook", {}, b"{}")
    assert stalled.asked.is_set()
    assert result.status is None
    assert result.error == "timed out"
    assert not stalled.answered.is_set()  # it returned while the resolver was still silent


HOSTILE_RETRY_AFTER = [
    "9" * 5000,  # past int()'s 4,300-digit limit
    "9" * 400,
    "\u00b2",  # a digit to str.isdigit(), not to int()
    "\u0661\u0662",  # Arabic-Indic digits
    "Mon, 01 Jan 99999999999999999999 00:00:00 GMT",
    "01 Jan 2020 00:00:00 +999999999999999999999999",
    "Fri, 31 Dec 9999 23:59:59 GMT",
    "Mon, 01 Jan 10000 00:00:00 GMT",
    "\x00\x01garbage",
]


@pytest.mark.parametrize("value", HOSTILE_RETRY_AFTER)
def test_a_hostile_retry_after_is_clamped_or_ignored_never_raised(value: str) -> None:
    parsed = parse_retry_after(value)
    assert parsed is None or 0 <= parsed <= MAX_RETRY_AFTER_SECONDS


def test_a_receiver_answering_a_hostile_retry_after_is_a_failed_attempt(
    sender: HttpSender,
) -> None:
    values = iter(["9" * 5000, "Mon, 01 Jan 99999999999999999999 00:00:00 GMT", "\u00b2"])
    busy = Receiver(respond=lambda _: (503, {"retry-after": next(values)}, b"busy"))
    try:
        for _ in range(3):
            result = sender.post(busy.url, {}, b"{}")
            assert result.status == 503
            assert result.retry_after_seconds in (None, MAX_RETRY_AFTER_SECONDS)
    finally:
        busy.close()
