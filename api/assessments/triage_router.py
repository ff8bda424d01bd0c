"""The stateless triage of one mention (`POST /v1/triage`, nothing stored).

Not on the ingest path: included lazily by api/app.py (api/lazy.py) at the place its route had
in the risk router, so the app's route order and the OpenAPI document are unchanged.
"""

from __future__ import annotations

from fastapi import APIRouter

from api.assessments.schemas import TriageRequest, TriageResponse
from api.deps import PrincipalDep, ServicesDep, StrictQuery
from api.problems import NotFound, problem_responses

router = APIRouter(prefix="/v1", tags=["risk"], dependencies=[StrictQuery])


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
