"""`format: slack`: Block Kit rendering (golden files) and hostile mention text made inert."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.examples import MENTION_ID_EXAMPLE
from api.local.dispatch_loop import LocalWorker
from api.subscriptions import slack
from api.subscriptions.schemas import EventType
from api.subscriptions.webhooks import example_events
from tests.subscriptions.receivers import Receiver, subscribe

GOLDEN = Path(__file__).parent / "golden"
HOSTILE = (
    "<!channel> <!here|here> <!everyone> @channel @here <@U024BE7LH> <#C024BE7LH> "
    "<https://evil.example|your bank> *bold* & &amp; <script>alert(1)</script>"
)


@pytest.mark.parametrize("kind", list(EventType), ids=lambda kind: kind.value)
def test_every_event_renders_like_its_golden_file(kind: EventType) -> None:
    rendered = slack.render(example_events()[kind])
    path = GOLDEN / f"slack_{kind.value.replace('.', '_')}.json"
    if os.environ.get("VIGIE_UPDATE_GOLDEN"):
        path.write_text(json.dumps(rendered, indent=2, ensure_ascii=False) + "\n")
    assert rendered == json.loads(path.read_text())
    assert rendered["text"]
    assert all(block["type"] in {"header", "section", "context"} for block in rendered["blocks"])


def _hostile_event() -> dict[str, Any]:
    event = example_events()[EventType.mention_escalated]
    event["data"]["mention"]["text"] = HOSTILE
    event["data"]["mention"]["author"] = "<!channel>"
    event["data"]["mention"]["url"] = "https://x.example/a|<!channel>"
    event["data"]["brand"]["name"] = "ACME <!here>"
    event["data"]["triage"]["reasons"][0]["message"] = "<!everyone> look"
    return event


def test_hostile_mention_text_pings_no_one_and_links_nowhere() -> None:
    document = json.dumps(slack.render(_hostile_event()), ensure_ascii=False)
    assert "<!" not in document
    assert "<@" not in document
    assert "<#" not in document
    assert "<script" not in document
    assert not re.search(r"(?<!\u2060)@(channel|here|everyone)", document.replace("@\u2060", ""))
    # The only links are the ones Vigie builds, from http(s) URLs without Slack syntax in them.
    links = re.findall(r"<(https?://[^|>]+)\|", document)
    assert links == [
        "https://x.example/a%7C%3C!channel%3E",  # its `|` and `<>` cannot end the URL early
        f"https://api.vigie.dev/app/brands/acme/mentions/{MENTION_ID_EXAMPLE}",
    ]
    assert "&lt;!channel&gt;" in document


def test_link_targets_are_escaped_for_mrkdwn() -> None:
    assert slack._link("https://x.example/?a=1&b=<2>|3 4", "a & <b>") == (
        "<https://x.example/?a=1&amp;b=%3C2%3E%7C3%204|a &amp; &lt;b&gt;>"
    )
    for not_a_link in ("javascript:alert(1)", "/app/brands/acme", "", None, "ftp://x.example/"):
        assert slack._link(not_a_link, "<!channel>") == "&lt;!channel&gt;"


def test_top_mentions_link_to_their_console_pages() -> None:
    event = example_events()[EventType.brand_tier_changed]
    event["data"]["brand"]["name"] = "<!channel> @here"
    section = json.dumps(slack.render(event), ensure_ascii=False)
    for mention_id in event["data"]["top_mentions"]:
        assert f"<https://api.vigie.dev/app/brands/acme/mentions/{mention_id}|{mention_id}>" in (
            section
        )
    assert "<https://api.vigie.dev/app/brands/acme|Open in Vigie>" in section
    assert "<!" not in section
    assert "@here" not in section.replace("@\u2060here", "")


def test_without_a_public_base_url_mentions_are_named_not_linked() -> None:
    event = example_events()[EventType.brand_tier_changed]
    data = event["data"]
    for item in data["top_mention_links"]:
        item["link"] = item["link"].removeprefix("https://api.vigie.dev")
        item["console_link"] = item["console_link"].removeprefix("https://api.vigie.dev")
    data["console_link"] = "/app/brands/acme"
    rendered = slack.render(event)
    (mentions,) = [
        b for b in rendered["blocks"] if "Top mentions" in b.get("text", {}).get("text", "")
    ]
    assert mentions["text"]["text"] == "*Top mentions*\n" + "\n".join(
        f"• `{m}`" for m in data["top_mentions"]
    )
    del data["top_mention_links"]  # an event stored before links existed still renders
    assert slack.render(event)["blocks"] == rendered["blocks"]


@pytest.mark.usefixtures("worker")
def test_a_slack_subscription_receives_block_kit(
    client: TestClient, receiver: Receiver, worker: LocalWorker
) -> None:
    del worker
    created = subscribe(client, receiver.url, format="slack")
    client.post(f"/v1/subscriptions/{created['id']}/test")
    (delivery,) = receiver.wait_for(1)
    message = delivery.json()
    assert message["text"].startswith("Vigie test event")
    assert message["blocks"][0]["type"] == "section"


# Block Kit's limits (https://docs.slack.dev/reference/block-kit/blocks/section-block): past
# any of them Slack answers 400 and the delivery fails forever.
SECTION_TEXT_LIMIT = 3000
FIELD_TEXT_LIMIT = 2000
MAX_FIELDS = 10
HEADER_TEXT_LIMIT = 150
CONTEXT_TEXT_LIMIT = 3000


def _huge_events() -> list[dict[str, Any]]:
    events = example_events()
    huge = "&<>" * 4000 + "@channel " * 500
    lines = "\n".join(["a long line & more <text>"] * 3000)
    for event in events.values():
        data = event["data"]
        if "brand" in data:
            data["brand"]["name"] = huge
        if "url" in data:
            data["url"] = "https://hooks.example.com/" + "a&" * 3000
        if "top_factors" in data:
            data["top_factors"] = [
                {"name": huge, "contribution": 1.5, "detail": huge} for _ in range(40)
            ]
            data["top_mentions"] = [f"m_{'a' * 24}{i}" for i in range(200)]
            data["model_version"] = huge
        if "mention" in data:
            data["mention"]["text"] = lines
            data["mention"]["author"] = huge
            data["mention"]["network"] = huge
            data["triage"]["reasons"] = [{"message": huge} for _ in range(3)]
    return list(events.values())


@pytest.mark.parametrize("event", _huge_events(), ids=lambda event: event["type"])
def test_huge_inputs_stay_within_block_kit_limits(event: dict[str, Any]) -> None:
    rendered = slack.render(event)
    truncated = False
    for block in rendered["blocks"]:
        texts: list[tuple[str, int]] = []
        if block["type"] == "header":
            texts.append((block["text"]["text"], HEADER_TEXT_LIMIT))
        elif block["type"] == "section":
            if "text" in block:
                texts.append((block["text"]["text"], SECTION_TEXT_LIMIT))
            assert len(block.get("fields", [])) <= MAX_FIELDS
            texts += [(field["text"], FIELD_TEXT_LIMIT) for field in block.get("fields", [])]
        elif block["type"] == "context":
            texts += [(element["text"], CONTEXT_TEXT_LIMIT) for element in block["elements"]]
        for text, limit in texts:
            assert 0 < len(text) <= limit, (block["type"], len(text))
            # Never cut inside an entity or a link, which Slack would show raw.
            assert not re.search(r"&[a-z]*$", text)
            assert text.rfind("<") <= text.rfind(">")
            truncated = truncated or text.endswith("…")
    assert len(rendered["text"]) <= SECTION_TEXT_LIMIT
    assert truncated or event["type"] == "subscription.test"
