"""Erasure endpoints: a brand, one mention, one author's mentions, and an erasure's status."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Response, status

from api.deps import BrandIdPath, MentionIdPath, PrincipalDep, ServicesDep, StrictQuery
from api.erasure.schemas import AuthorErasureRequest, Erasure, ErasureStatus
from api.problems import NotFound, problem_responses

router = APIRouter(tags=["erasure"], dependencies=[StrictQuery])

_DONE: dict[int | str, dict[str, Any]] = {
    200: {"model": Erasure, "description": "Erased before answering (`status: done`)."}
}


def _answer(erasure: Erasure, response: Response) -> Erasure:
    """200 when done, else 202 with the status resource to follow in `Location`."""
    response.headers["Location"] = f"/v1/erasures/{erasure.id}"
    if erasure.status is ErasureStatus.done:
        response.status_code = status.HTTP_200_OK
    return erasure


@router.delete(
    "/v1/brands/{brand_id}",
    operation_id="erase_brand",
    tags=["brands"],
    status_code=status.HTTP_202_ACCEPTED,
    response_description="Accepted: the brand is unreadable now; the rest is erased in the "
    "background (follow `Location`).",
    responses={**_DONE, **problem_responses(NotFound)},
)
def erase_brand(
    brand_id: BrandIdPath, principal: PrincipalDep, services: ServicesDep, response: Response
) -> Erasure:
    """Erase a brand and everything of it: mentions, aggregates, hook sources bound to it, its
    place in subscriptions' filters, its announced state and Idempotency-Key records.

    From this request on the brand answers 404 everywhere. The request erases what it can in a
    few seconds (a small brand: everything); the rest, and a last sweep once requests that read
    the brand before it was marked are over, run in the background: 202, then `done` within
    minutes. A DELETE repeated meanwhile answers the same erasure. The same id can be created
    again once the erasure is `done` (it starts empty)."""
    return _answer(services.erasures.erase_brand(principal, brand_id), response)


@router.delete(
    "/v1/brands/{brand_id}/mentions/{mention_id}",
    operation_id="erase_mention",
    tags=["mentions"],
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(NotFound),
)
def erase_mention(
    brand_id: BrandIdPath,
    mention_id: MentionIdPath,
    principal: PrincipalDep,
    services: ServicesDep,
) -> Response:
    """Erase one mention (with its place in the answer queue); the brand's aggregates no longer
    count it, so the risk is as if it had never been received."""
    services.erasures.erase_mention(principal, brand_id, mention_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/v1/erasures",
    operation_id="erase_author",
    status_code=status.HTTP_202_ACCEPTED,
    response_description="Accepted: the author's mentions are erased in the background.",
    responses={**_DONE, **problem_responses()},
)
def erase_author(
    body: AuthorErasureRequest, principal: PrincipalDep, services: ServicesDep, response: Response
) -> Erasure:
    """Erase every mention by this author in every brand of the workspace (a GDPR request),
    with the aggregates corrected. Mentions that only name or reply to the author are kept."""
    return _answer(services.erasures.erase_author(principal, body.author_handle), response)


@router.get(
    "/v1/erasures/{erasure_id}",
    operation_id="get_erasure",
    response_description="The erasure and what it deleted so far.",
    responses=problem_responses(NotFound),
)
def get_erasure(
    erasure_id: Annotated[
        str,
        Path(
            max_length=64,
            description="The erasure's id (`er_…`).",
            examples=["er_3k5m7p9r2t4v6x8z1b3d"],
        ),
    ],
    principal: PrincipalDep,
    services: ServicesDep,
) -> Erasure:
    """Follow an erasure: `pending`, `running`, then `done`."""
    return services.erasures.get(principal, erasure_id)
