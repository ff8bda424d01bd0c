"""Mention endpoints: batch ingest, list, get."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import (
    BrandDep,
    IdempotentDep,
    IngestBrandDep,
    MentionIdPath,
    PrincipalDep,
    ServicesDep,
    StrictQuery,
)
from api.engine.schemas import Tier
from api.hooks.adapters.registry import ADAPTERS
from api.idempotency import IdempotencyKeyReused
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
    QuotaExceeded,
    ServiceBusy,
    ValidationFailed,
    problem_responses,
)
from api.queue.schemas import HandlingStatus
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
        NotFound, Conflict, PayloadTooLarge, QuotaExceeded, ServiceBusy, IdempotencyKeyReused
    ),
)
def ingest_mentions(
    body: MentionBatch,
    brand: IngestBrandDep,
    principal: PrincipalDep,
    services: ServicesDep,
    idempotent: IdempotentDep,
) -> IngestResponse:
    """Store 1 to 100 mentions (duplicates count once); return each triage and the brand's risk."""
    refuse_hook_sources(body)
    return idempotent(
        f"ingest_mentions#{brand.id}",
        body,
        lambda: services.mentions.ingest(principal.workspace, brand, body.mentions),
        IngestResponse,
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
