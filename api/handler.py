"""AWS Lambda entry point: the FastAPI app behind Mangum, observed by Powertools.

Everything here runs once per container (cold start): the app, its DynamoDB client and services.
Mangum's lifespan is off because it would run on every invocation.
"""

from __future__ import annotations

import gc

# The cold start leaves ~160,000 objects the collector tracks (modules, classes, routes, pydantic
# schemas), nearly none of them garbage: its ~240 passes over them while they are made cost ~9 %
# of the import's CPU time (~70 ms on the bench machine) to free ~900 objects. So it is off until
# the app is built; then what init made is frozen (out of the collected generations: later
# passes skip it, the first request pays no catch-up pass) and collection goes on as before.
collecting = gc.isenabled()
gc.disable()
try:
    import os
    from collections.abc import Callable
    from typing import Any, cast

    from aws_lambda_powertools import Logger, Metrics
    from aws_lambda_powertools.logging import correlation_paths
    from aws_lambda_powertools.logging.utils import copy_config_to_registered_loggers
    from aws_lambda_powertools.utilities.typing import LambdaContext
    from mangum import Mangum
    from mangum.adapter import DEFAULT_TEXT_MIME_TYPES

    from api.app import create_app
    from api.observability import publish_metrics_with
    from api.problems import PROBLEM_MEDIA_TYPE, MalformedJSON
    from api.redaction import redact_lambda_logs
    from api.request_id import HEADER, event_request_id

    LambdaHandler = Callable[[dict[str, Any], LambdaContext], dict[str, Any]]

    logger = Logger(service=os.environ.get("POWERTOOLS_SERVICE_NAME", "vigie"))
    # POWERTOOLS_LOGGER_LOG_EVENT prints whole events: never their tokens or Authorization headers.
    redact_lambda_logs(logger.name)
    # A metric without a namespace makes Powertools raise on every invocation: never leave it unset.
    metrics = Metrics(namespace=os.environ.get("POWERTOOLS_METRICS_NAMESPACE", "Vigie"))
    publish_metrics_with(metrics)

    app = create_app()
    # The app's own loggers (`api.*`) write through the Powertools handler: JSON lines with the
    # invocation's correlation id and each record's `request_id` (api/request_id.py).
    copy_config_to_registered_loggers(source_logger=logger, include={"api"})
    # Mangum base64-encodes every body whose media type it does not know as text, and API Gateway
    # hands those on as bytes: problem documents must reach clients as the JSON text they are.
    TEXT_MIME_TYPES = [*DEFAULT_TEXT_MIME_TYPES, "application/problem+json"]
    asgi_handler = Mangum(app, lifespan="off", text_mime_types=TEXT_MIME_TYPES)
finally:
    gc.freeze()
    if collecting:
        gc.enable()


def traced(function: LambdaHandler) -> LambdaHandler:
    """Powertools Tracer subsegments, unless POWERTOOLS_TRACE_DISABLED.

    Even a disabled Tracer imports the X-Ray SDK (~130 ms of cold start), so when tracing is off
    we don't build one at all; Lambda's active tracing still records every invocation.
    """
    if os.environ.get("POWERTOOLS_TRACE_DISABLED", "false").lower() in {"1", "true"}:
        return function
    from aws_lambda_powertools import Tracer

    tracer = Tracer(patch_modules=["botocore"])
    return cast(LambdaHandler, tracer.capture_lambda_handler(function, capture_response=False))


@logger.inject_lambda_context(
    clear_state=True, correlation_id_path=correlation_paths.API_GATEWAY_HTTP
)
@traced
@metrics.log_metrics(capture_cold_start_metric=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    # Powertools' and Mangum's LambdaContext types describe the same runtime object.
    try:
        response: dict[str, Any] = asgi_handler(event, cast(Any, context))
    except ValueError:  # binascii.Error, or a body of non-ASCII characters
        # Mangum decodes the body before the app sees it. API Gateway only hands on valid
        # base64, but a hand-made invocation may not: a 400 problem, not a failed invocation.
        if not event.get("isBase64Encoded"):
            raise
        return _undecodable_body(event)
    return response


def _undecodable_body(event: dict[str, Any]) -> dict[str, Any]:
    refused = MalformedJSON(
        "The event says its body is base64-encoded (`isBase64Encoded`) but it is not valid "
        "base64: nothing was read."
    )
    path = event.get("rawPath") if isinstance(event.get("rawPath"), str) else None
    # Answered outside the app: the request id its middleware would have echoed, by hand.
    request_id = event_request_id(event)
    problem = refused.to_problem(instance=path).model_copy(update={"request_id": request_id})
    return {
        "statusCode": refused.status,
        "headers": {"content-type": PROBLEM_MEDIA_TYPE, HEADER.lower(): request_id},
        "body": problem.model_dump_json(exclude_none=True),
        "isBase64Encoded": False,
    }
