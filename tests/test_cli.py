from __future__ import annotations

import stat
from pathlib import Path

from pydantic import SecretStr

from api.cli import local_secrets_key
from api.settings import Settings


def test_local_secrets_key_is_created_once_private_and_accepted(tmp_path: Path) -> None:
    first = local_secrets_key(tmp_path / "data")
    assert local_secrets_key(tmp_path / "data") == first
    mode = (tmp_path / "data" / "secrets-key").stat().st_mode
    assert stat.S_IMODE(mode) == 0o600
    settings = Settings(secrets_key=SecretStr(first))  # passes the placeholder check
    assert settings.secrets_key is not None
    assert local_secrets_key(tmp_path / "other") != first
