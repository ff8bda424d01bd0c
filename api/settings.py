"""Every setting of Vigie, read once from the environment (prefix `VIGIE_`)."""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from api.engine.config import EngineConfig


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
    dynamodb_max_attempts: Annotated[int, Field(ge=1, le=20)] = 5
    dynamodb_connect_timeout: float = 2.0
    dynamodb_read_timeout: float = 5.0

    retention_days: Annotated[int, Field(ge=1, le=3650)] = 90
    aggregate_shards: Annotated[int, Field(ge=1, le=64)] = 4
    max_body_bytes: Annotated[int, Field(ge=1024)] = 1_048_576
    max_mentions_per_batch: Annotated[int, Field(ge=1, le=100)] = 100
    future_tolerance_seconds: Annotated[int, Field(ge=0)] = 300
    idempotency_ttl_seconds: Annotated[int, Field(ge=60)] = 24 * 3600

    engine: EngineConfig = EngineConfig()


@lru_cache
def get_settings() -> Settings:
    return Settings()
