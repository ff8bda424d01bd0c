"""The `vigie` console: run locally, manage API keys, replay scenario files, dump OpenAPI."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from api.local.dynamodb_local import PROJECT_ROOT

DEFAULT_DDB_PORT = 8000
DEFAULT_API_PORT = 8080


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="vigie", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    dev = commands.add_parser("dev", help="run DynamoDB Local and the API with a demo workspace")
    dev.add_argument(
        "--port", type=int, default=int(os.environ.get("VIGIE_PORT", DEFAULT_API_PORT))
    )
    dev.add_argument(
        "--dynamodb-port", type=int, default=int(os.environ.get("VIGIE_DDB_PORT", DEFAULT_DDB_PORT))
    )
    dev.add_argument("--workspace", default="demo")
    dev.add_argument(
        "--data-dir", type=Path, default=PROJECT_ROOT / ".data", help="DynamoDB Local's files"
    )

    api_key = commands.add_parser("api-key", help="manage API keys")
    api_key_commands = api_key.add_subparsers(dest="api_key_command", required=True)
    create = api_key_commands.add_parser("create", help="print a new key (stored hashed)")
    create.add_argument("--workspace", required=True)
    listing = api_key_commands.add_parser("list", help="list a workspace's keys (never the keys)")
    listing.add_argument("--workspace", required=True)
    revoke = api_key_commands.add_parser("revoke", help="revoke a key by its key id")
    revoke.add_argument("key_id", help="`key_…`, as `vigie api-key list` shows it")
    revoke.add_argument("--workspace", required=True, help="the workspace the key belongs to")

    replay = commands.add_parser(
        "replay", help="replay a scenario or JSON-lines file through the API"
    )
    replay.add_argument("file", type=Path)
    replay.add_argument("--brand", required=True, help="brand id (created if missing)")
    replay.add_argument(
        "--url", default=os.environ.get("VIGIE_URL", f"http://127.0.0.1:{DEFAULT_API_PORT}")
    )
    replay.add_argument("--api-key", default=os.environ.get("VIGIE_API_KEY"))
    replay.add_argument("--batch-size", type=int, default=100)

    openapi = commands.add_parser("openapi", help="write the OpenAPI document")
    openapi.add_argument("--output", type=Path, default=PROJECT_ROOT / "openapi" / "openapi.json")
    openapi.add_argument("--check", action="store_true", help="fail if the file differs")

    args = parser.parse_args(argv)
    if args.command == "dev":
        return run_dev(args.port, args.dynamodb_port, args.workspace, args.data_dir)
    if args.command == "api-key" and args.api_key_command != "create":
        from api.local import key_commands

        if args.api_key_command == "list":
            return key_commands.list_api_keys(args.workspace)
        return key_commands.revoke_api_key(args.workspace, args.key_id)
    if args.command == "api-key":
        return create_api_key(args.workspace)
    if args.command == "replay":
        from api.local.replay import replay_file

        if not args.api_key:
            parser.error("--api-key (or VIGIE_API_KEY) is required")
        return replay_file(args.file, args.brand, args.url, args.api_key, args.batch_size)
    if args.command == "openapi":
        return write_openapi(args.output, check=args.check)
    return 2


def create_api_key(workspace: str) -> int:
    from api.problems import ProblemError
    from api.settings import get_settings
    from api.storage.client import create_dynamodb_client
    from api.storage.table import create_table
    from api.workspaces.repository import ApiKeyRepository
    from api.workspaces.service import ApiKeyService

    settings = get_settings()
    client = create_dynamodb_client(settings)
    if settings.dynamodb_endpoint:  # local: make sure the table exists
        create_table(client, settings.table_name)
    try:
        key = ApiKeyService(ApiKeyRepository(client, settings.table_name)).create(workspace)
    except ProblemError as error:
        print(f"vigie: {error.detail}", file=sys.stderr)
        return 2
    print(key)
    return 0


def run_dev(port: int, dynamodb_port: int, workspace: str, data_dir: Path) -> int:
    import uvicorn

    from api.local.dynamodb_local import DynamoDBLocal, is_listening

    local: DynamoDBLocal | None = None
    if "VIGIE_DYNAMODB_ENDPOINT" not in os.environ:
        if is_listening(dynamodb_port):
            print(f"DynamoDB Local already listening on {dynamodb_port}: reusing it")
        else:
            local = DynamoDBLocal(dynamodb_port, db_path=data_dir / "dynamodb")
            local.start()
        os.environ["VIGIE_DYNAMODB_ENDPOINT"] = f"http://127.0.0.1:{dynamodb_port}"
    # Hook secrets derive from this key: keep it beside the data so registered tools keep
    # verifying across restarts (git-ignored, local only).
    os.environ.setdefault("VIGIE_SECRETS_KEY", local_secrets_key(data_dir))
    # Subscriptions may point at receivers on this machine (never link-local or metadata).
    os.environ.setdefault("VIGIE_OUTBOUND_ALLOW_CIDRS", "127.0.0.0/8,::1/128")
    worker = None
    try:
        from api.settings import get_settings

        settings = get_settings()
        from api.storage.client import create_dynamodb_client
        from api.storage.table import create_table
        from api.workspaces.repository import ApiKeyRepository
        from api.workspaces.service import ApiKeyService

        client = create_dynamodb_client(settings)
        create_table(client, settings.table_name)
        key = ApiKeyService(ApiKeyRepository(client, settings.table_name)).create(workspace)
        url = f"http://127.0.0.1:{port}"
        print(
            f"\nVigie is running on {url} (DynamoDB Local: {settings.dynamodb_endpoint})\n"
            f"Demo workspace '{workspace}' API key:\n\n  export VIGIE_API_KEY={key}\n\n"
            f'Try: curl -H "Authorization: Bearer $VIGIE_API_KEY" {url}/v1/brands\n'
            f"Console: {url}/app (sign in with the API key above) · API docs: {url}/docs\n",
            flush=True,
        )
        worker = start_local_worker(settings, client)
        print(
            "Outbound events: dispatcher and re-assessment running in-process "
            "(subscriptions to http://127.0.0.1:… are allowed locally)\n",
            flush=True,
        )
        from api.local.logging_config import local_log_config

        uvicorn.run(
            "api.app:create_app", factory=True, host="127.0.0.1", port=port, log_level="info",
            log_config=local_log_config(),
        )  # fmt: skip
    finally:
        if worker is not None:
            worker.stop()
        if local is not None:
            local.stop()
    return 0


def start_local_worker(settings: Any, client: Any) -> Any:
    """The dispatcher (reading DynamoDB Local's stream) and the scheduler, in this process."""
    from api.local.dispatch_loop import (
        InMemoryRetryScheduler,
        LocalWorker,
        StreamReader,
        create_streams_client,
    )
    from api.services import build_services
    from api.subscriptions.dispatcher import Dispatcher
    from api.subscriptions.scheduler import reassess_active_brands
    from api.subscriptions.ssrf import allowed_networks
    from api.subscriptions.transport import HttpSender

    services = build_services(settings, client)
    scheduler = InMemoryRetryScheduler()
    sender = HttpSender(
        allowed_networks(settings.outbound_allow_cidrs), settings.subscription_timeout_seconds
    )
    dispatcher = Dispatcher(services.subscriptions, sender, scheduler)
    reader = StreamReader(client, create_streams_client(settings), settings.table_name)
    return LocalWorker(
        dispatcher,
        reader,
        scheduler,
        reassess=lambda: reassess_active_brands(
            services.subscriptions, services.brands, services.assessments
        ),
        reassess_seconds=60.0,
        erase=lambda: services.erasures.run_pending(seconds=5.0),
    ).start()


def local_secrets_key(data_dir: Path) -> str:
    import secrets

    path = data_dir / "secrets-key"
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def write_openapi(output: Path, *, check: bool) -> int:
    from api.local.openapi_document import render_openapi

    document = render_openapi()
    if check:
        current = output.read_text() if output.exists() else ""
        if current != document:
            print(f"{output} is out of date: run `vigie openapi`", file=sys.stderr)
            return 1
        return 0
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(document)
    print(f"wrote {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
