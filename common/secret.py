"""The deployment's secret key: no default, 0600 on disk, never in the database.

The dashboard signs its session records and the viewer scope it sets per transaction with keys
derived from it (:func:`derive`); the owner registers the scope key in the database
(``etl.scope_key``), so PostgreSQL can tell a scope the app signed from one anybody else set.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import stat
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from common.errors import OnemapError
from common.paths import PROJECT_ROOT

MIN_LENGTH = 32


class SecretSettings(BaseSettings):
    """``ONEMAP_SECRET_KEY`` (the key itself) or ``ONEMAP_SECRET_KEY_FILE`` (a 0600 file)."""

    model_config = SettingsConfigDict(env_prefix="ONEMAP_", env_file=".env", extra="ignore")

    secret_key: SecretStr | None = Field(default=None, description="The secret key itself (≥ 32 characters).")
    secret_key_file: Path = Field(
        default=PROJECT_ROOT / "data" / "secret_key",
        description="A file holding the secret key, readable by its owner only (`onemap secret init`).",
    )


def load_secret(settings: SecretSettings | None = None) -> bytes:
    """The secret key, or an error that says how to make one (there is no default)."""
    settings = settings or SecretSettings()
    if settings.secret_key is not None:
        value = settings.secret_key.get_secret_value().strip()
        where = "ONEMAP_SECRET_KEY"
    else:
        path = settings.secret_key_file
        if not path.exists():
            raise OnemapError(
                f"no secret key: {path} does not exist and ONEMAP_SECRET_KEY is unset. "
                "Create one with `onemap secret init` (or set ONEMAP_SECRET_KEY_FILE)"
            )
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            raise OnemapError(
                f"secret key file {path} is readable by others (mode {mode:o}): chmod 600 {path}"
            )
        value = path.read_text(encoding="utf-8").strip()
        where = str(path)
    if len(value) < MIN_LENGTH:
        raise OnemapError(f"the secret key in {where} is shorter than {MIN_LENGTH} characters")
    return value.encode()


def init_secret(path: Path) -> bool:
    """Write a new random secret key to ``path`` (0600) unless one is there; True when written."""
    if path.exists():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(secrets.token_urlsafe(48) + "\n")
    return True


def derive(secret: bytes, purpose: str) -> bytes:
    """A key for one purpose (``scope``, ``session``), so no two uses share a key."""
    return hmac.new(secret, f"onemap {purpose} key v1".encode(), hashlib.sha256).digest()
