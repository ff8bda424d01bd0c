"""Answer-queue endpoints: a mention's handling status and the brand's queue summary.

Listing the queue itself is `GET /v1/brands/{brand_id}/mentions?status=open` (mentions router).
"""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import BrandDep, MentionIdPath, PrincipalDep, ServicesDep, StrictQuery
from api.mentions.schemas import StoredMention
from api.problems import NotFound, problem_responses
from api.queue.schemas import HandlingUpdate, QueueSummary

router = APIRouter(prefix="/v1/brands/{brand_id}", dependencies=[StrictQuery])


@router.patch(
    "/mentions/{mention_id}",
    operation_id="update_mention_handling",
    tags=["mentions"],
    response_description="The mention with its new handling (its triage is unchanged).",
    responses=problem_responses(NotFound),
)
def update_mention_handling(
    mention_id: MentionIdPath,
    body: HandlingUpdate,
    brand: BrandDep,
    principal: PrincipalDep,
    services: ServicesDep,
) -> StoredMention:
    """Set a mention's handling status (answered, moved to private, dismissed, or open again)."""
    return services.queue.set_status(principal.workspace, brand.id, mention_id, body)


@router.get(
    "/queue",
    operation_id="get_answer_queue",
    tags=["mentions"],
    response_description="Counts of open and overdue mentions.",
    responses=problem_responses(NotFound),
)
def get_answer_queue(
    brand: BrandDep, principal: PrincipalDep, services: ServicesDep
) -> QueueSummary:
    """How many of the brand's mentions wait for an answer, and how many are overdue."""
    return services.queue.summary(principal.workspace, brand.id)
