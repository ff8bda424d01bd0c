"""Cold-start baseline: the smallest FastAPI + Mangum Lambda handler (see bench/cold_start.py)."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from mangum import Mangum

app = FastAPI()


@app.get("/healthz")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


asgi_handler = Mangum(app, lifespan="off")


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    response: dict[str, Any] = asgi_handler(event, context)
    return response
