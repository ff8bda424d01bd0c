"""This machine's processes as `/proc` lists them (Linux): what a leak test looks for."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path


def processes(matching: Callable[[list[str]], bool]) -> list[int]:
    """Pids of the live processes whose arguments satisfy `matching` (zombies are gone)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            arguments = (entry / "cmdline").read_bytes().decode(errors="replace").split("\0")
            # An exited child nobody reaped yet (an orphan waits for init) runs nothing.
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):  # gone meanwhile
            continue
        if state != "Z" and matching(arguments):
            found.append(int(entry.name))
    return found


def processes_mentioning(text: str) -> list[int]:
    """Pids whose command line contains `text` (a temp data dir names one `vigie dev`'s JVM)."""
    return processes(lambda arguments: text in " ".join(arguments))


def processes_on_port(port: int) -> list[int]:
    """DynamoDB Local's launcher (`--port N`) and JVM (`-port N`) for `port`."""
    return processes(
        lambda arguments: any(
            flag in ("-port", "--port") and value == str(port)
            for flag, value in itertools.pairwise(arguments)
        )
    )
