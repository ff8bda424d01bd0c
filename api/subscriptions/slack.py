"""Events rendered as a Slack incoming-webhook message (`format: slack`): Block Kit, inert text.

Everything that comes from outside Vigie (mention text, author, brand name, URLs) is escaped
the way Slack asks (`&`, `<`, `>` → entities), so `<!channel>`, `<!here>` or `<@U123>` in a
mention arrive as text and ping no one; bare `@channel`/`@here`/`@everyone` get a zero-width
joiner for the same reason, and links are only ever built by us, from http(s) URLs.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any, Final

_AT_BROADCAST: Final = re.compile(r"@(channel|here|everyone)", re.IGNORECASE)
_TIER_LABEL: Final = {
    "watch": "Watch",
    "respond_publicly": "Respond publicly",
    "move_to_private": "Move to private",
    "executive_statement": "Executive statement",
}
# Block Kit's limits: past any of them Slack answers 400, and the delivery fails every retry.
_MAX_TEXT: Final = 2900  # one outside value, before the block's own cap
_SECTION_TEXT: Final = 3000
_FIELD_TEXT: Final = 2000
_HEADER_TEXT: Final = 150
_CONTEXT_TEXT: Final = 3000
_ELLIPSIS: Final = "…"
_PARTIAL_ENTITY: Final = re.compile(r"&[a-z]*$")
_MAX_URL: Final = 2000
_URL_UNSAFE: Final = frozenset('|<> "\u007f')


def escape(text: str) -> str:
    """Slack mrkdwn-safe text: no control sequence, no broadcast mention, no link."""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return fit(_AT_BROADCAST.sub("@\u2060\\1", escaped), _MAX_TEXT)


def fit(text: str, limit: int) -> str:
    """`text` within `limit` characters, ending with an ellipsis when cut; never inside an
    entity (`&am`) or a link (`<https://…|lab`), which Slack would show raw."""
    if len(text) <= limit:
        return text
    cut = text[: limit - len(_ELLIPSIS)]
    if cut.rfind("<") > cut.rfind(">"):
        cut = cut[: cut.rfind("<")]
    return _PARTIAL_ENTITY.sub("", cut) + _ELLIPSIS


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": fit(text, _SECTION_TEXT)}}


def _fields(*texts: str) -> dict[str, Any]:
    return {
        "type": "section",
        "fields": [{"type": "mrkdwn", "text": fit(text, _FIELD_TEXT)} for text in texts],
    }


def _header(text: str) -> dict[str, Any]:
    return {"type": "header", "text": {"type": "plain_text", "text": fit(text, _HEADER_TEXT)}}


def _context(text: str) -> dict[str, Any]:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": fit(text, _CONTEXT_TEXT)}]}


def _link_target(url: str | None) -> str | None:
    """The URL as Slack's `<url|label>` wants it, or None when it cannot be a link.

    Only absolute http(s) URLs link. `|`, `<`, `>` and blanks would end the URL early or let
    the label open a control sequence (`<!channel>`): they are percent-encoded, and `&` is
    written `&amp;` like everywhere in mrkdwn (Slack decodes it back before opening the URL).
    """
    if not url or not url.startswith(("https://", "http://")) or len(url) > _MAX_URL:
        return None
    encoded = "".join(
        f"%{ord(char):02X}" if char in _URL_UNSAFE or ord(char) < 0x21 else char for char in url
    )
    return encoded.replace("&", "&amp;")


def _link(url: str | None, label: str) -> str:
    target = _link_target(url)
    return f"<{target}|{escape(label)}>" if target else escape(label)


def _tier(value: str) -> str:
    return _TIER_LABEL.get(value, value)


def render(event: Mapping[str, Any]) -> dict[str, Any]:
    """The Slack message of an event (`{"type", "timestamp", "data"}`)."""
    kind = event["type"]
    data = event["data"]
    if kind in ("brand.tier_changed", "brand.stage_changed"):
        return _brand_change(kind, data)
    if kind == "mention.escalated":
        return _escalation(data)
    if kind == "subscription.disabled":
        text = (
            f"Vigie subscription {data['subscription_id']} was disabled ({data['reason']}): "
            f"{escape(data['url'])}"
        )
    else:
        text = f"Vigie test event for subscription {data['subscription_id']}: it works."
    return {"text": fit(text, _SECTION_TEXT), "blocks": [_section(text)]}


def _brand_change(kind: str, data: Mapping[str, Any]) -> dict[str, Any]:
    brand = escape(data["brand"]["name"])
    previous, new = data["previous"], data["new"]
    if kind == "brand.tier_changed":
        change = f"{_tier(previous['tier'])} → {_tier(new['tier'])}"
        text = f"{brand}: response tier {change} (score {new['score']})"
    else:
        change = f"{previous['stage']} → {new['stage']}"
        text = f"{brand}: crisis stage {change} (score {new['score']})"
    factors = (
        "\n".join(
            f"• {escape(factor['name'])}: +{factor['contribution']:g} — {escape(factor['detail'])}"
            for factor in data["top_factors"]
        )
        or "—"
    )
    links = {item["id"]: item for item in data.get("top_mention_links") or []}
    mentions = "\n".join(_mention_item(m, links.get(m, {})) for m in data["top_mentions"]) or "—"
    return {
        "text": fit(text, _SECTION_TEXT),
        "blocks": [
            _header(text),
            _fields(
                f"*Tier*\n{_tier(new['tier'])}",
                f"*Stage*\n{new['stage']}",
                f"*Score*\n{previous['score']} → {new['score']} ({new['level']})",
                f"*Respond by*\n{data.get('respond_by') or '—'}",
            ),
            _section(f"*Top factors*\n{factors}"),
            _section(f"*Top mentions*\n{mentions}"),
            _context(
                f"{_link(data.get('console_link'), 'Open in Vigie')} · "
                f"as of {data['as_of']} · model {escape(data['model_version'])}"
                f" · sequence {data['sequence']}"
            ),
        ],
    }


def _escalation(data: Mapping[str, Any]) -> dict[str, Any]:
    brand = escape(data["brand"]["name"])
    mention = data["mention"]
    triage = data["triage"]
    text = f"{brand}: escalated mention — {_tier(triage['tier'])} (risk {triage['risk']})"
    author = escape(mention.get("author") or "unknown author")
    quoted = "\n".join("> " + line for line in escape(mention["text"]).splitlines()) or "> —"
    reasons = "\n".join(f"• {escape(r['message'])}" for r in triage["reasons"][:3]) or "—"
    return {
        "text": fit(text, _SECTION_TEXT),
        "blocks": [
            _header(text),
            _section(f"*{author}* on {escape(mention.get('network') or 'other')}\n{quoted}"),
            _fields(
                f"*Tier*\n{_tier(triage['tier'])}",
                f"*Respond by*\n{triage.get('respond_by') or '—'}",
            ),
            _section(f"*Why*\n{reasons}"),
            _context(
                f"{_link(mention.get('url'), 'Open the mention')} · "
                f"{_link(data.get('console_link') or data.get('link'), 'In Vigie')}"
                f" · sequence {data['sequence']}"
            ),
        ],
    }


def _mention_item(mention_id: str, links: Mapping[str, Any]) -> str:
    """• a link to the mention's console page, labelled with its id (the id alone without it)."""
    label = f"`{escape(mention_id)}`"
    for url in (links.get("console_link"), links.get("link")):
        target = _link_target(url)
        if target:
            return f"• <{target}|{escape(mention_id)}>"
    return f"• {label}"


def render_body(body: str) -> str:
    return json.dumps(render(json.loads(body)), separators=(",", ":"), ensure_ascii=False)
