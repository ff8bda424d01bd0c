"""Secrets out of the logs: query-string credentials and auth headers, in every log record.

URL-token hook deliveries carry their password in the query (`?hook=…&token=vht_…`), and
uvicorn's access log prints the path with its query; on Lambda, `POWERTOOLS_LOGGER_LOG_EVENT`
prints the whole event (`rawQueryString`, `queryStringParameters`, `headers`). A `logging.Filter`
rewrites each record before any handler formats it, so no handler or format can leak them.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import unquote

REDACTED = "[redacted]"

# A query parameter (or a header, or a JSON key) whose name says it holds a credential.
_SENSITIVE_PARTS = ("token", "secret", "signature", "password", "passwd", "authorization")
_SENSITIVE_HEADERS = frozenset({"cookie", "set-cookie", "proxy-authorization"})
# `name=value` inside a URL, a raw query string, or free text: the name starts the string or
# follows `?`, `&`, `;`, a space or a quote; the value runs to the next separator.
_QUERY_PAIR = re.compile(r"""(?:^|(?<=[?&;\s"'(,]))([^=&?;\s"'#(),]+)=([^&;\s"'#),]*)""")
_MAX_DEPTH = 32


def is_sensitive_name(name: str) -> bool:
    lowered = unquote(name).strip().lower()
    if any(part in lowered for part in _SENSITIVE_PARTS) or lowered in _SENSITIVE_HEADERS:
        return True
    # `key`, `api_key`, `apikey`, `x-api-key`; not `monkey_id`-style words, nor `keyword`.
    return lowered == "key" or lowered.endswith(("_key", "-key", ".key", "apikey"))


def redact_text(text: str) -> str:
    """Replace the value of every credential-named `name=value` pair in `text`."""
    if "=" not in text:
        return text

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        return f"{name}={REDACTED}" if is_sensitive_name(name) and match.group(2) else match[0]

    return _QUERY_PAIR.sub(replace, text)


def redact(value: Any, depth: int = 0) -> Any:
    """A copy of `value` (a log message, an event) with credentials replaced, at any depth."""
    if isinstance(value, str):
        return redact_text(value)
    if depth >= _MAX_DEPTH:
        return value
    if isinstance(value, Mapping):
        return {
            key: REDACTED
            if isinstance(key, str) and is_sensitive_name(key) and item not in (None, "")
            else redact(item, depth + 1)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        items = [redact(item, depth + 1) for item in value]
        return tuple(items) if isinstance(value, tuple) else items
    return value


class RedactSecrets(logging.Filter):
    """Rewrites a record's message and arguments; never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.msg)
        if isinstance(record.args, Mapping):
            record.args = redact(record.args)
        elif isinstance(record.args, tuple):
            record.args = tuple(redact(arg) for arg in record.args)
        return True


def install_log_redaction(loggers: Iterable[logging.Logger | logging.Handler]) -> None:
    """Add the filter once to each logger (records logged on it) or handler (all it emits)."""
    for target in loggers:
        if not any(isinstance(existing, RedactSecrets) for existing in target.filters):
            target.addFilter(RedactSecrets())


def redact_uvicorn_access_log() -> None:
    """uvicorn logs `METHOD /path?query` on this logger (it does not propagate)."""
    install_log_redaction([logging.getLogger("uvicorn.access")])


def redact_lambda_logs(powertools_logger_name: str) -> None:
    """The Powertools logger (it logs the event) and the root handlers (every other logger)."""
    install_log_redaction(
        [logging.getLogger(powertools_logger_name), *logging.getLogger().handlers]
    )
