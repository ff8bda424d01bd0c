"""The outbound sender against real sockets on 127.0.0.1: one deadline, hostile answers."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest

from api.subscriptions.ssrf import parse_allow_cidrs
from api.subscriptions.transport import HttpSender


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
