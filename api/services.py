"""Wiring: one set of repositories and services per process (per Lambda container)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from api.aggregates.repository import AggregateRepository
from api.assessments.service import AssessmentService
from api.brands.repository import BrandRepository
from api.brands.service import BrandService
from api.hooks.repository import HookRepository
from api.hooks.service import HookService
from api.idempotency import IdempotencyService
from api.mentions.repository import MentionRepository
from api.mentions.service import MentionService
from api.queue.repository import QueueRepository
from api.queue.service import QueueService
from api.settings import Settings
from api.workspaces.repository import ApiKeyRepository
from api.workspaces.service import ApiKeyService

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


@dataclass(frozen=True, slots=True)
class Services:
    settings: Settings
    api_keys: ApiKeyService
    brands: BrandService
    mentions: MentionService
    assessments: AssessmentService
    hooks: HookService
    idempotency: IdempotencyService
    queue: QueueService


def build_services(settings: Settings, client: DynamoDBClient) -> Services:
    table = settings.table_name
    aggregates = AggregateRepository(client, table, settings.aggregate_shards)
    assessments = AssessmentService(aggregates, settings)
    mentions = MentionRepository(
        client, table, aggregates, bucket_seconds=settings.engine.bucket_seconds
    )
    brands = BrandService(BrandRepository(client, table))
    mention_service = MentionService(mentions, assessments, settings)
    return Services(
        settings=settings,
        api_keys=ApiKeyService(ApiKeyRepository(client, table)),
        brands=brands,
        mentions=mention_service,
        assessments=assessments,
        hooks=HookService(HookRepository(client, table), brands, mention_service, settings),
        idempotency=IdempotencyService(client, table, settings.idempotency_ttl_seconds),
        queue=QueueService(QueueRepository(client, table), mention_service),
    )
