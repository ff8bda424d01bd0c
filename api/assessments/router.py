"""Risk endpoints (brand assessment, history) and the stateless triage."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.assessments.schemas import RiskHistory, TriageRequest, TriageResponse
from api.deps import BrandDep, PrincipalDep, ServicesDep, StrictQuery
from api.engine.schemas import BrandRiskAssessment
from api.problems import NotFound, problem_responses
from api.types import QueryInstant

router = APIRouter(prefix="/v1", tags=["risk"], dependencies=[StrictQuery])


@router.get(
    "/brands/{brand_id}/risk",
    operation_id="get_brand_risk",
    response_description="The brand's risk assessment as of `at`.",
    responses=problem_responses(NotFound),
)
def get_brand_risk(
    brand: BrandDep,
    principal: PrincipalDep,
    services: ServicesDep,
    at: Annotated[
        QueryInstant | None,
        Query(description="Assess as of this instant (default now): replays and backtests."),
    ] = None,
) -> BrandRiskAssessment:
    """The brand's risk score, level, tier, stage, factors and playbook as of `at`."""
    resolved = services.assessments.resolve_at(at)
    return services.assessments.assess(principal.workspace, brand.id, resolved, live=at is None)


@router.get(
    "/brands/{brand_id}/risk/history",
    operation_id="get_brand_risk_history",
    response_description="The series, oldest point first.",
    responses=problem_responses(NotFound),
)
def get_brand_risk_history(
    brand: BrandDep,
    principal: PrincipalDep,
    services: ServicesDep,
    from_: Annotated[
        QueryInstant | None, Query(alias="from", description="Default: `to` minus 24 h.")
    ] = None,
    to: Annotated[QueryInstant | None, Query(description="Default: now.")] = None,
    step: Annotated[
        int,
        Query(
            ge=3600,
            le=7 * 86400,
            multiple_of=3600,
            description="Seconds between points (whole hours); a series holds at most 500 "
            "points: (`to` - `from`) / `step` + 1 <= 500.",
        ),
    ] = 3600,
) -> RiskHistory:
    """Score, tier and stage series for charts, at hour-aligned points.

    `step` is in **seconds**, a whole number of hours: `3600` (the default) gives hourly points,
    `86400` daily ones, up to `604800` (a week). `from` and `to` are RFC 3339 instants.
    """
    return services.assessments.history(principal.workspace, brand.id, from_, to, step)


@router.post(
    "/triage",
    operation_id="triage_mention",
    response_description="The mention's triage (nothing is stored).",
    responses=problem_responses(NotFound),
)
def triage_mention(
    body: TriageRequest, principal: PrincipalDep, services: ServicesDep
) -> TriageResponse:
    """Triage one mention without storing it, optionally for a brand (handles, names, risk)."""
    context = None
    brand_context = None
    if body.brand_id is not None:
        brand = services.brands.get(principal, body.brand_id)
        context = services.assessments.context(principal.workspace, brand.id)
        brand_context = brand.settings.brand_context(brand.name)
    return TriageResponse(triage=services.assessments.triage(body.mention, context, brand_context))
