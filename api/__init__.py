"""Vigie: brand mentions in, explainable risk and response tiers out."""

# The one version of Vigie: the OpenAPI document's `info.version` (api/app.py) and the package's
# (pyproject.toml must say the same: tests/test_openapi.py checks it). The Lambda package ships
# no distribution metadata, so importlib.metadata cannot be the source.
__version__ = "0.1.0"
