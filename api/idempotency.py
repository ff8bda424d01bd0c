"""`Idempotency-Key` on POSTs: the first response is stored and replayed, on Powertools Idempotency.

Only requests that carry the header pay for it (Powertools' idempotency imports boto3, so it is
loaded lazily): mention deduplication itself never depends on this header.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

from fastapi import Header
from pydantic import BaseModel

from api.problems import Conflict, ProblemError
from api.storage.retry import StoreBusyError

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer
    from mypy_boto3_dynamodb import DynamoDBClient

ModelT = TypeVar("ModelT", bound=BaseModel)
REPLAYED_HEADER = "Idempotent-Replayed"

IdempotencyKeyHeader = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=255,
        description="Any unique string (e.g. a UUID): a retry with the same key and body replays "
        "the first response instead of running again (kept 24 h).",
    ),
]


class IdempotencyKeyReused(ProblemError):
    status, slug, title = 422, "idempotency-key-reused", "Idempotency key reused"


class IdempotencyService:
    def __init__(self, client: DynamoDBClient, table_name: str, ttl_seconds: int) -> None:
        self._client = client
        self._table = table_name
        self._ttl_seconds = ttl_seconds

    @lru_cache(maxsize=256)  # noqa: B019 - one layer per workspace, living as long as the service
    def _persistence(self, workspace: str) -> DynamoDBPersistenceLayer:
        from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer

        return DynamoDBPersistenceLayer(
            table_name=self._table,
            key_attr="PK",
            sort_key_attr="SK",
            # One partition per workspace: tenants don't share a hot key.
            static_pk_value=f"IDEMPOTENCY#{workspace}",
            expiry_attr="expires_at",
            boto3_client=self._client,
        )

    def run(
        self,
        *,
        workspace: str,
        operation: str,
        key: str | None,
        request_body: bytes | str,
        produce: Callable[[], ModelT],
        model: type[ModelT],
        lambda_context: Any | None = None,
    ) -> tuple[ModelT, bool]:
        """Run `produce` once per (workspace, operation, key); return (response, replayed)."""
        if key is None:
            return produce(), False
        from aws_lambda_powertools.utilities.idempotency import (
            IdempotencyConfig,
            idempotent_function,
        )
        from aws_lambda_powertools.utilities.idempotency.exceptions import (
            IdempotencyAlreadyInProgressError,
            IdempotencyPersistenceLayerError,
            IdempotencyValidationError,
        )

        body = request_body.encode() if isinstance(request_body, str) else request_body
        replayed = False

        def mark_replayed(response: Any, idempotent_data: Any) -> Any:
            del idempotent_data
            nonlocal replayed
            replayed = True
            return response

        config = IdempotencyConfig(
            event_key_jmespath="key",
            payload_validation_jmespath="body",
            expires_after_seconds=self._ttl_seconds,
            hash_function="sha256",
            response_hook=mark_replayed,
        )
        if lambda_context is not None:
            # Lets an in-progress record expire with the invocation if Lambda times out mid-way,
            # instead of blocking retries until the record's TTL.
            config.register_lambda_context(lambda_context)

        def execute(request: dict[str, str]) -> dict[str, Any]:
            del request  # only its hash matters, to Powertools
            return produce().model_dump(mode="json", by_alias=True)

        execute = idempotent_function(
            execute,
            data_keyword_argument="request",
            persistence_store=self._persistence(workspace),
            config=config,
            key_prefix=operation,
        )

        request = {"key": key, "body": hashlib.sha256(body).hexdigest()}
        try:
            stored = execute(request=request)
        except IdempotencyValidationError:
            raise IdempotencyKeyReused(
                "This Idempotency-Key was already used with a different request body."
            ) from None
        except IdempotencyAlreadyInProgressError:
            raise Conflict(
                "A request with this Idempotency-Key is still in progress; retry shortly.",
                headers={"Retry-After": "1"},
            ) from None
        except IdempotencyPersistenceLayerError as error:
            # The idempotency record could not be read or written (throttled, timed out):
            # a 503 like any other store failure, never a 500.
            raise StoreBusyError(f"the Idempotency-Key record failed: {error}") from error
        return model.model_validate(stored), replayed
