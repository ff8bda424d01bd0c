"""The console in a real (headless) Chromium: sign in, the timeline, the queue, hostile text."""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from playwright.sync_api import Browser, Dialog, Page, expect

from api.services import Services
from tests.console.seeding import IMG_ATTACK, SCRIPT_ATTACK, SeededBrand, seed_brand, sign_in
from tests.live_server import LiveServer

# VIGIE_UPDATE_SCREENSHOTS=1 refreshes the README's docs/img/; otherwise they go to a temp dir.
DOCS_IMG = Path(__file__).resolve().parents[2] / "docs" / "img"


def test_sign_in_shows_the_brands_overview(
    page: Page, live_server: LiveServer, seeded: SeededBrand
) -> None:
    sign_in(page, live_server, seeded.api_key)
    row = page.locator(f'tr.brand-row[data-brand="{seeded.brand_id}"]')
    expect(row).to_be_visible()
    expect(row.locator("svg.sparkline polyline")).to_have_count(1)
    # The last 7 days, a point every 6 hours (both ends included).
    points = row.locator("svg.sparkline polyline").get_attribute("points") or ""
    assert len(points.split()) == 7 * 4 + 1
    assert int(row.locator("td.open").inner_text()) >= 2
    assert seeded.api_key not in page.content()
    cookies = {cookie["name"]: cookie for cookie in page.context.cookies()}
    session = cookies["vigie_session"]
    assert session["httpOnly"] is True
    assert session["sameSite"] == "Lax"
    assert seeded.api_key not in session["value"]


def test_brand_page_draws_the_timeline_and_works_the_queue(
    page: Page, live_server: LiveServer, seeded: SeededBrand
) -> None:
    sign_in(page, live_server, seeded.api_key)
    page.click(f'tr.brand-row[data-brand="{seeded.brand_id}"] a')
    chart = page.locator("#timeline")
    expect(chart.locator("canvas")).to_have_count(1)
    expect(chart).not_to_have_attribute("data-points", "0")
    assert int(chart.get_attribute("data-points") or 0) == 49
    drawn = page.evaluate("window.vigieTimeline.data[1].length")
    assert drawn == 49
    volumes = page.evaluate("window.vigieTimeline.data[2]")
    assert sum(volumes) > 0

    crisis_id = seeded.mention_ids[-2]
    row = page.locator(f"#q-{crisis_id}")
    expect(row).to_have_attribute("data-status", "open")
    row.locator('button[data-status="answered"]').click()
    expect(page.locator(f"#q-{crisis_id}")).to_have_attribute("data-status", "answered")
    with httpx.Client(
        base_url=live_server.url, headers={"Authorization": f"Bearer {seeded.api_key}"}
    ) as http:
        stored = http.get(f"/v1/brands/{seeded.brand_id}/mentions/{crisis_id}").json()
        queue = http.get(f"/v1/brands/{seeded.brand_id}/mentions", params={"status": "open"})
    assert stored["handling"]["status"] == "answered"
    assert stored["handling"]["updated_by"] == "camille"
    assert crisis_id not in [item["id"] for item in queue.json()["items"]]
    expect(page.locator("#queue-summary .open-count")).to_contain_text(
        str(len(queue.json()["items"]))
    )


def test_queue_pages_through_the_api_cursor_and_filters_by_status(
    page: Page, live_server: LiveServer, services: Services
) -> None:
    seeded = seed_brand(services, live_server, complaints=14)
    sign_in(page, live_server, seeded.api_key)
    page.goto(f"{live_server.url}/app/brands/{seeded.brand_id}")
    rows = page.locator("#queue tr.queue-row")
    expect(rows).to_have_count(10)
    first_page = rows.evaluate_all("rows => rows.map(r => r.dataset.mention)")
    page.locator("#queue-section a.next-page").click()  # htmx: the section alone is swapped
    expect(page.locator("#queue-section a.first-page")).to_be_visible()
    second_page = rows.evaluate_all("rows => rows.map(r => r.dataset.mention)")
    assert second_page
    assert not set(second_page) & set(first_page)
    assert "cursor=" in page.url  # pushed: a reload shows the same page
    with httpx.Client(
        base_url=live_server.url, headers={"Authorization": f"Bearer {seeded.api_key}"}
    ) as http:
        api_first = http.get(
            f"/v1/brands/{seeded.brand_id}/mentions", params={"status": "open", "limit": 10}
        ).json()
        api_second = http.get(
            f"/v1/brands/{seeded.brand_id}/mentions",
            params={"status": "open", "limit": 10, "cursor": api_first["next_cursor"]},
        ).json()
    assert first_page == [item["id"] for item in api_first["items"]]
    assert second_page == [item["id"] for item in api_second["items"]]

    # Each status is a tab of the same section.
    chosen = {second_page[0]: "moved_to_private", second_page[1]: "dismissed"}
    for mention_id, status in chosen.items():
        page.locator(f'#q-{mention_id} button[data-status="{status}"]').click()
        expect(page.locator(f"#q-{mention_id}")).to_have_attribute("data-status", status)
    for status in ("answered", "moved_to_private", "dismissed"):
        page.locator(f'.queue-tabs a[data-status="{status}"]').click()
        expect(page.locator("#queue-section")).to_have_attribute("data-status", status)
        shown = page.locator("#queue tr.queue-row").evaluate_all(
            "rows => rows.map(r => r.dataset.mention)"
        )
        assert shown == [m for m, s in chosen.items() if s == status]
    page.locator('.queue-tabs a[data-status="open"]').click()
    expect(page.locator("#queue-section")).to_have_attribute("data-status", "open")
    page.reload()
    expect(page.locator(".queue-tabs a.current")).to_have_attribute("data-status", "open")


def test_brand_page_shows_factors_playbook_top_mentions_and_replays_as_of(
    page: Page, live_server: LiveServer, seeded: SeededBrand
) -> None:
    sign_in(page, live_server, seeded.api_key)
    page.goto(f"{live_server.url}/app/brands/{seeded.brand_id}")
    with httpx.Client(
        base_url=live_server.url, headers={"Authorization": f"Bearer {seeded.api_key}"}
    ) as http:
        risk = http.get(f"/v1/brands/{seeded.brand_id}/risk").json()
    expect(page.locator(".factors tbody tr")).to_have_count(len(risk["factors"]))
    for factor in risk["factors"]:
        expect(page.locator(".factors tbody")).to_contain_text(factor["name"])
    expect(page.locator(".playbook li")).to_have_count(max(1, len(risk["playbook"])))
    for action in risk["playbook"]:
        expect(page.locator(".playbook")).to_contain_text(action["action"])
    expect(page.locator(".top-mentions li")).to_have_count(len(risk["top_mentions"]))
    assert risk["top_mentions"]
    for mention_id in risk["top_mentions"]:
        link = page.locator(f'.top-mentions a[href$="/mentions/{mention_id}"]')
        expect(link).to_have_count(1)
    # Deadlines count down in the browser (console.js), from the UTC instant the server wrote.
    countdowns = page.locator("time.countdown")
    assert countdowns.count() > 0
    for text in countdowns.all_inner_texts():
        assert re.match(r"^(in|overdue by) \d", text), text

    # Replay as of yesterday: the picker's minute, read as UTC, is GET /risk?at=.
    moment = (datetime.now(UTC) - timedelta(hours=20)).replace(second=0, microsecond=0)
    page.fill('form.replay input[name="at"]', moment.strftime("%Y-%m-%dT%H:%M"))
    page.click("form.replay button")
    page.wait_for_url(re.compile(r".*[?&]at="))
    with httpx.Client(
        base_url=live_server.url, headers={"Authorization": f"Bearer {seeded.api_key}"}
    ) as http:
        then = http.get(
            f"/v1/brands/{seeded.brand_id}/risk", params={"at": moment.isoformat()}
        ).json()
    expect(page.locator(".risk-now .score")).to_have_text(str(then["score"]))
    expect(page.locator(".risk-now time")).to_have_attribute(
        "datetime", datetime.fromisoformat(then["as_of"].replace("Z", "+00:00")).isoformat()
    )
    last_point = page.evaluate("window.vigieTimeline.data[0].at(-1)")
    assert last_point <= moment.timestamp()
    assert last_point > moment.timestamp() - 3600
    expect(page.locator("form.replay a")).to_be_visible()  # back to live


def test_hostile_mention_text_renders_as_text_and_runs_nothing(
    page: Page, live_server: LiveServer, seeded: SeededBrand
) -> None:
    dialogs: list[str] = []

    def record(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", record)
    sign_in(page, live_server, seeded.api_key)
    page.goto(f"{live_server.url}/app/brands/{seeded.brand_id}")
    queue = page.locator("#queue")
    expect(queue).to_contain_text("<img src=x onerror=alert(1)>")
    expect(queue).to_contain_text("<script>alert(2)</script>")
    page.locator(f"#q-{seeded.mention_ids[-1]} td.text a").click()
    detail = page.locator("#detail .mention-text")
    expect(detail).to_have_text(SCRIPT_ATTACK)
    page.locator(f"#q-{seeded.mention_ids[-2]} td.text a").click()
    expect(detail).to_have_text(IMG_ATTACK)
    # Reasons and topics, with the words that revealed them marked in the (still inert) text.
    expect(page.locator('#detail .badge.topic[data-topic="delivery"]')).to_have_count(1)
    expect(page.locator("#detail .topics")).to_contain_text("never arrived")
    expect(detail.locator("mark.revealing", has_text="never arrived")).to_have_count(1)
    expect(page.locator("#detail ul li code", has_text="topic.delivery")).to_have_count(1)
    assert page.locator('main img[src="x"]').count() == 0
    assert page.locator("main script:not([type])").count() == 0
    assert dialogs == []


def test_post_without_csrf_token_is_refused(
    page: Page, live_server: LiveServer, seeded: SeededBrand
) -> None:
    sign_in(page, live_server, seeded.api_key)
    crisis_id = seeded.mention_ids[-2]
    # The browser's own cookies, but no token: what a forged cross-site form would send.
    response = page.request.post(
        f"{live_server.url}/app/brands/{seeded.brand_id}/mentions/{crisis_id}/status",
        form={"status": "dismissed"},
    )
    assert response.status == 403
    with httpx.Client(
        base_url=live_server.url, headers={"Authorization": f"Bearer {seeded.api_key}"}
    ) as http:
        stored = http.get(f"/v1/brands/{seeded.brand_id}/mentions/{crisis_id}").json()
    assert stored["handling"]["status"] == "open"


def test_another_workspace_brand_is_a_404_page(
    page: Page, live_server: LiveServer, services: Services, seeded: SeededBrand
) -> None:
    other = seed_brand(services, live_server, name="Other")
    sign_in(page, live_server, seeded.api_key)
    response = page.goto(f"{live_server.url}/app/brands/{other.brand_id}")
    assert response is not None
    assert response.status == 404
    expect(page.locator("h1")).to_have_text("404")
    assert "Other" not in page.locator("main").inner_text()


def test_french_interface_and_sign_out(
    browser: Browser, live_server: LiveServer, seeded: SeededBrand
) -> None:
    context = browser.new_context(
        locale="fr-FR", extra_http_headers={"Accept-Language": "fr-FR,fr;q=0.9,en;q=0.5"}
    )
    french = context.new_page()
    try:
        french.goto(f"{live_server.url}/app/sign-in")
        expect(french.locator("h1")).to_have_text("Connexion")
        french.fill('input[name="api_key"]', seeded.api_key)
        french.click('button[type="submit"]')
        expect(french.locator("h1")).to_have_text("Marques")
        french.click("form.sign-out button")
        expect(french.locator("h1")).to_have_text("Connexion")
        french.goto(f"{live_server.url}/app/brands")
        expect(french.locator("h1")).to_have_text("Connexion")
    finally:
        context.close()


def test_screenshots_of_the_overview_and_brand_pages(
    page: Page, live_server: LiveServer, seeded: SeededBrand, tmp_path: Path
) -> None:
    """The pages as a new user sees them (the README shows docs/img/console-*.png)."""
    screenshots = DOCS_IMG if os.environ.get("VIGIE_UPDATE_SCREENSHOTS") == "1" else tmp_path
    sign_in(page, live_server, seeded.api_key)
    screenshots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(screenshots / "console-overview.png"), full_page=True)
    page.goto(f"{live_server.url}/app/brands/{seeded.brand_id}")
    expect(page.locator("#timeline canvas")).to_have_count(1)
    page.locator(f"#q-{seeded.mention_ids[-2]} td.text a").click()
    expect(page.locator("#detail .mention-text")).to_be_visible()
    page.screenshot(path=str(screenshots / "console-brand.png"), full_page=True)
    assert (screenshots / "console-brand.png").stat().st_size > 10_000
