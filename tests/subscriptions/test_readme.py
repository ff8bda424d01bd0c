"""The README's "Get notified" receiver, run as printed on a delivery signed like Vigie's."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest

from api.local.dynamodb_local import PROJECT_ROOT
from api.subscriptions.secrets import derive_secret, sign


def readme_receiver() -> str:
    section = (PROJECT_ROOT / "README.md").read_text().split("## Get notified", 1)[1]
    match = re.search(r"```python\n(.*?)```", section, re.DOTALL)
    assert match, "the Get notified section has no python block"
    return match.group(1)


def test_the_readme_receiver_verifies_rejects_and_deduplicates(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    secret = derive_secret("m" * 40 + "0123456789", "sub_readme", "c1")
    monkeypatch.setenv("VIGIE_WEBHOOK_SECRET", secret)
    namespace: dict[str, Any] = {}
    exec(compile(readme_receiver(), "README.md", "exec"), namespace)
    receive = namespace["receive"]
    body = '{"type":"subscription.test","timestamp":"2026-03-09T08:20:00Z","data":{}}'
    now = int(datetime.now(UTC).timestamp())
    headers = {
        "webhook-id": "evt_readme",
        "webhook-timestamp": str(now),
        "webhook-signature": sign([secret], "evt_readme", now, body),
    }
    assert receive(body.encode(), headers) == 204
    assert receive(body.encode(), headers) == 200  # the same webhook-id again
    tampered = body.replace("test", "tesT")
    assert receive(tampered.encode(), {**headers, "webhook-id": "evt_other"}) == 400
