"""A brand's risk history (score, tier and stage series for charts).

Not on the ingest path: included lazily by api/app.py (api/lazy.py) at the place its route had
in the risk router, so the app's route order and the OpenAPI document are unchanged.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.assessments.schemas import RiskHistory
from api.deps import BrandDep, PrincipalDep, ServicesDep, StrictQuery
from api.problems import NotFound, problem_responses
from api.types import QueryInstant

router = APIRouter(prefix="/v1", tags=["risk"], dependencies=[StrictQuery])


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
