"""The committed OpenAPI document (`vigie openapi`, the golden test), built from the app."""

from __future__ import annotations

import json

from api.app import create_app
from api.settings import Settings
from api.storage.client import create_dynamodb_client


def render_openapi() -> str:
    """The document as committed in openapi/openapi.json (independent of the environment)."""
    # Nothing is called at build time: an unreachable endpoint is fine.
    settings = Settings(dynamodb_endpoint="http://127.0.0.1:9", public_base_url=None)
    app = create_app(settings, create_dynamodb_client(settings))
    return json.dumps(app.openapi(), indent=2, sort_keys=False, ensure_ascii=False) + "\n"
