"""Readiness: can this container reach its table right now? (`GET /readyz`)"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING

from botocore.exceptions import BotoCoreError, ClientError

from api.settings import Settings
from api.storage.client import create_dynamodb_client

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

logger = logging.getLogger(__name__)

# One try, short timeouts: a probe must answer quickly whatever the store does (the API's own
# client may wait up to 20 s, retries included).
PROBE_TIMEOUT_SECONDS = 1.0
_PROBE_KEY = {"PK": {"S": "READYZ"}, "SK": {"S": "READYZ"}}


class ReadinessProbe:
    """A GetItem of a key that never exists: the cheapest data-plane call (0.5 RCU), needing no
    more IAM than the API has (DescribeTable would, and is rate-limited)."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._client: DynamoDBClient | None = None
        self._lock = threading.Lock()

    def _probe_client(self) -> DynamoDBClient:
        # Built on the first probe, not at cold start: most containers are never probed.
        with self._lock:
            if self._client is None:
                self._client = create_dynamodb_client(
                    self._settings.model_copy(
                        update={
                            "dynamodb_max_attempts": 1,
                            "dynamodb_connect_timeout": PROBE_TIMEOUT_SECONDS,
                            "dynamodb_read_timeout": PROBE_TIMEOUT_SECONDS,
                        }
                    )
                )
            return self._client

    def check(self) -> str | None:
        """None when the table answers, else why not (for the 503 detail and the log)."""
        try:
            self._probe_client().get_item(TableName=self._settings.table_name, Key=_PROBE_KEY)
        except (BotoCoreError, ClientError) as error:
            logger.warning("readiness probe failed: %r", error)
            if isinstance(error, ClientError):
                return str(error.response.get("Error", {}).get("Code", "ClientError"))
            return type(error).__name__
        return None
