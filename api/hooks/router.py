"""Inbound webhooks: the receivers for listening tools (their hook sources: sources_router.py).

Routing: a tool POSTs its native payload to `/v1/hooks/{source}/{brand_id}?hook={hook id}`,
the URL printed at registration. `{source}` picks the adapter, `hook` the registered source —
and so the workspace, the auth mode and the secrets — and `{brand_id}` the brand, which must
belong to that workspace (and be the source's brand when it was registered for one). No API key:
the tool does not have one; the delivery's signature or URL token is the credential.

Sources are managed with the workspace API key under `/v1/hook-sources`.
"""

from __future__ import annotations

from typing import Annotated, Any, Final

from fastapi import APIRouter, Header, Path, Query, Request
from starlette.concurrency import run_in_threadpool

from api.deps import BrandIdPath, ServicesDep
from api.hooks.adapters.registry import ADAPTERS
from api.hooks.credentials import SecretsNotConfigured
from api.hooks.receiver import InboundDelivery
from api.hooks.schemas import (
    HookDeliveryAck,
)
from api.hooks.signatures import (
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    HookAuthenticationFailed,
    MalformedSignature,
    ReplayedDelivery,
    StaleDelivery,
)
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
