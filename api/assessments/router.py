"""The brand risk assessment. Its history and the stateless triage are history_router.py and
triage_router.py beside it: the ingest path does not import them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

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
