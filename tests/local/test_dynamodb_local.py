"""DynamoDB Local as dev and tests start it: it never outlives the process that started it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from api.local.dynamodb_local import PROJECT_ROOT, free_port, is_listening
from tests.local.processes import processes_on_port

# A parent that starts DynamoDB Local through the project's code, then waits to be killed.
PARENT = """
import sys, time
from api.local.dynamodb_local import DynamoDBLocal
DynamoDBLocal(int(sys.argv[1])).start()
print("listening", flush=True)
time.sleep(600)
"""


def test_dynamodb_local_stops_when_its_parent_is_killed_with_sigkill() -> None:
    port = free_port()
    parent = subprocess.Popen(
        [sys.executable, "-c", PARENT, str(port)],
        cwd=PROJECT_ROOT, env=os.environ | {"PYTHONPATH": str(PROJECT_ROOT)},
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert parent.stdout is not None
        assert parent.stdout.readline() == "listening\n", parent.wait(timeout=60)
        started = processes_on_port(port)
        assert len(started) == 2, started  # the node launcher and its JVM
        assert is_listening(port)

        parent.kill()  # SIGKILL: no `finally`, no handler runs in the parent
        parent.wait(timeout=30)

        # A generous bound: the JVM may take its time to stop on a loaded machine.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and (processes_on_port(port) or is_listening(port)):
            time.sleep(0.2)
        assert processes_on_port(port) == []
        assert not is_listening(port)
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait(timeout=30)
        for pid in processes_on_port(port):  # a leak must not outlive the test
            os.kill(pid, signal.SIGKILL)
