"""FastAPI dependencies as `Annotated` aliases: routers declare what they need, nothing more."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Header, Path, Request, Response, Security
from fastapi._compat import field_annotation_is_sequence
from fastapi.routing import APIRoute
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel

from api.brands.schemas import Brand
from api.examples import MENTION_ID_EXAMPLE
from api.idempotency import REPLAYED_HEADER, IdempotencyKeyHeader
from api.problems import Forbidden, InvalidParam, ValidationFailed
from api.services import Services
from api.settings import Settings
from api.workspaces.service import Principal


def get_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]


def get_settings_dep(services: ServicesDep) -> Settings:
    return services.settings


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]


# Declares the bearer scheme in OpenAPI on exactly the operations that take an API key; the
# raw header is what `authenticate` reads, to say precisely what is wrong with it.
api_key_scheme = HTTPBearer(
    scheme_name="apiKey",
    bearerFormat="vg_<token>",
    description="A workspace API key (`vigie api-key create --workspace NAME`).",
    auto_error=False,
)


# What a read-only key may not do, wherever it is done (/v1 and hook management alike), except
# the POSTs that only compute (a dry-run triage stores nothing).
STATE_CHANGING_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
READ_ONLY_POSTS = frozenset({"triage_mention"})


def get_principal(
    request: Request,
    services: ServicesDep,
    _scheme: Annotated[HTTPAuthorizationCredentials | None, Security(api_key_scheme)],
    authorization: Annotated[
        str | None, Header(description="`Bearer <api key>`", include_in_schema=False)
    ] = None,
) -> Principal:
    principal = services.api_keys.authenticate(authorization)
    route = request.scope.get("route")
    operation = route.operation_id if isinstance(route, APIRoute) else None
    if (
        principal.read_only
        and request.method in STATE_CHANGING_METHODS
        and operation not in READ_ONLY_POSTS
    ):
        raise Forbidden(
            f"This API key is read-only: it cannot {request.method} (issue a read-write key "
            "with `POST /v1/api-keys`)."
        )
    return principal


PrincipalDep = Annotated[Principal, Depends(get_principal)]


def reject_unknown_query_parameters(request: Request, principal: PrincipalDep) -> None:
    """A misspelt filter (`?tiers=watch`) must not silently list everything: it is a 422. So
    is a parameter given twice (`?limit=1&limit=2`): FastAPI would read one value silently.

    Depends on the principal so that a caller without a key hears 401 first.
    """
    del principal
    route = request.scope.get("route")
    if not isinstance(route, APIRoute) or not request.query_params:
        return
    taken, repeatable = _query_parameters(route)
    unknown = sorted(set(request.query_params) - taken)
    if not unknown:
        given = Counter(name for name, _ in request.query_params.multi_items())
        repeated = sorted({name for name, n in given.items() if n > 1} - repeatable)
        if repeated:
            listed = ", ".join(f"`{name}`" for name in repeated)
            raise ValidationFailed(
                f"Query parameter {listed} given more than once: give each one value.",
                invalid_params=[
                    InvalidParam(name=name, reason="given more than once") for name in repeated
                ],
            )
    if unknown:
        names = ", ".join(f"`{name}`" for name in unknown)
        raise ValidationFailed(
            f"Unknown query parameter {names}: this operation takes "
            + (", ".join(f"`{n}`" for n in sorted(taken)) or "none"),
            invalid_params=[
                InvalidParam(name=name, reason="unknown query parameter") for name in unknown
            ],
        )


# By endpoint function (routes are not hashable): its parameters are what the route accepts.
# Per endpoint: its query parameters' names, and those that take repeats (list parameters).
_QUERY_PARAMETERS: dict[Callable[..., Any], tuple[frozenset[str], frozenset[str]]] = {}


def _query_parameters(route: APIRoute) -> tuple[frozenset[str], frozenset[str]]:
    known = _QUERY_PARAMETERS.get(route.endpoint)
    if known is None:
        found: set[str] = set()
        repeatable: set[str] = set()
        pending = [route.dependant]
        while pending:
            dependant = pending.pop()
            for param in dependant.query_params:
                found.add(param.alias)
                # FastAPI's own rule for a parameter read from every repeat (`?tier=a&tier=b`).
                if field_annotation_is_sequence(param.field_info.annotation):
                    repeatable.add(param.alias)
            pending.extend(dependant.dependencies)
        known = _QUERY_PARAMETERS[route.endpoint] = (frozenset(found), frozenset(repeatable))
    return known


StrictQuery = Depends(reject_unknown_query_parameters)

BrandIdPath = Annotated[
    str,
    Path(
        description="The brand's slug.",
        examples=["acme"],
        max_length=64,
        pattern=r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$",
    ),
]

MentionIdPath = Annotated[
    str,
    Path(
        max_length=64,
        description="Vigie's id of the mention (`m_…`).",
        examples=[MENTION_ID_EXAMPLE],
    ),
]


def get_brand(services: ServicesDep, principal: PrincipalDep, brand_id: BrandIdPath) -> Brand:
    return services.brands.get(principal, brand_id)


BrandDep = Annotated[Brand, Depends(get_brand)]


def get_ingest_brand(
    services: ServicesDep, principal: PrincipalDep, brand_id: BrandIdPath
) -> Brand:
    return services.brands.get_for_ingest(principal, brand_id)


# Ingest's brand: cached per container (Settings.brand_cache_seconds; api/brands/service.py).
IngestBrandDep = Annotated[Brand, Depends(get_ingest_brand)]


ModelT = TypeVar("ModelT", bound=BaseModel)


@dataclass(frozen=True, slots=True)
class IdempotentCall:
    """Runs a POST's work once per `Idempotency-Key` and marks replayed responses."""

    services: Services
    workspace: str
    key: str | None
    request: Request
    response: Response

    def __call__(
        self, operation: str, body: BaseModel, produce: Callable[[], ModelT], model: type[ModelT]
    ) -> ModelT:
        result, replayed = self.services.idempotency.run(
            workspace=self.workspace,
            operation=operation,
            key=self.key,
            request_body=body.model_dump_json(),
            produce=produce,
            model=model,
            lambda_context=self.request.scope.get("aws.context"),
        )
        if replayed:
            self.response.headers[REPLAYED_HEADER] = "true"
        return result


def get_idempotent_call(
    services: ServicesDep,
    principal: PrincipalDep,
    request: Request,
    response: Response,
    idempotency_key: IdempotencyKeyHeader = None,
) -> IdempotentCall:
    return IdempotentCall(services, principal.workspace, idempotency_key, request, response)


IdempotentDep = Annotated[IdempotentCall, Depends(get_idempotent_call)]
