"""AWS Lambda entry point: the FastAPI app behind Mangum, observed by Powertools.

Everything here runs once per container (cold start): the app, its DynamoDB client and services.
Mangum's lifespan is off because it would run on every invocation.
"""

from __future__ import annotations

from typing import Any, cast

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.utilities.typing import LambdaContext
from mangum import Mangum

from api.app import create_app
from api.observability import publish_metrics_with

logger = Logger()
metrics = Metrics()
tracer = Tracer(patch_modules=["botocore"])
publish_metrics_with(metrics)

app = create_app()
asgi_handler = Mangum(app, lifespan="off")


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics(capture_cold_start_metric=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    # Powertools' and Mangum's LambdaContext types describe the same runtime object.
    response: dict[str, Any] = asgi_handler(event, cast(Any, context))
    return response
