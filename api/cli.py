"""The `vigie` console: run locally, manage API keys, replay scenario files, dump OpenAPI."""

from __future__ import annotations

import argparse
import os
import signal
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

    dev = commands.add_parser(
        "dev",
        help="run DynamoDB Local and the API with a demo workspace",
        description="Run DynamoDB Local and the API on this machine, print a demo API key. "
        "Ctrl-C or SIGTERM stops both.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    dev.add_argument(
        "--port",
        type=int,
        default=int(os.environ.get("VIGIE_PORT", DEFAULT_API_PORT)),
        help="the API's port on 127.0.0.1 (or VIGIE_PORT)",
    )
    dev.add_argument(
        "--dynamodb-port",
        type=int,
        default=int(os.environ.get("VIGIE_DDB_PORT", DEFAULT_DDB_PORT)),
        help="DynamoDB Local's port on 127.0.0.1 (or VIGIE_DDB_PORT); a DynamoDB Local already "
        "listening there is reused, any other service is an error",
    )
    dev.add_argument("--workspace", default="demo", help="workspace of the printed demo key")
    dev.add_argument(
        "--data-dir",
        type=Path,
        default=PROJECT_ROOT / ".data",
        help="DynamoDB Local's files and the local secrets key",
    )

    api_key = commands.add_parser("api-key", help="manage API keys")
    api_key_commands = api_key.add_subparsers(dest="api_key_command", required=True)
    create = api_key_commands.add_parser(
        "create",
        help="print a new key (stored hashed)",
        description="Create a key in the DynamoDB Local of `vigie dev` (VIGIE_DYNAMODB_ENDPOINT, "
        f"else http://127.0.0.1:$VIGIE_DDB_PORT, port {DEFAULT_DDB_PORT} by default), or with "
        "--aws in the AWS table VIGIE_TABLE_NAME.",
    )
    create.add_argument("--workspace", required=True)
    add_store_arguments(create)
    listing = api_key_commands.add_parser("list", help="list a workspace's keys (never the keys)")
    listing.add_argument("--workspace", required=True)
    revoke = api_key_commands.add_parser("revoke", help="revoke a key by its key id")
    revoke.add_argument("key_id", help="`key_…`, as `vigie api-key list` shows it")
    revoke.add_argument("--workspace", required=True, help="the workspace the key belongs to")
    add_store_arguments(listing)
    add_store_arguments(revoke)

    replay = commands.add_parser(
        "replay",
        help="replay a scenario, JSON-lines or triage-cases file through the API",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    replay.add_argument("file", type=Path)
    replay.add_argument(
        "--brand", help="brand id, created if missing (scenario and JSON-lines files)"
    )
    replay.add_argument(
        "--url",
        default=os.environ.get("VIGIE_URL", f"http://127.0.0.1:{DEFAULT_API_PORT}"),
        help="the API (or VIGIE_URL)",
    )
    replay.add_argument("--api-key", help="an API key of the workspace (or VIGIE_API_KEY)")
    replay.add_argument("--batch-size", type=int, default=100, help="mentions per POST")

    openapi = commands.add_parser("openapi", help="write the OpenAPI document")
    openapi.add_argument("--output", type=Path, default=PROJECT_ROOT / "openapi" / "openapi.json")
    openapi.add_argument("--check", action="store_true", help="fail if the file differs")

    args = parser.parse_args(argv)
    if args.command == "dev":
        return run_dev(args.port, args.dynamodb_port, args.workspace, args.data_dir)
    if args.command == "api-key" and args.api_key_command != "create":
        from api.local import key_commands
        from api.settings import get_settings

        try:
            choose_store(aws=args.aws)  # local unless --aws, like `create`
        except StoreChoiceError as error:
            print(f"vigie: {error}", file=sys.stderr)
            return 2
        get_settings.cache_clear()
        if args.api_key_command == "list":
            return key_commands.list_api_keys(args.workspace)
        return key_commands.revoke_api_key(args.workspace, args.key_id)
    if args.command == "api-key":
        return create_api_key(args.workspace, aws=args.aws)
    if args.command == "replay":
        from api.local.replay import replay_file

        key: str | None = args.api_key or os.environ.get("VIGIE_API_KEY")
        if not key:
            parser.error("--api-key (or VIGIE_API_KEY) is required")
        return replay_file(args.file, args.brand, args.url, key, args.batch_size)
    if args.command == "openapi":
        return write_openapi(args.output, check=args.check)
    return 2


def add_store_arguments(command: argparse.ArgumentParser) -> None:
    """`--aws` for commands writing to the table: local unless asked for explicitly."""
    command.add_argument(
        "--aws",
        action="store_true",
        help="use the DynamoDB table VIGIE_TABLE_NAME in your AWS account (region VIGIE_REGION) "
        "instead of DynamoDB Local",
    )


class StoreChoiceError(RuntimeError):
    pass


def choose_store(*, aws: bool) -> str:
    """Point the settings at the store a CLI command should write to; describe it.

    Without `--aws` it is always a DynamoDB Local (the one `vigie dev` runs), so AWS credentials
    in the shell can never make a local command write to a real table.
    """
    from api.local.dynamodb_local import dynamodb_answers

    endpoint = os.environ.get("VIGIE_DYNAMODB_ENDPOINT")
    if aws:
        if endpoint:
            raise StoreChoiceError(
                f"--aws, but VIGIE_DYNAMODB_ENDPOINT={endpoint} is set: unset one of them"
            )
        if "VIGIE_TABLE_NAME" not in os.environ:
            raise StoreChoiceError("--aws needs VIGIE_TABLE_NAME (the stack's VigieTableName)")
        region = os.environ.get("VIGIE_REGION", "the default region")
        return f"table {os.environ['VIGIE_TABLE_NAME']} in AWS ({region})"
    if not endpoint:
        endpoint = f"http://127.0.0.1:{os.environ.get('VIGIE_DDB_PORT', DEFAULT_DDB_PORT)}"
        os.environ["VIGIE_DYNAMODB_ENDPOINT"] = endpoint
    problem = dynamodb_answers(endpoint)
    if problem is not None:
        raise StoreChoiceError(
            f"no DynamoDB Local at {endpoint} ({problem}). Start `vigie dev` (or set "
            "VIGIE_DYNAMODB_ENDPOINT / VIGIE_DDB_PORT); for the AWS table, pass --aws."
        )
    return f"table {os.environ.get('VIGIE_TABLE_NAME', 'vigie')} in DynamoDB Local at {endpoint}"


def create_api_key(workspace: str, *, aws: bool = False) -> int:
    from botocore.exceptions import BotoCoreError, ClientError

    from api.problems import ProblemError
    from api.settings import get_settings
    from api.storage.client import create_dynamodb_client
    from api.storage.table import create_table
    from api.workspaces.repository import ApiKeyRepository
    from api.workspaces.service import ApiKeyService

    try:
        store = choose_store(aws=aws)
    except StoreChoiceError as error:
        print(f"vigie: {error}", file=sys.stderr)
        return 2
    get_settings.cache_clear()
    settings = get_settings()
    client = create_dynamodb_client(settings)
    if settings.dynamodb_endpoint:  # local: make sure the table exists
        create_table(client, settings.table_name)
    try:
        key = ApiKeyService(ApiKeyRepository(client, settings.table_name)).create(workspace)
    except ProblemError as error:
        print(f"vigie: {error.detail}", file=sys.stderr)
        return 2
    except (BotoCoreError, ClientError) as error:  # no credentials, no table, no access
        print(f"vigie: cannot write to {store}: {error}", file=sys.stderr)
        return 2
    print(f"key for workspace {workspace} stored in {store}", file=sys.stderr)
    print(key)
    return 0


class Stopped(Exception):
    """SIGTERM/SIGHUP: unwinds `vigie dev` like Ctrl-C, through its `finally`."""


def _stop_on_signal(signum: int, _frame: object) -> None:
    raise Stopped(signal.Signals(signum).name)


def run_dev(port: int, dynamodb_port: int, workspace: str, data_dir: Path) -> int:
    # A process manager or `kill` sends SIGTERM, a closed terminal SIGHUP: without a handler
    # Python dies at once and DynamoDB Local (its own session) and the worker thread live on.
    # uvicorn restores this handler and re-raises the signal once it has shut down.
    for handled in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(handled, _stop_on_signal)
    try:
        return _run_dev(port, dynamodb_port, workspace, data_dir)
    except (Stopped, KeyboardInterrupt):
        return 0


def _run_dev(port: int, dynamodb_port: int, workspace: str, data_dir: Path) -> int:
    import uvicorn

    from api.local.dynamodb_local import (
        DynamoDBLocal,
        DynamoDBLocalError,
        dynamodb_answers,
        is_listening,
    )

    if is_listening(port):
        print(
            f"vigie dev: port {port} is taken: choose another with --port N (or VIGIE_PORT=N).",
            file=sys.stderr,
        )
        return 2
    local: DynamoDBLocal | None = None
    worker = None
    try:
        if "VIGIE_DYNAMODB_ENDPOINT" not in os.environ:
            endpoint = f"http://127.0.0.1:{dynamodb_port}"
            if is_listening(dynamodb_port):
                problem = dynamodb_answers(endpoint)
                if problem is not None:
                    print(
                        f"vigie dev: port {dynamodb_port} is taken by a service that is not "
                        f"DynamoDB ({problem}).\nFree it, or choose another port: "
                        "--dynamodb-port N (or VIGIE_DDB_PORT=N).",
                        file=sys.stderr,
                    )
                    return 2
                print(f"DynamoDB Local already listening on {dynamodb_port}: reusing it")
            else:
                local = DynamoDBLocal(dynamodb_port, db_path=data_dir / "dynamodb")
                try:
                    local.start()
                except DynamoDBLocalError as error:
                    print(f"vigie dev: {error}", file=sys.stderr)
                    return 2
            os.environ["VIGIE_DYNAMODB_ENDPOINT"] = endpoint
        elif (
            problem := dynamodb_answers(configured := os.environ["VIGIE_DYNAMODB_ENDPOINT"])
        ) is not None:
            print(
                f"vigie dev: VIGIE_DYNAMODB_ENDPOINT={configured} is not a DynamoDB ({problem})."
                "\nUnset it to let `vigie dev` run DynamoDB Local.",
                file=sys.stderr,
            )
            return 2
        url = f"http://127.0.0.1:{port}"
        set_dev_environment(url, data_dir)
        from api.settings import get_settings

        settings = get_settings()
        from api.storage.client import create_dynamodb_client
        from api.storage.table import create_table
        from api.workspaces.repository import ApiKeyRepository
        from api.workspaces.service import ApiKeyService

        client = create_dynamodb_client(settings)
        create_table(client, settings.table_name)
        key = ApiKeyService(ApiKeyRepository(client, settings.table_name)).create(workspace)
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
        # A second signal must not cut the clean-up short (the manager's SIGKILL still can).
        for handled in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
            signal.signal(handled, signal.SIG_IGN)
        if worker is not None:
            worker.stop()
        if local is not None:
            local.stop()
    return 0


def set_dev_environment(url: str, data_dir: Path) -> None:
    """The settings `vigie dev` implies, each unless the shell already set it."""
    # Hook secrets derive from this key: keep it beside the data so registered tools keep
    # verifying across restarts (git-ignored, local only).
    os.environ.setdefault("VIGIE_SECRETS_KEY", local_secrets_key(data_dir))
    # Subscriptions may point at receivers on this machine (never link-local or metadata).
    os.environ.setdefault("VIGIE_OUTBOUND_ALLOW_CIDRS", "127.0.0.0/8,::1/128")
    # The dispatcher serves no request whose host it could borrow: without a base URL, Slack
    # messages and payloads would carry bare paths instead of console links.
    os.environ.setdefault("VIGIE_PUBLIC_BASE_URL", url)


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
