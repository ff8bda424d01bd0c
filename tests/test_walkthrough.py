"""README command (a) for real: `vigie dev` serves /healthz and the walkthrough works as printed."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator

import httpx
import pytest

from api.local.dynamodb_local import PROJECT_ROOT, free_port, stop_process_group

README = PROJECT_ROOT / "README.md"


def walkthrough_script() -> str:
    text = README.read_text()
    section = text.split("## Walkthrough", 1)[1]
    match = re.search(r"```bash\n(.*?)```", section, re.DOTALL)
    assert match, "the README walkthrough has no bash block"
    return match.group(1)


@pytest.fixture(scope="module")
def dev_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    api_port, ddb_port = free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("VIGIE_")}
    data_dir = tmp_path_factory.mktemp("vigie-data")
    process = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "dev", "--port", str(api_port),
         "--dynamodb-port", str(ddb_port), "--data-dir", str(data_dir)],
        cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        start_new_session=True,
    )  # fmt: skip
    assert process.stdout is not None
    key = None
    deadline = time.monotonic() + 90
    url = f"http://127.0.0.1:{api_port}"
    try:
        while key is None and time.monotonic() < deadline:
            line = process.stdout.readline()
            found = re.search(r"export VIGIE_API_KEY=(\S+)", line)
            key = found.group(1) if found else None
            if not line and process.poll() is not None:
                break
        assert key, "vigie dev printed no API key"
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{url}/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        yield url, key
    finally:
        # SIGINT, as Ctrl-C would: `vigie dev` then stops its DynamoDB Local itself.
        stop_process_group(process, signal.SIGINT, grace=30)


def test_dev_server_answers_healthz_without_auth(dev_server: tuple[str, str]) -> None:
    url, _ = dev_server
    assert httpx.get(f"{url}/healthz").json() == {"status": "ok"}


def test_readme_walkthrough_runs_as_printed(dev_server: tuple[str, str]) -> None:
    url, key = dev_server
    script = walkthrough_script().replace("http://127.0.0.1:8080", url)
    env = {**os.environ, "VIGIE_API_KEY": key, "VIGIE_URL": url}
    result = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert '"id":"acme"' in out  # 1. brand created
    assert '"results":[' in out
    assert '"assessment":' in out
    assert '"top_mentions":' in out
    assert '"items":[' in out
    assert "vigie.dev/problems/" not in out  # no problem document (reasons may say "problem")
    assert "replayed" in out  # 4. scenario replayed through the API
    assert "FAILED" not in out
    # 5. it ends on the console's brand page: signed in with the same key, the page opens.
    opened = re.findall(r"open (http://\S+/app/brands/[a-z0-9-]+)", out)
    assert opened, out
    with httpx.Client(follow_redirects=True, timeout=60) as browser:
        form = browser.get(f"{url}/app/sign-in")
        token = re.search(r'name="csrf" value="([^"]+)"', form.text)
        assert token is not None
        signed = browser.post(f"{url}/app/sign-in", data={"csrf": token[1], "api_key": key})
        assert signed.url.path == "/app/brands"
        page = browser.get(opened[-1])
    assert page.status_code == 200
    assert 'id="timeline-data"' in page.text
    assert 'id="queue-section"' in page.text


def test_dev_server_delivers_subscription_events_to_this_machine(
    dev_server: tuple[str, str],
) -> None:
    """`vigie dev` runs the dispatcher in-process: a receiver on 127.0.0.1 gets the test event."""
    from standardwebhooks import Webhook

    from tests.subscriptions.receivers import Receiver

    url, key = dev_server
    receiver = Receiver()
    try:
        with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {key}"}) as http:
            created = http.post(
                "/v1/subscriptions", json={"url": receiver.url, "events": ["subscription.test"]}
            )
            assert created.status_code == 201, created.text
            subscription = created.json()
            assert http.post(f"/v1/subscriptions/{subscription['id']}/test").status_code == 202
        (delivery,) = receiver.wait_for(1, timeout=60)
        event = Webhook(subscription["secret"]).verify(delivery.body, delivery.headers)
        assert event["type"] == "subscription.test"
    finally:
        receiver.close()


WEBHOOKS_DOC = PROJECT_ROOT / "docs" / "webhooks.md"


def webhooks_doc_blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", WEBHOOKS_DOC.read_text(), re.DOTALL)


def test_webhooks_doc_registers_a_source_and_its_youscan_sample_is_received(
    dev_server: tuple[str, str],
) -> None:
    """docs/webhooks.md literally: its commands register a source, and the receiver URL they
    print takes the document's own YouScan sample."""
    url, key = dev_server
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {key}"}) as http:
        brand = http.post("/v1/brands", json={"id": "acme", "name": "ACME"})
        assert brand.status_code in (201, 409), brand.text  # the README walkthrough may have run
    (script,) = webhooks_doc_blocks("bash")
    result = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script.replace("http://127.0.0.1:8080", url)],
        cwd=PROJECT_ROOT, env={**os.environ, "VIGIE_API_KEY": key}, capture_output=True,
        text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    registered = json.loads(result.stdout)
    assert registered["source"] == "youscan", registered
    assert registered["receiver_url"].startswith(f"{url}/v1/hooks/youscan/acme?hook=")
    samples = webhooks_doc_blocks("json")
    youscan = next(json.loads(s) for s in samples if '"topicId"' in s)
    delivered = httpx.post(registered["receiver_url"], json=youscan, timeout=60)
    assert delivered.status_code == 200, delivered.text
    assert delivered.json()["stored"] == 1
