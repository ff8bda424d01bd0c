"""Wiring: one set of repositories and services per process (per Lambda container).

The services of the ingest path (API keys, brands, mentions and their announcer, assessments, the
hook receivers, idempotency) are built with the app. Those of the management areas whose routers
load on their first request (api/lazy.py) are built on first use, with their modules: hook-source
management, the review queue and erasures (a Lambda container serving ingest never imports them),
and subscriptions, which the announcer needs only for a brand that has subscribers.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from typing import TYPE_CHECKING

from api.aggregates.repository import AggregateRepository
from api.assessments.service import AssessmentService
from api.brands.repository import BrandRepository
from api.brands.service import BrandService
from api.hooks.credentials import HookKeyring
from api.hooks.receiver import HookReceiver
from api.hooks.repository import HookRepository
from api.idempotency import IdempotencyService
from api.mentions.repository import MentionRepository
from api.mentions.service import MentionService
from api.quotas.repository import QuotaRepository
from api.quotas.service import QuotaService
from api.secrets_key import SecretsKey
from api.settings import Settings
from api.storage.shards import ShardCounts
from api.subscriptions.announcer import Announcer, Subscribers
from api.subscriptions.repository import SubscriptionRepository
from api.workspaces.repository import ApiKeyRepository
from api.workspaces.service import ApiKeyService

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

    from api.erasure.service import ErasureService
    from api.hooks.sources import HookSourceService
    from api.queue.service import QueueService
    from api.subscriptions.service import SubscriptionService


class Services:
    """The process's services; `hook_sources`, `queue`, `erasures` and `subscriptions` are built
    on first use (by the builders `build_services` hands over), with their modules."""

    def __init__(
        self,
        settings: Settings,
        *,
        api_keys: ApiKeyService,
        brands: BrandService,
        mentions: MentionService,
        assessments: AssessmentService,
        hook_receiver: HookReceiver,
        idempotency: IdempotencyService,
        build_subscriptions: Callable[[], SubscriptionService],
        build_hook_sources: Callable[[], HookSourceService],
        build_queue: Callable[[], QueueService],
        build_erasures: Callable[[], ErasureService],
    ) -> None:
        self.settings = settings
        self.api_keys = api_keys
        self.brands = brands
        self.mentions = mentions
        self.assessments = assessments
        self.hook_receiver = hook_receiver
        self.idempotency = idempotency
        self._build_subscriptions = build_subscriptions
        self._build_hook_sources = build_hook_sources
        self._build_queue = build_queue
        self._build_erasures = build_erasures

    # functools.cached_property locks on Python 3.11: concurrent first uses build one service.
    @cached_property
    def subscriptions(self) -> SubscriptionService:
        return self._build_subscriptions()

    @cached_property
    def hook_sources(self) -> HookSourceService:
        return self._build_hook_sources()

    @cached_property
    def queue(self) -> QueueService:
        return self._build_queue()

    @cached_property
    def erasures(self) -> ErasureService:
        return self._build_erasures()


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
    # Shared by the announcer and the subscription service: a change made through this container
    # is seen at once by the next ingest.
    subscribers = Subscribers(
        SubscriptionRepository(client, table), settings.subscription_cache_seconds
    )
    mention_service = MentionService(
        mentions,
        assessments,
        settings,
        announcer=Announcer(subscribers, lambda: services.subscriptions),
        quotas=QuotaService(QuotaRepository(client, table), settings),
    )
    hooks = HookRepository(client, table)
    keyring = HookKeyring(secrets_key)  # one per process: both sides derive from the same key

    # Management areas (their routers are lazy too, api/lazy.py): imported and built on first use.
    def subscriptions() -> SubscriptionService:
        from api.subscriptions.secrets import MasterKey
        from api.subscriptions.service import SubscriptionService

        return SubscriptionService(
            subscribers.repository, settings, MasterKey(secrets_key), subscribers=subscribers
        )

    def hook_sources() -> HookSourceService:
        from api.hooks.sources import HookSourceService

        return HookSourceService(hooks, brands, keyring, settings)

    def queue() -> QueueService:
        from api.queue.repository import QueueRepository
        from api.queue.service import QueueService

        return QueueService(QueueRepository(client, table, shard_counts), mention_service)

    def erasures() -> ErasureService:
        from api.erasure.repository import ErasureRepository
        from api.erasure.service import ErasureService

        return ErasureService(
            ErasureRepository(client, table, shard_counts),
            brands,
            services.hook_sources,
            services.subscriptions,
            assessments,
            settings,
        )

    services = Services(
        settings,
        api_keys=ApiKeyService(
            ApiKeyRepository(client, table), cache_seconds=settings.api_key_cache_seconds
        ),
        brands=brands,
        mentions=mention_service,
        assessments=assessments,
        hook_receiver=HookReceiver(hooks, brands, mention_service, keyring, settings),
        idempotency=IdempotencyService(client, table, settings.idempotency_ttl_seconds),
        build_subscriptions=subscriptions,
        build_hook_sources=hook_sources,
        build_queue=queue,
        build_erasures=erasures,
    )
    return services
