"""Inbound webhooks: receivers for listening tools, and the hook sources that authenticate them.

Routing: a tool POSTs its native payload to `/v1/hooks/{source}/{brand_id}?hook={hook id}`,
the URL printed at registration. `{source}` picks the adapter, `hook` the registered source —
and so the workspace, the auth mode and the secrets — and `{brand_id}` the brand, which must
belong to that workspace (and be the source's brand when it was registered for one). No API key:
the tool does not have one; the delivery's signature or URL token is the credential.

Sources are managed with the workspace API key under `/v1/hook-sources`.
"""

from __future__ import annotations

from typing import Annotated, Any, Final

from fastapi import APIRouter, Header, Path, Query, Request, Response, status
from starlette.concurrency import run_in_threadpool

from api.deps import BrandIdPath, PrincipalDep, ServicesDep, StrictQuery
from api.hooks.adapters.registry import ADAPTERS
from api.hooks.credentials import SecretsNotConfigured
from api.hooks.receiver import InboundDelivery
from api.hooks.schemas import (
    HookDeliveryAck,
    HookSecretRotation,
    HookSource,
    HookSourceCreate,
    HookSourceList,
    HookSourceWithSecret,
)
from api.hooks.signatures import (
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    HookAuthenticationFailed,
    MalformedSignature,
    ReplayedDelivery,
    StaleDelivery,
)
from api.pagination import InvalidCursor, PageCursor
from api.problems import (
    PROBLEM_MEDIA_TYPE,
    Conflict,
    MalformedJSON,
    NotFound,
    PayloadTooLarge,
    QuotaExceeded,
    ServiceBusy,
    Unauthorized,
    problem_responses,
)

# Receivers own /v1/hooks/{source}/{brand_id}; sources live apart, so that no source path can
# ever be read as a delivery to a tool (`/v1/hooks/sources/{id}` would be exactly that).
router = APIRouter(tags=["hooks"])
RECEIVERS: Final = "/v1/hooks"
SOURCES: Final = "/v1/hook-sources"

HookIdPath = Annotated[
    str,
    Path(max_length=64, description="The hook source's id.", examples=["hk_q3v7x2k5d4h6j3n2p5r7"]),
]


def _base_url(request: Request) -> str:
    """The base of receiver URLs: VIGIE_PUBLIC_BASE_URL, else the API Gateway domain (from the
    Lambda event, set by AWS), else the local server's own socket; never the client's `Host`
    header, which anyone can set (a receiver URL pointing at an attacker's host)."""
    configured = request.app.state.services.settings.public_base_url
    if configured:
        return str(configured)
    event = request.scope.get("aws.event") or {}
    domain = (event.get("requestContext") or {}).get("domainName")
    if isinstance(domain, str) and domain:
        return f"https://{domain}/"
    host, port = request.scope.get("server") or ("127.0.0.1", 8000)
    scheme = request.url.scheme
    default_port = {"http": 80, "https": 443}.get(scheme)
    return f"{scheme}://{host}/" if port == default_port else f"{scheme}://{host}:{port}/"


# An empty body (or none) means the default overlap.
_DEFAULT_ROTATION: Final = HookSecretRotation()

# --- hook sources ----------------------------------------------------------------------------


@router.post(
    SOURCES,
    operation_id="register_hook_source",
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(NotFound, SecretsNotConfigured),
    dependencies=[StrictQuery],
)
def register_hook_source(
    body: HookSourceCreate,
    request: Request,
    principal: PrincipalDep,
    services: ServicesDep,
) -> HookSourceWithSecret:
    """Register a listening tool for a brand (or the whole workspace); the secret is shown once.

    No `Idempotency-Key` here: replaying the first response would mean storing the secret.
    """
    return services.hook_sources.register(principal, body, _base_url(request))


@router.get(
    SOURCES,
    operation_id="list_hook_sources",
    responses=problem_responses(InvalidCursor),
    dependencies=[StrictQuery],
)
def list_hook_sources(
    request: Request,
    principal: PrincipalDep,
    services: ServicesDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    cursor: PageCursor = None,
) -> HookSourceList:
    """List the workspace's hook sources, by id, without their secrets."""
    return services.hook_sources.list_sources(principal, limit, cursor, _base_url(request))


@router.get(
    SOURCES + "/{hook_id}",
    operation_id="get_hook_source",
    responses=problem_responses(NotFound),
    dependencies=[StrictQuery],
)
def get_hook_source(
    hook_id: HookIdPath,
    request: Request,
    principal: PrincipalDep,
    services: ServicesDep,
) -> HookSource:
    """Get one hook source, without its secret."""
    return services.hook_sources.get(principal, hook_id, _base_url(request))


@router.delete(
    SOURCES + "/{hook_id}",
    operation_id="delete_hook_source",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(NotFound),
    dependencies=[StrictQuery],
)
def delete_hook_source(
    hook_id: HookIdPath, principal: PrincipalDep, services: ServicesDep
) -> Response:
    """Delete a hook source: its receiver URL refuses deliveries from now on."""
    services.hook_sources.delete(principal, hook_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    SOURCES + "/{hook_id}/rotate",
    operation_id="rotate_hook_secret",
    responses=problem_responses(NotFound, Conflict, SecretsNotConfigured),
    dependencies=[StrictQuery],
)
def rotate_hook_secret(
    hook_id: HookIdPath,
    request: Request,
    principal: PrincipalDep,
    services: ServicesDep,
    body: HookSecretRotation = _DEFAULT_ROTATION,
) -> HookSourceWithSecret:
    """Issue a new secret (shown once); the previous one keeps verifying during the overlap."""
    return services.hook_sources.rotate(principal, hook_id, body, _base_url(request))


# --- receivers ---------------------------------------------------------------------------------

_RECEIVER_DESCRIPTION: Final = """Receive a listening tool's native push and store its mentions.

Register the tool first (`register_hook_source`) and paste the URL it returns. The request is
authenticated on its raw bytes, before it is parsed, by the source's `auth` mode:

- `standard_webhooks`: `webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64>`
  (secret `whsec_…`); a timestamp more than 5 minutes off, or a `webhook-id` already received,
  is refused;
- `hmac_sha256`: `X-Vigie-Timestamp: <unix seconds>` and
  `X-Vigie-Signature: sha256=<hex HMAC-SHA256("<timestamp>.<raw body>")>` keyed with the
  `vhs_…` secret (UTF-8); the same freshness and replay rules apply;
- `url_token`: the `token` query parameter of the receiver URL (for tools that only store a URL).

Mentions are converted by the source's adapter (unmapped fields are kept in `raw`), stored once
per `source` + `external_id` (a retried delivery counts nothing twice) and triaged; the answer is
a short acknowledgement per mention. Bad input is a 4xx problem: 400 malformed JSON or signature
headers, 401 failed authentication (`hook-authentication-failed`, `stale-delivery`,
`replayed-delivery`), 404 unknown source or brand, 413 body over 1 MB, 422 unusable mentions."""


def _receiver_openapi() -> dict[str, Any]:
    examples = {
        name: {"summary": adapter.summary, "value": adapter.example}
        for name, adapter in ADAPTERS.items()
    }
    return {
        "requestBody": {
            "required": True,
            "description": "The tool's native payload; its shape depends on `{source}`.",
            "content": {
                "application/json": {
                    # anyOf, not oneOf: vendor payloads are open objects and may match several.
                    "schema": {
                        "anyOf": [
                            {"title": adapter.title, **adapter.request_schema}
                            for adapter in ADAPTERS.values()
                        ]
                    },
                    "examples": examples,
                }
            },
        },
        # Deliveries carry the tool's signature or URL token, never the workspace API key.
        "security": [],
    }


def _receiver_responses() -> dict[int | str, dict[str, Any]]:
    responses = problem_responses(
        MalformedJSON,
        MalformedSignature,
        HookAuthenticationFailed,
        StaleDelivery,
        ReplayedDelivery,
        NotFound,
        PayloadTooLarge,
        Conflict,
        QuotaExceeded,
        ServiceBusy,
        SecretsNotConfigured,
    )
    # `problem_responses` always declares the API key's 401; a receiver never asks for one.
    unauthorized = responses[Unauthorized.status]
    unauthorized["content"][PROBLEM_MEDIA_TYPE]["examples"].pop(Unauthorized.slug, None)
    unauthorized["description"] = " / ".join(
        error.title for error in (HookAuthenticationFailed, StaleDelivery, ReplayedDelivery)
    )
    unauthorized["headers"] = {
        "WWW-Authenticate": {
            "description": f"`{HookAuthenticationFailed.challenge}`",
            "schema": {"type": "string"},
        }
    }
    return responses


@router.post(
    RECEIVERS + "/{source}/{brand_id}",
    operation_id="receive_hook",
    summary="Receive a listening tool's webhook",
    description=_RECEIVER_DESCRIPTION,
    responses=_receiver_responses(),
    openapi_extra=_receiver_openapi(),
)
async def receive_hook(
    source: Annotated[
        str,
        Path(
            max_length=32,
            description="The tool, which decides how the body is read.",
            json_schema_extra={"enum": list(ADAPTERS)},
        ),
    ],
    brand_id: BrandIdPath,
    request: Request,
    services: ServicesDep,
    hook: Annotated[
        str | None,
        Query(max_length=64, description="The hook source's id (`hk_…`), from its receiver URL."),
    ] = None,
    token: Annotated[
        str | None, Query(max_length=256, description="The URL token (`url_token` sources only).")
    ] = None,
    webhook_id: Annotated[
        str | None,
        Header(alias="webhook-id", description="Standard Webhooks: the delivery's unique id."),
    ] = None,
    webhook_timestamp: Annotated[
        str | None,
        Header(alias="webhook-timestamp", description="Standard Webhooks: Unix seconds."),
    ] = None,
    webhook_signature: Annotated[
        str | None,
        Header(
            alias="webhook-signature",
            description="Standard Webhooks: `v1,<base64 signature>`, space-separated.",
        ),
    ] = None,
    vigie_signature: Annotated[
        str | None,
        Header(
            alias=SIGNATURE_HEADER,
            description='hmac_sha256: `sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>">`.',
        ),
    ] = None,
    vigie_timestamp: Annotated[
        str | None,
        Header(alias=TIMESTAMP_HEADER, description="hmac_sha256: the signing time, Unix seconds."),
    ] = None,
) -> HookDeliveryAck:
    # The raw bytes are what was signed: read them here, never let FastAPI parse the body first.
    body = await request.body()
    delivery = InboundDelivery(
        source=source,
        brand_id=brand_id,
        body=body,
        hook_id=hook,
        token=token,
        webhook_id=webhook_id,
        webhook_timestamp=webhook_timestamp,
        webhook_signature=webhook_signature,
        vigie_signature=vigie_signature,
        vigie_timestamp=vigie_timestamp,
    )
    # The service's DynamoDB calls block: run them on the thread pool, as `def` routes are, so
    # a local uvicorn keeps serving other requests meanwhile (no cost on Lambda either way).
    return await run_in_threadpool(services.hook_receiver.receive, delivery)
