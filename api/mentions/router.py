"""Mention endpoints: batch ingest, list, get."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response

from api.deps import BrandDep, PrincipalDep, ServicesDep, StrictQuery
from api.engine.schemas import Tier
from api.examples import MENTION_ID_EXAMPLE
from api.hooks.adapters.registry import ADAPTERS
from api.idempotency import REPLAYED_HEADER, IdempotencyKeyHeader, IdempotencyKeyReused
from api.mentions.schemas import (
    IngestResponse,
    MentionBatch,
    MentionFilters,
    MentionPage,
    Network,
    StoredMention,
)
from api.pagination import InvalidCursor, PageCursor, PageLimit
from api.problems import (
    Conflict,
    InvalidParam,
    NotFound,
    PayloadTooLarge,
    ServiceBusy,
    ValidationFailed,
    problem_responses,
)
from api.types import Instant

_INSTANT = "RFC 3339 with an offset, from 1970-01-01T00:00:00Z to 9999-12-31T23:59:59Z."

router = APIRouter(
    prefix="/v1/brands/{brand_id}/mentions", tags=["mentions"], dependencies=[StrictQuery]
)


def refuse_hook_sources(batch: MentionBatch) -> None:
    """A webhook receiver's `source` is reserved: an API write claiming to be YouScan would make
    YouScan's real delivery of that `external_id` a duplicate and drop its content."""
    reserved = [
        InvalidParam(
            name=f"mentions.{index}.source",
            reason=f"`{m.source}` is reserved for its webhook receiver; use another source",
        )
        for index, m in enumerate(batch.mentions)
        if m.source.lower() in ADAPTERS
    ]
    if reserved:
        raise ValidationFailed.for_params(reserved)


@router.post(
    "",
    operation_id="ingest_mentions",
    response_description="One result per mention, in request order, and the brand's risk after "
    "the batch.",
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
    refuse_hook_sources(body)
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


@router.get(
    "",
    operation_id="list_mentions",
    response_description="One page of mentions, newest first.",
    responses=problem_responses(NotFound, InvalidCursor),
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
) -> MentionPage:
    """List a brand's mentions, newest first, with filters and cursor pagination."""
    filters = MentionFilters(since=since, until=until, tier=tier, network=network)
    return services.mentions.list(principal.workspace, brand.id, filters, limit, cursor)


@router.get(
    "/{mention_id}",
    operation_id="get_mention",
    response_description="The stored mention and its triage.",
    responses=problem_responses(NotFound),
)
def get_mention(
    mention_id: Annotated[
        str,
        Path(
            max_length=64,
            description="Vigie's id of the mention (`m_…`).",
            examples=[MENTION_ID_EXAMPLE],
        ),
    ],
    brand: BrandDep,
    principal: PrincipalDep,
    services: ServicesDep,
) -> StoredMention:
    """Get one stored mention with its triage."""
    return services.mentions.get(principal.workspace, brand.id, mention_id)
