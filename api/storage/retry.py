"""Retrying DynamoDB calls: which failures are worth another try, and the one retry loop.

botocore already retries throttling and dropped connections a few times
(`Settings.dynamodb_max_attempts`, each bounded by the connect/read timeouts); these retries come
on top, for throttling only, on the calls whose failure would cost the caller a batch (writes,
the assessment reads). A timeout or a dropped connection is not retried again here: botocore's
attempts already spent the time budget that keeps a request under API Gateway's 30 s. Either way
the call raises `StoreBusyError`, which the app answers with 503 + Retry-After: the failed part
wrote nothing (or, for a timed-out write, was applied whole or not at all: DynamoDB
transactions are atomic), so the same request can be sent again.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import TypeVar

from botocore.exceptions import (
    ClientError,
    ConnectTimeoutError,
    EndpointConnectionError,
    HTTPClientError,
)
from botocore.exceptions import ConnectionError as BotocoreConnectionError

T = TypeVar("T")

DEFAULT_ATTEMPTS = 8
# A throttled (or momentarily unavailable) DynamoDB call: worth retrying after a pause.
THROTTLING_ERRORS = frozenset(
    {
        "ThrottlingException",
        "ProvisionedThroughputExceededException",
        "RequestLimitExceeded",
        "TransactionInProgressException",
        "InternalServerError",
        "ServiceUnavailable",
    }
)
# Why a transaction was cancelled, when another try may succeed.
RETRYABLE_CANCELLATIONS = frozenset(
    {
        "TransactionConflict",
        "ThrottlingError",
        "ProvisionedThroughputExceeded",
        "RequestLimitExceeded",
    }
)


class StoreBusyError(Exception):
    """DynamoDB kept throttling or conflicting past our retries, or did not answer in time.

    `maybe_applied` is True when the last attempt reached the store and timed out waiting for
    its answer (a write may then have been applied, whole: writes are single items or
    transactions); False when the failed call certainly wrote nothing.
    """

    def __init__(self, message: str, *, maybe_applied: bool = False) -> None:
        super().__init__(message)
        self.maybe_applied = maybe_applied


class RetryLater(Exception):
    """Raised by a retried call that made only part of its progress (e.g. unprocessed keys)."""


# A store that did not answer: connect/read timeouts (`ConnectTimeoutError`, `ReadTimeoutError`),
# refused or dropped connections (`EndpointConnectionError`, `ConnectionClosedError`), a response
# cut midway (`ResponseStreamingError`). All subclasses of these two.
TRANSIENT_TRANSPORT_ERRORS: tuple[type[Exception], ...] = (
    BotocoreConnectionError,
    HTTPClientError,
)


# Failures before the request left: the call certainly changed nothing.
NEVER_SENT_ERRORS: tuple[type[Exception], ...] = (ConnectTimeoutError, EndpointConnectionError)


def is_unreachable(error: BaseException) -> bool:
    """The store timed out or the connection failed: transient, a 503 for the caller."""
    return isinstance(error, TRANSIENT_TRANSPORT_ERRORS)


def is_transient(error: BaseException) -> bool:
    """Worth a 503 + Retry-After rather than an error: throttled, busy, or unreachable."""
    if isinstance(error, StoreBusyError | RetryLater) or is_unreachable(error):
        return True
    return isinstance(error, ClientError) and is_retryable(error)


def error_code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


def is_throttling(error: ClientError) -> bool:
    return error_code(error) in THROTTLING_ERRORS


def cancellation_reasons(error: ClientError) -> list[str]:
    """The per-action reasons of a cancelled transaction (empty for any other error)."""
    if error_code(error) != "TransactionCanceledException":
        return []
    return [str(r.get("Code", "None")) for r in error.response.get("CancellationReasons", [])]


def is_retryable(error: Exception) -> bool:
    """Throttling, a conflicting transaction, or a call that asked for another round."""
    if isinstance(error, RetryLater):
        return True
    if not isinstance(error, ClientError):
        return False
    if is_throttling(error):
        return True
    return any(reason in RETRYABLE_CANCELLATIONS for reason in cancellation_reasons(error))


def pause_before_retry(attempt: int) -> None:
    """Exponential backoff with full jitter: up to 20 ms x 2^attempt, at most 1 s."""
    time.sleep(random.uniform(0, min(1.0, 0.02 * 2**attempt)))


def with_retries(call: Callable[[int], T], *, what: str, attempts: int = DEFAULT_ATTEMPTS) -> T:
    """`call(attempt)` until it returns, pausing between retryable failures.

    `attempt` counts from 0, so a call can change its request on a retry (another shard).
    Raises `StoreBusyError` after `attempts` tries; any other error goes through at once.
    """
    attempt = 0
    while True:
        try:
            return call(attempt)
        except TRANSIENT_TRANSPORT_ERRORS as error:
            raise StoreBusyError(
                f"DynamoDB unreachable: {what} failed ({error})",
                maybe_applied=not isinstance(error, NEVER_SENT_ERRORS),
            ) from error
        except (ClientError, RetryLater) as error:
            if not is_retryable(error):
                raise
        attempt += 1
        if attempt >= attempts:
            raise StoreBusyError(f"DynamoDB busy: {what} failed {attempt} times in a row")
        pause_before_retry(attempt)
