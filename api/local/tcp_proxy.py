"""A TCP proxy that can stop forwarding or reset connections: a stalled or flaky store on demand.

Local tooling for fault tests and `bench/nothing_lost.py` (never on the Lambda path): put it
between the app and DynamoDB Local, then `stall()` (connections stay open, nothing goes through
either way, as with a frozen DynamoDB), `reset()` (every connection is cut with a TCP RST) or
`forward()` again.
"""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
from enum import Enum
from types import TracebackType


class Mode(Enum):
    FORWARD = "forward"
    STALL = "stall"
    RESET = "reset"


class FaultProxy:
    def __init__(self, target_host: str, target_port: int) -> None:
        self._target = (target_host, target_port)
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._listener.getsockname()[1]
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self._mode = Mode.FORWARD
        self._changed = threading.Condition()
        self._connections: set[socket.socket] = set()
        self._closed = False
        self._thread = threading.Thread(target=self._accept, daemon=True)

    @classmethod
    def for_endpoint(cls, endpoint: str) -> FaultProxy:
        host_port = endpoint.split("://", 1)[-1].rstrip("/")
        host, port = host_port.rsplit(":", 1)
        return cls(host, int(port))

    def __enter__(self) -> FaultProxy:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def mode(self) -> Mode:
        return self._mode

    def forward(self) -> None:
        """Forward again; connections that lost bytes while stalled are cut (RST)."""
        with self._changed:
            if self._mode is Mode.STALL:
                for connection in list(self._connections):
                    _abort(connection)
        self._set(Mode.FORWARD)

    def stall(self) -> None:
        self._set(Mode.STALL)

    def reset(self) -> None:
        """Cut every open connection (RST) and every new one, until `forward()`."""
        self._set(Mode.RESET)
        with self._changed:
            for connection in list(self._connections):
                _abort(connection)

    def close(self) -> None:
        self._closed = True
        self._set(Mode.RESET)
        with contextlib.suppress(OSError):
            self._listener.close()
        for connection in list(self._connections):
            _abort(connection)

    def _set(self, mode: Mode) -> None:
        with self._changed:
            self._mode = mode
            self._changed.notify_all()

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            if self._mode is Mode.RESET:
                _abort(client)
                continue
            try:
                upstream = socket.create_connection(self._target, timeout=5)
            except OSError:
                _abort(client)
                continue
            upstream.settimeout(None)
            with self._changed:
                self._connections |= {client, upstream}
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    def _pipe(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                if self._mode is Mode.STALL:
                    # A black hole: the bytes never arrive (so a stalled write is never applied
                    # late) and the connection stays open until the reader's timeout.
                    continue
                if self._mode is Mode.RESET:
                    break
                sink.sendall(data)
        except OSError:
            pass
        finally:
            with self._changed:
                self._connections.discard(source)
                self._connections.discard(sink)
            _abort(source)
            _abort(sink)


def _abort(connection: socket.socket) -> None:
    """Close with RST (SO_LINGER 0), as a dropped connection looks to the other side."""
    with contextlib.suppress(OSError):
        connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    with contextlib.suppress(OSError):
        connection.close()
