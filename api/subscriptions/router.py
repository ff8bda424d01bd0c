"""Outbound webhook subscriptions: teams are told when a brand's tier or stage changes.

Not to be confused with `api/hooks` (inbound: listening tools pushing mentions to Vigie).
"""

from __future__ import annotations

from typing import Annotated, Final

from fastapi import APIRouter, Depends, Path, Query, Response, status
from pydantic import AwareDatetime

from api.deps import PrincipalDep, ServicesDep, StrictQuery
from api.pagination import InvalidCursor, PageCursor, PageLimit
from api.problems import Conflict, NotFound, ValidationFailed, problem_responses
from api.subscriptions.schemas import (
    DeliveryAttemptList,
    QueuedEvent,
    RecoverResult,
    SecretRotation,
    Subscription,
    SubscriptionCreate,
    SubscriptionList,
    SubscriptionUpdate,
    SubscriptionWithSecret,
)
from api.subscriptions.secrets import SubscriptionSecretsNotConfigured
from api.subscriptions.service import OwnedSubscription

# Every operation refuses query parameters it does not declare.
router = APIRouter(tags=["subscriptions"], dependencies=[StrictQuery])
BASE: Final = "/v1/subscriptions"

SubscriptionIdPath = Annotated[
    str,
    Path(
        max_length=64, description="The subscription's id.", examples=["sub_7k2m4q6s8u2w4y6a3c5e"]
    ),
]
EventIdPath = Annotated[
    str,
    Path(
        max_length=64,
        description="The event's id (`webhook-id`).",
        examples=["evt_2b4d6f8h2j4l6n8p3r5t7v9x"],
    ),
]
_DEFAULT_ROTATION: Final = SecretRotation()


def get_subscription_dep(
    subscription_id: SubscriptionIdPath, principal: PrincipalDep, services: ServicesDep
) -> OwnedSubscription:
    """The path's subscription, read once; another workspace's (or none) is a 404."""
    return services.subscriptions.owned(principal, subscription_id)


SubscriptionDep = Annotated[OwnedSubscription, Depends(get_subscription_dep)]


@router.post(
    BASE,
    operation_id="create_subscription",
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(Conflict, SubscriptionSecretsNotConfigured),
)
def create_subscription(
    body: SubscriptionCreate, principal: PrincipalDep, services: ServicesDep
) -> SubscriptionWithSecret:
    """Subscribe a URL to events; the signing secret is in this response only."""
    return services.subscriptions.create(principal, body)


@router.get(
    BASE,
    operation_id="list_subscriptions",
    responses=problem_responses(InvalidCursor),
)
def list_subscriptions(
    principal: PrincipalDep,
    services: ServicesDep,
    limit: PageLimit = 50,
    cursor: PageCursor = None,
) -> SubscriptionList:
    """List the workspace's subscriptions, without their secrets."""
    return services.subscriptions.list(principal, limit, cursor)


@router.get(
    BASE + "/{subscription_id}",
    operation_id="get_subscription",
    responses=problem_responses(NotFound),
)
def get_subscription(
    subscription: SubscriptionDep, principal: PrincipalDep, services: ServicesDep
) -> Subscription:
    """Get one subscription, without its secret."""
    return services.subscriptions.get(principal, subscription)


@router.patch(
    BASE + "/{subscription_id}",
    operation_id="update_subscription",
    responses=problem_responses(NotFound, Conflict),
)
def update_subscription(
    subscription: SubscriptionDep,
    body: SubscriptionUpdate,
    principal: PrincipalDep,
    services: ServicesDep,
) -> Subscription:
    """Change a subscription's URL, events or brands, or pause and resume it with `enabled`."""
    return services.subscriptions.update(principal, subscription, body)


@router.delete(
    BASE + "/{subscription_id}",
    operation_id="delete_subscription",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(NotFound),
)
def delete_subscription(
    subscription: SubscriptionDep, principal: PrincipalDep, services: ServicesDep
) -> Response:
    """Delete a subscription: nothing more is sent to it."""
    services.subscriptions.delete(principal, subscription)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    BASE + "/{subscription_id}/rotate-secret",
    operation_id="rotate_subscription_secret",
    responses=problem_responses(NotFound, Conflict, SubscriptionSecretsNotConfigured),
)
def rotate_subscription_secret(
    subscription: SubscriptionDep,
    principal: PrincipalDep,
    services: ServicesDep,
    body: SecretRotation = _DEFAULT_ROTATION,
) -> SubscriptionWithSecret:
    """Issue a new secret; the previous one keeps signing alongside it for 24 hours."""
    return services.subscriptions.rotate_secret(principal, subscription, body.overlap_seconds)


@router.post(
    BASE + "/{subscription_id}/test",
    operation_id="test_subscription",
    status_code=status.HTTP_202_ACCEPTED,
    responses=problem_responses(NotFound, Conflict),
)
def test_subscription(
    subscription: SubscriptionDep, principal: PrincipalDep, services: ServicesDep
) -> QueuedEvent:
    """Send a `subscription.test` event now; its attempts appear in the delivery log."""
    return services.subscriptions.send_test(principal, subscription)


@router.get(
    BASE + "/{subscription_id}/deliveries",
    operation_id="list_subscription_deliveries",
    responses=problem_responses(NotFound, InvalidCursor),
)
def list_subscription_deliveries(
    subscription: SubscriptionDep,
    principal: PrincipalDep,
    services: ServicesDep,
    limit: PageLimit = 50,
    cursor: PageCursor = None,
) -> DeliveryAttemptList:
    """The subscription's delivery attempts, newest first."""
    return services.subscriptions.deliveries(principal, subscription, limit, cursor)


@router.post(
    BASE + "/{subscription_id}/recover",
    operation_id="recover_subscription",
    status_code=status.HTTP_202_ACCEPTED,
    responses=problem_responses(NotFound, Conflict),
)
def recover_subscription(
    subscription: SubscriptionDep,
    principal: PrincipalDep,
    services: ServicesDep,
    since: Annotated[
        AwareDatetime, Query(description="Re-send every failed or skipped event since then.")
    ],
) -> RecoverResult:
    """Send again every event that failed or was skipped since a time."""
    return services.subscriptions.recover(principal, subscription, since)


@router.post(
    "/v1/events/{event_id}/resend",
    operation_id="resend_event",
    status_code=status.HTTP_202_ACCEPTED,
    responses=problem_responses(NotFound, ValidationFailed),
)
def resend_event(
    event_id: EventIdPath, principal: PrincipalDep, services: ServicesDep
) -> QueuedEvent:
    """Send an event again to the enabled subscriptions it went to (same `webhook-id`)."""
    return services.subscriptions.resend(principal, event_id)
