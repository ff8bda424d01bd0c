"""Brand endpoints."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response, status

from api.brands.schemas import Brand, BrandCreate, BrandList, BrandUpdate
from api.deps import BrandDep, BrandIdPath, PrincipalDep, ServicesDep, StrictQuery
from api.idempotency import REPLAYED_HEADER, IdempotencyKeyHeader, IdempotencyKeyReused
from api.pagination import InvalidCursor, PageCursor, PageLimit
from api.problems import Conflict, NotFound, problem_responses

router = APIRouter(prefix="/v1/brands", tags=["brands"], dependencies=[StrictQuery])


@router.post(
    "",
    operation_id="create_brand",
    response_description="The brand, as created.",
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(Conflict, IdempotencyKeyReused),
)
def create_brand(
    body: BrandCreate,
    principal: PrincipalDep,
    services: ServicesDep,
    request: Request,
    response: Response,
    idempotency_key: IdempotencyKeyHeader = None,
) -> Brand:
    """Create a brand in the caller's workspace; its id is the slug you choose."""
    result, replayed = services.idempotency.run(
        workspace=principal.workspace,
        operation="create_brand",
        key=idempotency_key,
        request_body=body.model_dump_json(),
        produce=lambda: services.brands.create(principal, body),
        model=Brand,
        lambda_context=request.scope.get("aws.context"),
    )
    if replayed:
        response.headers[REPLAYED_HEADER] = "true"
    return result


@router.get(
    "",
    operation_id="list_brands",
    response_description="One page of the workspace's brands.",
    responses=problem_responses(InvalidCursor),
)
def list_brands(
    principal: PrincipalDep,
    services: ServicesDep,
    limit: PageLimit = 50,
    cursor: PageCursor = None,
) -> BrandList:
    """List the workspace's brands, by id."""
    return services.brands.list(principal, limit, cursor)


@router.get(
    "/{brand_id}",
    operation_id="get_brand",
    response_description="The brand.",
    responses=problem_responses(NotFound),
)
def get_brand(brand: BrandDep) -> Brand:
    """Get one brand."""
    return brand


@router.patch(
    "/{brand_id}",
    operation_id="update_brand",
    response_description="The brand, as updated.",
    responses=problem_responses(NotFound),
)
def update_brand(
    brand_id: BrandIdPath, body: BrandUpdate, principal: PrincipalDep, services: ServicesDep
) -> Brand:
    """Rename a brand or change its settings (fields left out stay as they are)."""
    return services.brands.update(principal, brand_id, body)
