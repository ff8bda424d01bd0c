"""Every dev scenario replayed through the real HTTP API and DynamoDB Local (SPEC §6)."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import httpx
import pytest

from api.local.dynamodb_local import free_port
from api.local.replay import load_stream, replay_file, replay_through_api
from tests.engine.factories import dev_scenarios_dir
from tests.engine.test_dev_scenarios import scenario_files
from tests.factories import mention
from tests.live_server import LiveServer


@pytest.mark.parametrize("path", scenario_files(), ids=lambda path: path.stem)
def test_dev_scenario_passes_all_checks_through_the_api(
    path: Path, live_client: httpx.Client
) -> None:
    scenario = load_stream(path, "unused")
    brand_id = f"{scenario.brand.id}-{uuid.uuid4().hex[:6]}"
    report, final = replay_through_api(live_client, scenario, brand_id)
    assert report.checks or report.mention_checks
    assert report.passed, "\n".join(report.failures)
    assert final.model_version


def test_replay_command_reads_json_lines_and_prints_the_assessment(
    tmp_path: Path, live_server: LiveServer, api_key: str, capsys: pytest.CaptureFixture[str]
) -> None:
    stream = tmp_path / "stream.jsonl"
    mentions = [
        {"external_id": f"j{i}", "published_at": f"2026-03-09T0{i}:00:00Z", "text": "Service nul"}
        for i in range(3)
    ]
    stream.write_text("\n".join(json.dumps(m) for m in mentions) + "\n")
    status = replay_file(stream, "jsonl-brand", live_server.url, api_key, batch_size=2)
    out = capsys.readouterr().out
    assert status == 0, out
    assert "replayed 3 mentions into brand jsonl-brand" in out
    assert "now: score=" in out


def test_replay_command_reports_a_refused_stream(
    tmp_path: Path, live_server: LiveServer, api_key: str, capsys: pytest.CaptureFixture[str]
) -> None:
    stream = tmp_path / "bad.jsonl"
    stream.write_text(json.dumps({"external_id": "x", "published_at": "2026-03-09T00:00:00Z"}))
    status = replay_file(stream, "Not A Slug", live_server.url, api_key, batch_size=10)
    assert status == 1
    assert "cannot create brand" in capsys.readouterr().out


def test_replay_of_the_triage_cases_triages_each_through_the_api(
    live_server: LiveServer, api_key: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """`triage_cases.json` is not a stream: each case goes through `POST /v1/triage`."""
    cases = dev_scenarios_dir() / "triage_cases.json"
    status = replay_file(cases, None, live_server.url, api_key, batch_size=100)
    out = capsys.readouterr().out
    assert status == 0, out
    count = len(json.loads(cases.read_text(encoding="utf-8")))
    assert f"triaged {count} cases, 0 failed" in out
    assert "FAILED" not in out


def test_replay_without_a_server_says_so_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scenario = next(iter(scenario_files()))
    status = replay_file(scenario, None, f"http://127.0.0.1:{free_port()}", "vg_x", 100)
    captured = capsys.readouterr()
    assert status == 2
    assert captured.err.count("\n") == 1
    assert "cannot reach the API at http://127.0.0.1:" in (captured.err)
    assert "vigie dev" in captured.err


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json", "is not JSON"),
        ('{"mentions": "nope"}', "is not a scenario, a JSON-lines stream or triage cases"),
    ],
)
def test_replay_of_a_file_that_is_no_stream_is_a_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, message: str
) -> None:
    path = tmp_path / "file.json"
    path.write_text(content)
    assert replay_file(path, "b", "http://127.0.0.1:1", "vg_x", 100) == 2
    assert message in capsys.readouterr().err


def test_replay_of_a_stream_too_long_to_shift_is_a_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Ending at year 9999, moved to end now, its 1970 mention lands before year 1: OverflowError.
    stream = tmp_path / "stream.jsonl"
    stream.write_text(
        "\n".join(
            json.dumps(mention(name, published_at=at))
            for name, at in (("old", "1970-01-02T00:00:00Z"), ("far", "9999-12-31T00:00:00Z"))
        )
    )
    assert replay_file(stream, "b", "http://127.0.0.1:1", "vg_x", 100) == 2
    assert "cannot be moved to end now" in capsys.readouterr().err
