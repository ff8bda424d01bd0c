"""Brand endpoints."""

from __future__ import annotations

from fastapi import APIRouter, status

from api.brands.schemas import Brand, BrandCreate, BrandList, BrandUpdate
from api.deps import BrandDep, BrandIdPath, IdempotentDep, PrincipalDep, ServicesDep, StrictQuery
from api.idempotency import IdempotencyKeyReused
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
    body: BrandCreate, principal: PrincipalDep, services: ServicesDep, idempotent: IdempotentDep
) -> Brand:
    """Create a brand in the caller's workspace; its id is the slug you choose."""
    return idempotent("create_brand", body, lambda: services.brands.create(principal, body), Brand)


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
