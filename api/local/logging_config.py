"""uvicorn's logging for `vigie dev`, with each line's request id (api/request_id.py)."""

from __future__ import annotations

import copy
from typing import Any


def local_log_config() -> dict[str, Any]:
    from uvicorn.config import LOGGING_CONFIG

    import api.request_id  # noqa: F401  (installs the record factory the formats rely on)

    config = copy.deepcopy(LOGGING_CONFIG)
    formatters = config["formatters"]
    formatters["default"]["fmt"] = "%(levelprefix)s [%(request_id)s] %(name)s: %(message)s"
    formatters["access"]["fmt"] = (
        '%(levelprefix)s [%(request_id)s] %(client_addr)s - "%(request_line)s" %(status_code)s'
    )
    # The app's own loggers (`api.*`) print through the same handler as uvicorn's.
    config["loggers"]["api"] = {"handlers": ["default"], "level": "INFO", "propagate": False}
    return config
