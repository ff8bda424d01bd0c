"""Every setting of Vigie, read once from the environment (prefix `VIGIE_`)."""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from api.engine.config import EngineConfig

# The longest one DynamoDB call may wait for the store, all botocore attempts included.
MAX_STORE_WAIT_SECONDS = 20.0


class Settings(BaseSettings):
    """Configuration from the environment; `VIGIE_ENGINE__<FIELD>` tunes the risk model."""

    model_config = SettingsConfigDict(
        env_prefix="VIGIE_", env_nested_delimiter="__", extra="ignore", frozen=True
    )

    table_name: str = "vigie"
    region: str = "eu-west-3"
    dynamodb_endpoint: str | None = Field(
        default=None, description="Set for DynamoDB Local, e.g. http://127.0.0.1:8000."
    )
    # botocore's defaults differ between versions (Lambda may bundle an older one): be explicit.
    # A frozen store must turn into a 503 well before API Gateway's 30 s cut-off (a text/plain
    # 504 the client cannot act on): attempts x (connect + read) stays under
    # `MAX_STORE_WAIT_SECONDS` (checked below). botocore's 60 s read default would not.
    dynamodb_max_attempts: Annotated[int, Field(ge=1, le=20)] = 3
    dynamodb_connect_timeout: Annotated[float, Field(gt=0, le=10)] = 1.5
    dynamodb_read_timeout: Annotated[float, Field(gt=0, le=20)] = 4.0

    retention_days: Annotated[int, Field(ge=1, le=3650)] = 90
    aggregate_shards: Annotated[int, Field(ge=1, le=64)] = 4
    # Partition keys a new brand's mentions (and their time, hot and queue indexes) are spread
    # over, fixed at the brand's creation (api/storage/shards.py): every listing, queue count
    # and hot-mention read is one Query per shard, so 1 unless the workspace is expected to
    # push hundreds of mentions a second to one brand (VIGIE_WORKSPACE_MENTION_SHARDS, JSON:
    # `{"acme": 32}`, like the quotas; docs/architecture.md "Hot partitions").
    mention_shards: Annotated[int, Field(ge=1, le=64)] = 1
    workspace_mention_shards: dict[str, Annotated[int, Field(ge=1, le=64)]] = Field(
        default_factory=dict
    )
    max_body_bytes: Annotated[int, Field(ge=1024)] = 1_048_576
    max_mentions_per_batch: Annotated[int, Field(ge=1, le=100)] = 100
    future_tolerance_seconds: Annotated[int, Field(ge=0)] = 300
    idempotency_ttl_seconds: Annotated[int, Field(ge=60)] = 24 * 3600

    # Inbound webhooks (api/hooks). The master key from which every hook signing secret is derived
    # (HMAC-SHA256 KDF): without it, only `url_token` hook sources can be registered.
    secrets_key: SecretStr | None = Field(
        default=None,
        description="At least 32 random characters, e.g. `openssl rand -base64 32`.",
    )
    # On Lambda: the Secrets Manager secret holding that key, read once at cold start
    # (api/secrets_key.py) so the key never sits in the function's environment.
    secrets_key_secret_arn: str | None = Field(
        default=None, description="ARN or name of the secret holding VIGIE_SECRETS_KEY."
    )
    # Standard Webhooks' tolerance is 5 minutes; a smaller window is allowed, a larger one is not.
    hook_timestamp_tolerance_seconds: Annotated[int, Field(ge=30, le=300)] = 300
    # How long a delivery id (`webhook-id`, or an HMAC signature) is remembered to refuse replays:
    # longer than the senders' retry schedules (Standard Webhooks senders retry for about 1.5 days).
    hook_delivery_ttl_seconds: Annotated[int, Field(ge=600, le=30 * 24 * 3600)] = 3 * 24 * 3600
    public_base_url: str | None = Field(
        default=None,
        description="Base URL printed in receiver URLs (custom domain); default: the request's.",
    )

    # Outbound events (api/subscriptions): what the dispatcher may reach and how it retries.
    # CIDRs a subscription URL may resolve to although private (tests, `vigie dev`: 127.0.0.0/8).
    # Link-local and cloud metadata addresses stay refused whatever this says.
    outbound_allow_cidrs: str = Field(
        default="", description="Comma-separated CIDRs, e.g. `127.0.0.0/8`; empty by default."
    )
    # Seconds before each retry after a failed attempt (with +-10 % jitter): about a day in all.
    subscription_retry_schedule: tuple[float, ...] = (5, 300, 1800, 7200, 18000, 36000, 36000)
    subscription_timeout_seconds: Annotated[float, Field(gt=0, le=30)] = 15.0
    # A subscription whose every attempt failed for this long is disabled (later events: skipped).
    subscription_disable_after_days: Annotated[float, Field(gt=0, le=30)] = 5.0
    subscription_rotation_overlap_seconds: Annotated[int, Field(ge=0, le=7 * 24 * 3600)] = 86400
    max_subscriptions_per_workspace: Annotated[int, Field(ge=1, le=40)] = 25
    # Events and the delivery log are kept this long (DynamoDB TTL), long enough for `recover`.
    subscription_event_retention_days: Annotated[int, Field(ge=1, le=90)] = 30
    # `mention.escalated` for a `respond_publicly` mention from this risk (brand setting wins).
    escalation_risk: Annotated[int, Field(ge=0, le=100)] = 70
    # The SQS queue that holds delayed retries (set by serverless.yml; unset locally).
    retry_queue_url: str | None = None
    # The console (/app): how long a sign-in lasts. Its cookies are signed with a key derived
    # from `secrets_key` (a random per-process key without one: sessions end on restart).
    console_session_hours: Annotated[int, Field(ge=1, le=24 * 30)] = 12
    # Erasure (api/erasure): what a DELETE erases before answering (items and seconds, whichever
    # runs out first); the scheduled worker finishes larger erasures. 0 items: always later.
    erasure_sync_items: Annotated[int, Field(ge=0, le=100_000)] = 2000
    erasure_sync_seconds: Annotated[float, Field(ge=0, le=20)] = 3.0
    # A brand erasure sweeps once more this long after the brand was marked (no request that
    # read it before can still be writing: the API times out at 29 s), then deletes the brand.
    erasure_settle_seconds: Annotated[float, Field(ge=0, le=900)] = 30.0

    # API keys: how long a container trusts a key it has checked. A revoked key keeps working
    # at most this long in another container (the revoking one forgets it at once).
    api_key_cache_seconds: Annotated[float, Field(ge=0, le=60)] = 5.0
    # Ingest's answer (api/assessments/live.py): a container re-reads a brand's assessment
    # inputs at most this often and adds its own writes in between, so the assessment an
    # ingest returns may miss what other containers stored in the last this-many seconds.
    # 0: read them after every write.
    live_assessment_seconds: Annotated[float, Field(ge=0, le=60)] = 5.0
    # How long ingest trusts a brand's settings, and the announcer a workspace's list of
    # subscriptions, that this container read; a change made through the same container is
    # seen at once. A brand erasure waits this long on top of `erasure_settle_seconds` before
    # its last sweep (another container's ingest may store into it until then).
    brand_cache_seconds: Annotated[float, Field(ge=0, le=60)] = 5.0
    subscription_cache_seconds: Annotated[float, Field(ge=0, le=60)] = 5.0
    # Ingest quota: mentions stored per workspace per UTC day (API and webhook receivers alike),
    # and per-workspace exceptions as JSON: `VIGIE_WORKSPACE_MENTION_QUOTAS='{"acme": 500000}'`.
    daily_mention_quota: Annotated[int, Field(ge=0)] = 100_000
    workspace_mention_quotas: dict[str, Annotated[int, Field(ge=0)]] = Field(default_factory=dict)

    engine: EngineConfig = EngineConfig()

    @model_validator(mode="after")
    def _store_waits_fit_api_gateway(self) -> Settings:
        worst = self.dynamodb_max_attempts * (
            self.dynamodb_connect_timeout + self.dynamodb_read_timeout
        )
        if worst > MAX_STORE_WAIT_SECONDS:
            raise ValueError(
                f"VIGIE_DYNAMODB_MAX_ATTEMPTS x (CONNECT_TIMEOUT + READ_TIMEOUT) = {worst:g} s; "
                f"at most {MAX_STORE_WAIT_SECONDS} s so a stalled store answers 503 before API "
                "Gateway's 30 s limit"
            )
        return self

    @field_validator("secrets_key")
    @classmethod
    def _refuse_placeholder_secrets_key(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None:
            return None
        raw = value.get_secret_value()
        if not raw:
            return None
        lowered = raw.lower()
        if (
            len(raw) < 32
            or len(set(raw)) < 10
            or any(word in lowered for word in _PLACEHOLDER_WORDS)
        ):
            raise ValueError(
                "VIGIE_SECRETS_KEY must be at least 32 random characters "
                "(e.g. `openssl rand -base64 32`), not a placeholder"
            )
        return value


_PLACEHOLDER_WORDS = (
    "changeme",
    "change-me",
    "change_me",
    "placeholder",
    "example",
    "secret",
    "password",
    "xxxxxx",
    "todo",
)


@lru_cache
def get_settings() -> Settings:
    """The process's settings; with VIGIE_SECRETS_KEY_SECRET_ARN, the key read from Secrets
    Manager now (cold start), once per process."""
    from api.secrets_key import with_secrets_key

    return with_secrets_key(Settings())
