"""Shapes of the hook endpoints: hook sources (register, list, rotate) and delivery acks."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, Final

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from api.brands.schemas import BrandId
from api.engine.schemas import Level, Stage, Tier
from api.hooks.adapters.registry import ADAPTERS
from api.types import JsonNumber

MAX_ROTATION_OVERLAP_SECONDS: Final = 7 * 24 * 3600


# One member per registered adapter, in the registry's order (the OpenAPI enum's order). mypy
# cannot read members computed from the registry: it checks the type, never a member by name.
HookSourceName = StrEnum(  # type: ignore[misc]
    "HookSourceName", [(name, name) for name in ADAPTERS], module=__name__
)
HookSourceName.__doc__ = (
    "The listening tools Vigie reads natively (one adapter each, `api/hooks/adapters`)."
)


class HookAuth(StrEnum):
    """How deliveries prove they come from the registered tool (see docs/webhooks.md)."""

    standard_webhooks = "standard_webhooks"
    hmac_sha256 = "hmac_sha256"
    url_token = "url_token"


# `hk_` and 20 base32 characters (`credentials.new_hook_id`).
HOOK_ID_PATTERN: Final = r"hk_[a-z2-7]{20}"

HookId = Annotated[
    str,
    Field(
        pattern=f"^{HOOK_ID_PATTERN}$",
        description="The hook source's id; it routes deliveries to their workspace.",
        examples=["hk_q3v7x2k5d4h6j3n2p5r7"],
    ),
]


class HookSourceCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"source": "youscan", "brand_id": "acme", "auth": "url_token"},
                {"source": "generic", "auth": "standard_webhooks"},
            ]
        },
    )

    source: HookSourceName
    brand_id: BrandId | None = Field(
        default=None,
        description="Only this brand may receive deliveries; omit to allow every brand of the "
        "workspace (the brand is then chosen by the receiver URL's path).",
    )
    auth: HookAuth = Field(
        description="How deliveries authenticate. Tools that push themselves and cannot sign "
        "take `url_token` only (any other mode is a 422): "
        + ", ".join(
            f"`{name}`: {' / '.join(f'`{mode}`' for mode in adapter.auth_modes)}"
            for name, adapter in ADAPTERS.items()
        )
        + "."
    )


class HookSecretRotation(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"overlap_seconds": 86400}]}
    )

    # JsonNumber refuses `true` and `"10"`; an integral JSON number such as 3600.0 is an integer.
    overlap_seconds: Annotated[int, Field(ge=0, le=MAX_ROTATION_OVERLAP_SECONDS), JsonNumber] = (
        Field(
            default=24 * 3600,
            description="How long the previous secret keeps verifying, so the tool can be updated "
            "without losing deliveries (0 revokes it at once; at most 7 days).",
        )
    )


_SOURCE_EXAMPLE: Final[dict[str, Any]] = {
    "id": "hk_q3v7x2k5d4h6j3n2p5r7",
    "source": "youscan",
    "brand_id": "acme",
    "auth": "url_token",
    "receiver_url": "https://api.vigie.dev/v1/hooks/youscan/acme"
    "?hook=hk_q3v7x2k5d4h6j3n2p5r7&token={token}",
    "created_at": "2026-03-09T08:00:00Z",
    "rotated_at": "2026-03-10T08:00:00Z",
    "previous_secret_valid_until": "2026-03-11T08:00:00Z",
}


class HookSource(BaseModel):
    """A registered hook source, without its secret."""

    model_config = ConfigDict(json_schema_extra={"examples": [_SOURCE_EXAMPLE]})

    id: HookId
    source: HookSourceName
    brand_id: str | None
    auth: HookAuth
    receiver_url: str = Field(
        description="Where the tool must POST. `{brand_id}` stands for the brand when the source "
        "is workspace-wide; `{token}` for the URL token, which is only shown once."
    )
    created_at: AwareDatetime
    rotated_at: AwareDatetime | None = None
    previous_secret_valid_until: AwareDatetime | None = Field(
        default=None, description="End of the rotation overlap, while the previous secret works."
    )


class HookSourceWithSecret(HookSource):
    """A hook source with its secret: returned once, at registration and at each rotation."""

    model_config = ConfigDict(
        defer_build=True,  # built by its lazy router (api/lazy.py) or first use, not at import
        json_schema_extra={
            "examples": [
                {
                    "id": "hk_q3v7x2k5d4h6j3n2p5r7",
                    "source": "youscan",
                    "brand_id": "acme",
                    "auth": "url_token",
                    "receiver_url": "https://api.vigie.dev/v1/hooks/youscan/acme"
                    "?hook=hk_q3v7x2k5d4h6j3n2p5r7&token=vht_Jb0…",
                    "created_at": "2026-03-09T08:00:00Z",
                    "secret": "vht_Jb0…",
                    "setup": "Paste receiver_url as the webhook URL in YouScan …",
                }
            ]
        },
    )

    secret: str = Field(
        description="`whsec_…` (Standard Webhooks), `vhs_…` (HMAC-SHA256 key) or `vht_…` (URL "
        "token). Shown only now: Vigie cannot show it again (rotate to get a new one)."
    )
    setup: str = Field(description="How to configure the tool with this URL and secret.")


class HookSourceList(BaseModel):
    model_config = ConfigDict(
        defer_build=True,  # built by its lazy router (api/lazy.py) or first use, not at import
        json_schema_extra={
            # A cursor, not null: FastAPI drops null values from the document's examples.
            "examples": [{"items": [_SOURCE_EXAMPLE], "next_cursor": "eyJrIjoiaG9vayJ9"}]
        },
    )

    items: list[HookSource]
    # Required though nullable: the server always sends it (null on the last page).
    next_cursor: str | None = Field(
        description="Pass as `cursor` to get the next page; null on the last page."
    )


class HookMentionResult(BaseModel):
    id: str = Field(description="Vigie's id of the mention (stable for a source + external_id).")
    external_id: str = Field(description="The tool's id of the mention.")
    duplicate: bool = Field(description="True when already stored: nothing was counted.")
    tier: Tier
    risk: int = Field(ge=0, le=100)


class HookAssessmentSummary(BaseModel):
    """The brand's risk after the delivery (full assessment: `GET …/risk`)."""

    score: int = Field(ge=0, le=100)
    level: Level
    tier: Tier
    stage: Stage


class HookDeliveryAck(BaseModel):
    """What a receiver answers: one short result per mention, in delivery order."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "hook_id": "hk_q3v7x2k5d4h6j3n2p5r7",
                    "source": "generic",
                    "brand_id": "acme",
                    "delivery_id": "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W",
                    "received": 1,
                    "stored": 1,
                    "duplicates": 0,
                    "results": [
                        {
                            "id": "m_k3v7q2x9d4h6j8n2p5r7t3w9",
                            "external_id": "scraper-tp-88231",
                            "duplicate": False,
                            "tier": "respond_publicly",
                            "risk": 48,
                        }
                    ],
                    "assessment": {
                        "score": 31,
                        "level": "moderate",
                        "tier": "respond_publicly",
                        "stage": "emerging",
                    },
                }
            ]
        }
    )

    hook_id: str
    source: HookSourceName
    brand_id: str
    delivery_id: str | None = Field(
        description="The delivery's `webhook-id` (Standard Webhooks), else null."
    )
    received: int = Field(description="Mentions in the delivery.")
    stored: int = Field(description="Mentions stored and counted by this delivery.")
    duplicates: int = Field(description="Mentions already stored (retries, copies): not counted.")
    results: list[HookMentionResult]
    assessment: HookAssessmentSummary | None = Field(
        description="The brand's risk after the delivery; null for a delivery without mentions."
    )
    duplicate_delivery: bool = Field(
        default=False,
        description="True when this delivery id (`webhook-id`, or the signature) was already "
        "accepted: nothing was processed again, `results` is empty.",
    )
