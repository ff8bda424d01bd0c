"""Cold-start floor of the stack: the hello handler plus one boto3 DynamoDB client.

No service on FastAPI + Mangum + DynamoDB can start faster than this; bench/cold_start.py holds
Vigie's handler to a ratio of it. The client is created at import, as a Lambda handler would.
"""

from __future__ import annotations

import boto3

from bench.baselines.hello_handler import handler

dynamodb = boto3.client("dynamodb")

__all__ = ["dynamodb", "handler"]
