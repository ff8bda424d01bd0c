"""What each console page shows, read through the services (the same calls as the API)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from markupsafe import Markup, escape

from api.assessments.schemas import RiskHistory
from api.brands.schemas import Brand
from api.engine.schemas import BrandRiskAssessment, MentionTriage
from api.mentions.schemas import MentionFilters, MentionPage, StoredMention
from api.problems import NotFound
from api.queue.schemas import HandlingStatus, QueueSummary
from api.services import Services
from api.workspaces.service import Principal

TIMELINE_HOURS = 48
QUEUE_PAGE = 10
SPARKLINE_DAYS = 7
SPARKLINE_STEP = 6 * 3600
STAGE_ORDER = ("quiet", "emerging", "growing", "peak", "declining", "resolved")


@dataclass(frozen=True, slots=True)
class BrandRow:
    brand: Brand
    assessment: BrandRiskAssessment
    summary: QueueSummary
    scores: list[int]


def brand_overview(
    services: Services, principal: Principal, brand: Brand, now: datetime
) -> BrandRow:
    workspace = principal.workspace
    assessment = services.assessments.assess(workspace, brand.id, now, live=True)
    history = services.assessments.history(
        workspace, brand.id, now - timedelta(days=SPARKLINE_DAYS), now, SPARKLINE_STEP
    )
    return BrandRow(
        brand=brand,
        assessment=assessment,
        summary=services.queue.summary(workspace, brand.id, now),
        scores=[point.score for point in history.points],
    )


def sparkline_points(scores: list[int], width: int = 120, height: int = 28) -> str:
    """An SVG polyline's `points` for 0-100 scores (drawn server-side: no script needed)."""
    if not scores:
        return ""
    step = width / max(1, len(scores) - 1)
    return " ".join(
        f"{index * step:.1f},{height - 2 - (height - 4) * score / 100:.1f}"
        for index, score in enumerate(scores)
    )


def brand_page_data(
    services: Services,
    principal: Principal,
    brand_id: str,
    at: datetime | None,
    status: HandlingStatus = HandlingStatus.open,
    cursor: str | None = None,
) -> dict[str, Any]:
    """Everything the brand page shows: GET /risk, /risk/history, the queue, its summary."""
    workspace = principal.workspace
    brand = services.brands.get(principal, brand_id)
    resolved = services.assessments.resolve_at(at)
    assessment = services.assessments.assess(workspace, brand.id, resolved, live=at is None)
    history = services.assessments.history(
        workspace, brand.id, resolved - timedelta(hours=TIMELINE_HOURS), resolved, 3600
    )
    queue = queue_page(services, workspace, brand.id, status, cursor)
    summary = services.queue.summary(workspace, brand.id, resolved if at else None)
    in_queue = {item.id: item for item in queue.items}
    top: list[StoredMention] = []
    for mention_id in assessment.top_mentions:
        if mention_id in in_queue:  # already read with the queue page
            top.append(in_queue[mention_id])
            continue
        try:
            top.append(services.mentions.get(workspace, brand.id, mention_id))
        except NotFound:
            continue  # expired since (retention): the assessment still names it
    return {
        "brand": brand,
        "assessment": assessment,
        "factors": sorted(assessment.factors, key=lambda f: -abs(f.contribution)),
        "queue": queue,
        "queue_status": status,
        "cursor": cursor,
        "summary": summary,
        "top": top,
        "replay_at": at,
        "timeline": timeline_series(history),
    }


def queue_page(
    services: Services,
    workspace: str,
    brand_id: str,
    status: HandlingStatus,
    cursor: str | None,
) -> MentionPage:
    """One page of the brand's mentions in `status`: the API's `GET …/mentions?status=`."""
    if status is HandlingStatus.open:
        return services.queue.list_open(workspace, brand_id, QUEUE_PAGE, cursor)
    filters = MentionFilters(status=status)
    return services.mentions.list(workspace, brand_id, filters, QUEUE_PAGE, cursor)


def timeline_series(history: RiskHistory) -> dict[str, Any]:
    """Columns for uPlot (epoch seconds first) plus the stage of each point."""
    points = history.points
    return {
        "t": [int(point.at.astimezone(UTC).timestamp()) for point in points],
        "score": [point.score for point in points],
        "mentions": [point.mentions for point in points],
        "negative_share": [round(100 * point.negative_share, 1) for point in points],
        "stage": [point.stage.value for point in points],
        "spike": [1 if point.spike else 0 for point in points],
    }


_QUOTED = re.compile(r"“([^”]{1,80})”")


def topic_words(triage: MentionTriage) -> dict[str, list[str]]:
    """Each topic and the words that revealed it, as its `topic.<name>` reason quotes them."""
    words: dict[str, list[str]] = {topic: [] for topic in triage.topics}
    for reason in triage.reasons:
        topic = reason.code.removeprefix("topic.")
        if reason.code.startswith("topic.") and topic in words:
            words[topic] = _QUOTED.findall(reason.message)
    return words


def highlight(text: str, words: list[str]) -> Markup:
    """The text, escaped, with each revealing word (a stem: any ending) in <mark>."""
    stems = sorted({word.strip() for word in words if word.strip()}, key=len, reverse=True)
    if not stems:
        return escape(text)
    pattern = re.compile(
        r"(?<!\w)(" + "|".join(re.escape(stem) for stem in stems) + r")\w*", re.IGNORECASE
    )
    parts: list[Markup] = []
    position = 0
    for match in pattern.finditer(text):
        parts.append(escape(text[position : match.start()]))
        parts.append(Markup('<mark class="revealing">%s</mark>') % match.group(0))
        position = match.end()
    parts.append(escape(text[position:]))
    return Markup("").join(parts)
