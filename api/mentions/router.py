"""Mention ingest (a batch). The reads, list and get, are api/mentions/read_router.py: the ingest
path does not import them."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import IdempotentDep, IngestBrandDep, PrincipalDep, ServicesDep, StrictQuery
from api.hooks.adapters.registry import ADAPTERS
from api.idempotency import IdempotencyKeyReused
from api.mentions.schemas import IngestResponse, MentionBatch
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
