"""Webhook acknowledgement time: a signed 100-mention delivery against the plain ingest endpoint.

The same 100 mentions, in the same run, interleaved round by round (each variant writes into its
own brand, so every round stores 100 new mentions everywhere):

- `plain`: `POST /v1/brands/{id}/mentions` with the API key, body `{"mentions": [...]}`;
- `hook generic`: the same body to `POST /v1/hooks/generic/{id}`, signed (Standard Webhooks):
  the receiver's own cost is the source lookup, the signature check, the replay record and the
  adapter;
- `hook meltwater`: the same mentions as a Meltwater push (`{request, documents}`, api.json
  fields), signed with HMAC-SHA256: a vendor adapter's conversion on top.

Bodies are encoded and signed before the clock starts (that is the tool's work). Medians and
ratios are printed, never a lone absolute time; the target is "well under a second per 100
mentions" on DynamoDB Local.

Run: .venv/bin/python bench/webhook_ack.py [--quick]   (exit 0 when every target is met)
"""

from __future__ import annotations

import json
import random
import secrets
import sys
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

# Run as a script (`python bench/webhook_ack.py`): make the `bench` package importable.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx
from pydantic import SecretStr
from standardwebhooks import Webhook

from api.hooks.signatures import SIGNATURE_HEADER, TIMESTAMP_HEADER, hmac_signature
from bench import harness
from bench.harness import Payload, Report, Stack, median, ms, percentile, timed

DELIVERY_SIZE = 100
ACK_TARGET_SECONDS = 1.0  # "well under a second per 100 mentions"
RECEIVER_OVERHEAD_TARGET = 1.5  # a signed generic delivery vs the same plain ingest (medians)
WARM_UP = 2
VARIANTS = ("plain", "hook generic", "hook meltwater")


def meltwater_document(mention: Payload) -> Payload:
    """A canonical mention as Meltwater's api.json template would carry it."""
    author = mention.get("author") or {}
    engagement = mention.get("engagement") or {}
    sentiment = (mention.get("sentiment") or {}).get("label")
    return {
        "id": mention["external_id"],
        "published_date": mention["published_at"],
        "url": mention.get("url"),
        "source": {"type": mention["network"], "information_type": "social"},
        "content": {"opening_text": mention.get("text")},
        "author": {"handle": author.get("handle"), "followers": author.get("followers")},
        "metrics": {
            "engagement": {
                "likes": engagement.get("likes", 0),
                "shares": engagement.get("shares", 0),
                "comments": engagement.get("comments", 0),
            }
        },
        "enrichments": {"sentiment": sentiment, "language_code": mention.get("language")},
    }


class Deliveries:
    """Registers the hook sources once, then builds each variant's signed request."""

    def __init__(self, http: httpx.Client, brands: dict[str, str]) -> None:
        self.brands = brands
        generic = self._register(http, "generic", "standard_webhooks", brands["hook generic"])
        meltwater = self._register(http, "meltwater", "hmac_sha256", brands["hook meltwater"])
        self._generic_url, self._generic_secret = generic
        self._meltwater_url, self._meltwater_secret = meltwater

    @staticmethod
    def _register(http: httpx.Client, source: str, auth: str, brand: str) -> tuple[str, str]:
        response = http.post(
            "/v1/hook-sources", json={"source": source, "auth": auth, "brand_id": brand}
        )
        if response.status_code != 201:
            raise RuntimeError(f"cannot register {source}: {response.status_code} {response.text}")
        created = response.json()
        url = httpx.URL(created["receiver_url"])
        return f"{url.path}?{url.query.decode()}", created["secret"]

    def request(self, variant: str, mentions: list[Payload]) -> tuple[str, bytes, dict[str, str]]:
        """(path, body, headers) of one delivery, encoded and signed before timing."""
        headers = {"Content-Type": "application/json"}
        if variant == "plain":
            return (
                f"/v1/brands/{self.brands['plain']}/mentions",
                harness.encode_batch(mentions),
                headers,
            )
        now = datetime.now(UTC)
        if variant == "hook generic":
            body = harness.encode_batch(mentions)
            message_id = f"msg_{uuid.uuid4().hex}"
            headers |= {
                "webhook-id": message_id,
                "webhook-timestamp": str(int(now.timestamp())),
                "webhook-signature": Webhook(self._generic_secret).sign(
                    message_id, now, body.decode()
                ),
            }
            return self._generic_url, body, headers
        body = json.dumps(
            {"request": {"search_id": 1}, "documents": [meltwater_document(m) for m in mentions]}
        ).encode()
        unix = int(now.timestamp())
        headers |= {
            TIMESTAMP_HEADER: str(unix),
            SIGNATURE_HEADER: hmac_signature(self._meltwater_secret, unix, body),
        }
        return self._meltwater_url, body, headers


def run(stack: Stack, rounds: int, report: Report) -> dict[str, list[float]]:
    rng = random.Random(20261125)
    brands = {variant: f"ack-{index}" for index, variant in enumerate(VARIANTS)}
    for brand in brands.values():
        stack.create_brand(brand)
    timings: dict[str, list[float]] = {variant: [] for variant in VARIANTS}
    with stack.http() as api, httpx.Client(base_url=stack.server.url, timeout=60) as tool:
        deliveries = Deliveries(api, brands)
        for round_index in range(WARM_UP + rounds):
            mentions = harness.realistic_mentions(
                rng, DELIVERY_SIZE, prefix=f"r{round_index}", span=timedelta(minutes=30)
            )
            order = list(VARIANTS[round_index % 3 :] + VARIANTS[: round_index % 3])
            for variant in order:
                path, body, headers = deliveries.request(variant, mentions)
                client = api if variant == "plain" else tool  # a tool has no API key
                outcome: dict[str, Any] = {}

                def post(
                    client: httpx.Client = client,
                    path: str = path,
                    body: bytes = body,
                    headers: dict[str, str] = headers,
                    outcome: dict[str, Any] = outcome,
                ) -> None:
                    outcome["response"] = client.post(path, content=body, headers=headers)

                elapsed = timed(post)
                response: httpx.Response = outcome["response"]
                stored = _stored(response)
                if response.status_code != 200 or stored != DELIVERY_SIZE:
                    raise RuntimeError(f"{variant}: {response.status_code} {response.text[:300]}")
                if round_index >= WARM_UP:
                    timings[variant].append(elapsed)
    report.line(f"{rounds} rounds of {DELIVERY_SIZE} new mentions per variant, interleaved")
    return timings


def _stored(response: httpx.Response) -> int:
    body = response.json()
    if "stored" in body:
        return int(body["stored"])
    return sum(not result["duplicate"] for result in body.get("results", []))


def main() -> int:
    args = harness.parse_args(__doc__)
    rounds = 5 if args.quick else 15
    report = Report("webhook acknowledgement" + (" --quick" if args.quick else ""))
    with harness.running_stack(secrets_key=SecretStr(secrets.token_urlsafe(32))) as stack:
        timings = run(stack, rounds, report)
    plain = median(timings["plain"])
    rows = [
        (
            variant,
            ms(median(values)),
            ms(percentile(values, 0.9)),
            f"{median(values) / plain:.2f}x",
        )
        for variant, values in timings.items()
    ]
    report.section(f"per {DELIVERY_SIZE}-mention delivery (uvicorn + DynamoDB Local)")
    report.table(["variant", "median", "p90", "vs plain"], rows)
    for variant in VARIANTS[1:]:
        value = median(timings[variant])
        report.check(
            f"{variant}: median per {DELIVERY_SIZE} mentions < {ACK_TARGET_SECONDS:.0f} s",
            ms(value),
            value < ACK_TARGET_SECONDS,
        )
    ratio = median(timings["hook generic"]) / plain
    report.check(
        f"signed generic delivery ≤ {RECEIVER_OVERHEAD_TARGET}x plain ingest (medians)",
        f"{ratio:.2f}x",
        ratio <= RECEIVER_OVERHEAD_TARGET,
    )
    return report.exit_code()


if __name__ == "__main__":
    sys.exit(main())
