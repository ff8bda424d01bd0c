"""Outbound test helpers: a real HTTP receiver on 127.0.0.1, subscribe(), the delivery log."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from fastapi.testclient import TestClient


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Receiver:
    """An HTTP server on 127.0.0.1 that records every request and answers `respond(request)`."""

    respond: Callable[[Received], tuple[int, dict[str, str], bytes]] = field(
        default=lambda _: (204, {}, b"")
    )
    received: list[Received] = field(default_factory=list)
    connections: int = 0

    def __post_init__(self) -> None:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def setup(self) -> None:
                receiver.connections += 1
                super().setup()

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                request = Received(self.path, dict(self.headers.items()), self.rfile.read(length))
                receiver.received.append(request)
                status, headers, body = receiver.respond(request)
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def wait_for(self, count: int, timeout: float = 30.0) -> list[Received]:
        deadline = time.monotonic() + timeout
        while len(self.received) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"{len(self.received)} of {count} deliveries arrived")
            time.sleep(0.05)
        return self.received


def subscribe(client: TestClient, url: str, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "url": url,
        "events": [
            "brand.tier_changed",
            "brand.stage_changed",
            "mention.escalated",
            "subscription.test",
            "subscription.disabled",
        ],
    }
    body.update(overrides)
    response = client.post("/v1/subscriptions", json=body)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def wait_for_log(client: TestClient, subscription_id: str, count: int) -> list[dict[str, Any]]:
    """The subscription's delivery log once it holds `count` attempts or more."""
    deadline = time.monotonic() + 30
    while True:
        items: list[dict[str, Any]] = client.get(
            f"/v1/subscriptions/{subscription_id}/deliveries"
        ).json()["items"]
        if len(items) >= count:
            return items
        if time.monotonic() > deadline:
            raise AssertionError(f"{len(items)} of {count} attempts logged")
        time.sleep(0.05)


class StalledResolver:
    """`socket.getaddrinfo` that gives no answer for names under `stalled.test` until released
    (or 20 s pass): the fault of a resolver that stalls. Other names resolve for real."""

    def __init__(self, real: Callable[..., Any]) -> None:
        self._real = real
        self.asked = threading.Event()
        self.released = threading.Event()
        self.answered = threading.Event()

    def __call__(self, host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if not str(host).rstrip(".").endswith("stalled.test"):
            return self._real(host, port, *args, **kwargs)
        self.asked.set()
        self.released.wait(20)
        self.answered.set()
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
