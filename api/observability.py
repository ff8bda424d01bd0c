"""Business metrics, published as CloudWatch EMF by Powertools when running on Lambda.

The Lambda entry installs its `Metrics` here; elsewhere (uvicorn, tests) counting is a no-op,
so nothing accumulates in memory or floods stdout.

Metrics (namespace `POWERTOOLS_METRICS_NAMESPACE`, default `Vigie`):
`MentionsStored`, `DuplicateMentions`, `TriageLatency` (ms per batch), `TierChanges` (announced
to subscriptions), `QuotaRefusals`, `QuotaShardRetries` (a sharded workspace's quota shard was
full: its shards read, the write retried on another), `Throttles` (every 429 and 503 answered)
and `ServiceBusy` (the 503s among them).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aws_lambda_powertools import Metrics

_metrics: Metrics | None = None


def publish_metrics_with(metrics: Metrics | None) -> None:
    global _metrics
    _metrics = metrics


def count(name: str, value: int) -> None:
    if _metrics is not None and value:
        from aws_lambda_powertools.metrics import MetricUnit

        _metrics.add_metric(name=name, unit=MetricUnit.Count, value=value)


def milliseconds(name: str, value: float) -> None:
    if _metrics is not None:
        from aws_lambda_powertools.metrics import MetricUnit

        _metrics.add_metric(name=name, unit=MetricUnit.Milliseconds, value=round(value, 3))
