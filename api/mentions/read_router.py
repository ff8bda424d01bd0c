"""Mention reads: list and get. Not on the ingest path, so not imported with the app.

Included lazily by api/app.py (api/lazy.py) right after the ingest router, at the place its
routes had in the mention router: the app tries routes and the OpenAPI document lists them in
the same order as before.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import BrandDep, MentionIdPath, PrincipalDep, ServicesDep, StrictQuery
from api.engine.schemas import Tier
from api.mentions.schemas import MentionFilters, MentionPage, Network, StoredMention
from api.pagination import InvalidCursor, PageCursor, PageLimit
from api.problems import InvalidParam, NotFound, ValidationFailed, problem_responses
from api.queue.schemas import HandlingStatus
from api.types import Instant

router = APIRouter(
    prefix="/v1/brands/{brand_id}/mentions", tags=["mentions"], dependencies=[StrictQuery]
)


@router.get(
    "",
    operation_id="list_mentions",
    response_description="One page of mentions, newest first (`status=open`: earliest "
    "`respond_by` first).",
    responses=problem_responses(NotFound, InvalidCursor, ValidationFailed),
)
def list_mentions(
    brand: BrandDep,
    principal: PrincipalDep,
    services: ServicesDep,
    since: Annotated[
        Instant | None,
        Query(description="Published at or after (RFC 3339 with offset; 1970 to 9999)."),
    ] = None,
    until: Annotated[
        Instant | None,
        Query(description="Published at or before (RFC 3339 with offset; 1970 to 9999)."),
    ] = None,
    tier: Annotated[Tier | None, Query(description="Only mentions triaged at this tier.")] = None,
    network: Annotated[
        Network | None, Query(description="Only mentions from this network.")
    ] = None,
    limit: PageLimit = 50,
    cursor: PageCursor = None,
    status: Annotated[
        HandlingStatus | None,
        Query(
            description="Only mentions in this handling status. `open` is the answer queue, "
            "earliest `respond_by` first (overdue first), and takes no other filter; "
            "`answered`, `moved_to_private`, `dismissed` list newest first and combine with "
            "the other filters."
        ),
    ] = None,
) -> MentionPage:
    """List a brand's mentions, newest first, with filters and cursor pagination."""
    filters = MentionFilters(since=since, until=until, tier=tier, network=network)
    if status is HandlingStatus.open:  # the answer queue (api/queue)
        combined = [name for name, value in filters if value is not None]
        if combined:
            raise ValidationFailed(
                f"status=open lists the answer queue; it does not combine with `{combined[0]}`.",
                invalid_params=[
                    InvalidParam(name=name, reason="not with status") for name in combined
                ],
            )
        return services.queue.list_open(principal.workspace, brand.id, limit, cursor)
    if status is not None:
        filters = filters.model_copy(update={"status": status})
    return services.mentions.list(principal.workspace, brand.id, filters, limit, cursor)


@router.get(
    "/{mention_id}",
    operation_id="get_mention",
    response_description="The stored mention and its triage.",
    responses=problem_responses(NotFound),
)
def get_mention(
    mention_id: MentionIdPath,
    brand: BrandDep,
    principal: PrincipalDep,
    services: ServicesDep,
) -> StoredMention:
    """Get one stored mention with its triage."""
    return services.mentions.get(principal.workspace, brand.id, mention_id)
