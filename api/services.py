"""Wiring: one set of repositories and services per process (per Lambda container)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from api.aggregates.repository import AggregateRepository
from api.assessments.service import AssessmentService
from api.brands.repository import BrandRepository
from api.brands.service import BrandService
from api.erasure.repository import ErasureRepository
from api.erasure.service import ErasureService
from api.hooks.credentials import HookKeyring
from api.hooks.receiver import HookReceiver
from api.hooks.repository import HookRepository
from api.hooks.sources import HookSourceService
from api.idempotency import IdempotencyService
from api.mentions.repository import MentionRepository
from api.mentions.service import MentionService
from api.queue.repository import QueueRepository
from api.queue.service import QueueService
from api.quotas.repository import QuotaRepository
from api.quotas.service import QuotaService
from api.secrets_key import SecretsKey
from api.settings import Settings
from api.storage.shards import ShardCounts
from api.subscriptions.repository import SubscriptionRepository
from api.subscriptions.secrets import MasterKey
from api.subscriptions.service import SubscriptionService
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
    hook_sources: HookSourceService
    hook_receiver: HookReceiver
    idempotency: IdempotencyService
    subscriptions: SubscriptionService
    queue: QueueService
    erasures: ErasureService


def build_services(settings: Settings, client: DynamoDBClient) -> Services:
    table = settings.table_name
    # Each brand's mention shard count, learnt from its brand item (api/storage/shards.py).
    shard_counts = ShardCounts(client, table)
    aggregates = AggregateRepository(
        client, table, settings.aggregate_shards, shard_counts=shard_counts
    )
    assessments = AssessmentService(aggregates, settings)
    mentions = MentionRepository(
        client, table, aggregates, bucket_seconds=settings.engine.bucket_seconds
    )
    brands = BrandService(
        BrandRepository(client, table, shard_counts),
        settings.mention_shards,
        settings.workspace_mention_shards,
        cache_seconds=settings.brand_cache_seconds,
    )
    # One master key per process: hooks and subscriptions derive from the same one.
    secrets_key = SecretsKey(settings)
    subscriptions = SubscriptionService(
        SubscriptionRepository(client, table), settings, MasterKey(secrets_key)
    )
    mention_service = MentionService(
        mentions,
        assessments,
        settings,
        announcer=subscriptions,
        quotas=QuotaService(QuotaRepository(client, table), settings),
    )
    hooks = HookRepository(client, table)
    keyring = HookKeyring(secrets_key)  # one per process: both sides derive from the same key
    hook_sources = HookSourceService(hooks, brands, keyring, settings)
    return Services(
        settings=settings,
        api_keys=ApiKeyService(
            ApiKeyRepository(client, table), cache_seconds=settings.api_key_cache_seconds
        ),
        brands=brands,
        mentions=mention_service,
        assessments=assessments,
        hook_sources=hook_sources,
        hook_receiver=HookReceiver(hooks, brands, mention_service, keyring, settings),
        idempotency=IdempotencyService(client, table, settings.idempotency_ttl_seconds),
        subscriptions=subscriptions,
        queue=QueueService(QueueRepository(client, table, shard_counts), mention_service),
        erasures=ErasureService(
            ErasureRepository(client, table, shard_counts),
            brands,
            hook_sources,
            subscriptions,
            assessments,
            settings,
        ),
    )
