"""Every labelled scenario of the shared dev folder, replayed in memory, passes all its checks.

The folder comes from `VIGIE_SHARED_DIR` (default `<project>/../shared`); a missing folder fails
the run rather than skipping it, because these scenarios are how the engine is judged.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from api.local.scenarios import load_scenario, replay_in_memory, stream_end
from tests.engine.factories import CONFIG, dev_scenarios_dir


def scenario_files() -> list[Path]:
    folder = dev_scenarios_dir()
    files = sorted(p for p in folder.glob("*.json") if p.name != "triage_cases.json")
    if not files:
        # Collected at import: an empty parametrisation would silently skip the test.
        files = [folder / "no-scenario-found.json"]
    return files


def test_the_dev_scenario_folder_exists_and_holds_scenarios() -> None:
    folder = dev_scenarios_dir()
    assert folder.is_dir(), f"missing scenario folder {folder} (set VIGIE_SHARED_DIR)"
    assert any(p.name != "triage_cases.json" for p in folder.glob("*.json"))


@pytest.mark.parametrize("path", scenario_files(), ids=lambda path: path.stem)
@pytest.mark.parametrize("offset", [timedelta(0), timedelta(days=30, minutes=37)], ids=str)
@pytest.mark.parametrize("brand_context", [False, True], ids=["alone", "in_brand_context"])
def test_dev_scenario_passes_all_checks(path: Path, offset: timedelta, brand_context: bool) -> None:
    scenario = load_scenario(path)
    # Shifted so the stream ends at an arbitrary moment: results must not depend on alignment.
    now = stream_end(scenario) + offset
    report = replay_in_memory(scenario, CONFIG, now, brand_context=brand_context)
    assert report.checks or report.mention_checks, "a scenario without checks proves nothing"
    assert report.passed, "\n".join(report.failures)
