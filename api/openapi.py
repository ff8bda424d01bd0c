"""The OpenAPI document as committed in openapi/openapi.json."""

from __future__ import annotations

import json


def render_openapi() -> str:
    from api.app import create_app
    from api.settings import Settings
    from api.storage.client import create_dynamodb_client

    # The document does not depend on the environment: build the app with default settings.
    settings = Settings(dynamodb_endpoint="http://127.0.0.1:9")
    app = create_app(settings, create_dynamodb_client(settings))
    return json.dumps(app.openapi(), indent=2, sort_keys=False, ensure_ascii=False) + "\n"
