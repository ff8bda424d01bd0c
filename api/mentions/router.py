"""Mention endpoints: batch ingest, list, get."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response
from pydantic import AwareDatetime

from api.deps import BrandDep, PrincipalDep, ServicesDep
from api.engine.schemas import Tier
from api.idempotency import REPLAYED_HEADER, IdempotencyKeyHeader, IdempotencyKeyReused
from api.mentions.schemas import (
    IngestResponse,
    MentionBatch,
    MentionFilters,
    MentionPage,
    Network,
    StoredMention,
)
from api.problems import Conflict, NotFound, PayloadTooLarge, ServiceBusy, problem_responses

router = APIRouter(prefix="/v1/brands/{brand_id}/mentions", tags=["mentions"])


@router.post(
    "",
    operation_id="ingest_mentions",
    responses=problem_responses(
        NotFound, Conflict, PayloadTooLarge, ServiceBusy, IdempotencyKeyReused
    ),
)
def ingest_mentions(
    body: MentionBatch,
    brand: BrandDep,
    principal: PrincipalDep,
    services: ServicesDep,
    request: Request,
    response: Response,
    idempotency_key: IdempotencyKeyHeader = None,
) -> IngestResponse:
    """Store 1 to 100 mentions (duplicates count once); return each triage and the brand's risk."""
    result, replayed = services.idempotency.run(
        workspace=principal.workspace,
        operation=f"ingest_mentions#{brand.id}",
        key=idempotency_key,
        request_body=body.model_dump_json(),
        produce=lambda: services.mentions.ingest(principal.workspace, brand, body.mentions),
        model=IngestResponse,
        lambda_context=request.scope.get("aws.context"),
    )
    if replayed:
        response.headers[REPLAYED_HEADER] = "true"
    return result


@router.get("", operation_id="list_mentions", responses=problem_responses(NotFound))
def list_mentions(
    brand: BrandDep,
    principal: PrincipalDep,
    services: ServicesDep,
    since: Annotated[AwareDatetime | None, Query(description="Published at or after.")] = None,
    until: Annotated[AwareDatetime | None, Query(description="Published at or before.")] = None,
    tier: Annotated[Tier | None, Query()] = None,
    network: Annotated[Network | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
) -> MentionPage:
    """List a brand's mentions, newest first, with filters and cursor pagination."""
    filters = MentionFilters(since=since, until=until, tier=tier, network=network)
    return services.mentions.list(principal.workspace, brand.id, filters, limit, cursor)


@router.get("/{mention_id}", operation_id="get_mention", responses=problem_responses(NotFound))
def get_mention(
    mention_id: Annotated[str, Path(max_length=64, examples=["m_k3v7q2x9d4h6j8n2p5r7t3w9"])],
    brand: BrandDep,
    principal: PrincipalDep,
    services: ServicesDep,
) -> StoredMention:
    """Get one stored mention with its triage."""
    return services.mentions.get(principal.workspace, brand.id, mention_id)
