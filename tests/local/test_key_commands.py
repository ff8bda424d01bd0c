"""`vigie api-key list` and `vigie api-key revoke`, run as an operator runs them."""

from __future__ import annotations

import subprocess
import sys

from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.services import Services
from api.settings import Settings


def vigie(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        "VIGIE_DYNAMODB_ENDPOINT": settings.dynamodb_endpoint or "",
        "VIGIE_TABLE_NAME": settings.table_name,
        "PATH": "/usr/bin:/bin",
    }
    return subprocess.run(
        [sys.executable, "-m", "api.cli", *args], capture_output=True, text=True, env=env
    )


def test_list_then_revoke_a_key(
    app: FastAPI, services: Services, settings: Settings, workspace: str
) -> None:
    kept = services.api_keys.issue(workspace, read_only=True)
    doomed = services.api_keys.issue(workspace)
    listed = vigie(settings, "api-key", "list", "--workspace", workspace)
    assert listed.returncode == 0, listed.stderr
    rows = {line.split()[0]: line for line in listed.stdout.splitlines()[1:]}
    assert set(rows) == {kept.key_id, doomed.key_id}
    assert kept.prefix in rows[kept.key_id]
    assert rows[kept.key_id].endswith("read-only")
    assert kept.key not in listed.stdout
    assert doomed.key not in listed.stdout

    revoked = vigie(settings, "api-key", "revoke", doomed.key_id, "--workspace", workspace)
    assert revoked.returncode == 0, revoked.stderr
    assert "within 5 s" in revoked.stdout
    # The key was never checked by this app: nothing cached, refused at once.
    with TestClient(app, headers={"Authorization": f"Bearer {doomed.key}"}) as refused:
        assert refused.get("/v1/brands").status_code == 401
    again = vigie(settings, "api-key", "revoke", doomed.key_id, "--workspace", workspace)
    assert again.returncode == 1
    assert "does not exist" in again.stderr
    after = vigie(settings, "api-key", "list", "--workspace", workspace)
    assert doomed.key_id not in after.stdout
    assert kept.key_id in after.stdout
