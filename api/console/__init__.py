"""The community manager's console (/app): server-rendered pages on the same services as the API.

Nothing here is imported when the app is built: `api.console.mount` loads it on the first
request under /app, so Jinja2 never costs the ingest path or the webhook receivers a cold start.
"""
