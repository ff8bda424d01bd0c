"""What the announcer reads on every ingest, cached (api/subscriptions/announcer.py): two
containers, an injected clock, no waiting."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from mypy_boto3_dynamodb import DynamoDBClient

from api.brands.schemas import Brand, BrandSettings
from api.engine.schemas import BrandRiskAssessment, Tier
from api.examples import ASSESSMENT_EXAMPLE
from api.secrets_key import SecretsKey
from api.settings import Settings
from api.subscriptions.announcer import Announcer, Subscribers
from api.subscriptions.repository import SubscriptionRepository
from api.subscriptions.schemas import EventType, SubscriptionCreate
from api.subscriptions.secrets import MasterKey
from api.subscriptions.service import SubscriptionService
from api.workspaces.service import Principal
from tests.subscriptions.receivers import Receiver

BOUND = 5.0


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_subscription_created_in_another_container_is_announced_to_within_the_bound(
    settings: Settings, dynamodb: DynamoDBClient, workspace: str, receiver: Receiver
) -> None:
    clock = Clock()
    config = settings.model_copy(update={"subscription_cache_seconds": BOUND})
    key = MasterKey(SecretsKey(config))
    repository = SubscriptionRepository(dynamodb, settings.table_name)
    a = SubscriptionService(repository, config, key, clock=clock)
    b = SubscriptionService(repository, config, key, clock=clock)
    now = datetime.now(UTC)
    brand = Brand(
        id=f"b-{uuid.uuid4().hex[:8]}",
        name="ACME",
        settings=BrandSettings(),
        created_at=now,
        updated_at=now,
    )
    base = BrandRiskAssessment.model_validate(ASSESSMENT_EXAMPLE)

    def assessment(tier: Tier, seconds: int) -> BrandRiskAssessment:
        return base.model_copy(update={"tier": tier, "as_of": now + timedelta(seconds=seconds)})

    assert a.announce(workspace, brand, assessment(Tier.respond_publicly, 1)) == []  # none yet
    subscription = SubscriptionCreate(url=receiver.url, events=[EventType.brand_tier_changed])
    b.create(Principal(workspace), subscription)
    clock.now += BOUND - 0.5
    # Within the bound A still knows no subscriber: nothing announced, nothing recorded.
    assert a.announce(workspace, brand, assessment(Tier.respond_publicly, 2)) == []
    clock.now += 1.0
    assert len(a.announce(workspace, brand, assessment(Tier.respond_publicly, 3))) == 1

    # A change through the same container is seen at once (another workspace, no subscriber).
    quiet = f"{workspace}-2"
    assert a.announce(quiet, brand, assessment(Tier.respond_publicly, 4)) == []  # cached: none
    a.create(Principal(quiet), subscription)
    assert len(a.announce(quiet, brand, assessment(Tier.respond_publicly, 5))) == 1


def test_the_ingest_announcer_builds_the_service_only_for_a_brand_with_subscribers(
    settings: Settings, dynamodb: DynamoDBClient, workspace: str, receiver: Receiver
) -> None:
    clock = Clock()
    config = settings.model_copy(update={"subscription_cache_seconds": BOUND})
    repository = SubscriptionRepository(dynamodb, settings.table_name)
    subscribers = Subscribers(repository, BOUND, clock=clock)
    service = SubscriptionService(
        repository, config, MasterKey(SecretsKey(config)), subscribers=subscribers
    )
    built: list[SubscriptionService] = []

    def build() -> SubscriptionService:
        built.append(service)
        return service

    announcer = Announcer(subscribers, build)
    now = datetime.now(UTC)
    brand = Brand(
        id=f"b-{uuid.uuid4().hex[:8]}", name="ACME", settings=BrandSettings(),
        created_at=now, updated_at=now,
    )  # fmt: skip
    other = brand.model_copy(update={"id": f"{brand.id}-other"})
    base = BrandRiskAssessment.model_validate(ASSESSMENT_EXAMPLE)
    crisis = base.model_copy(update={"tier": Tier.respond_publicly, "as_of": now})

    assert announcer.announce(workspace, brand, crisis) == []
    assert built == []  # no subscriber: the service is not even built
    subscription = SubscriptionCreate(
        url=receiver.url, events=[EventType.brand_tier_changed], brand_ids=[brand.id]
    )
    service.create(Principal(workspace), subscription)
    # The cache is shared: the subscription created through this container is heard at once…
    assert len(announcer.announce(workspace, brand, crisis)) == 1
    assert built == [service]
    # …and a brand it does not name still costs no service call.
    assert announcer.announce(workspace, other, crisis) == []
    assert built == [service]
