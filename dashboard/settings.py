"""Typed settings of the dashboard, read from the environment (``ONEMAP_*``)."""

from __future__ import annotations

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class DashboardSettings(BaseSettings):
    """How the dashboard connects and behaves."""

    model_config = SettingsConfigDict(env_prefix="ONEMAP_", env_file=".env", extra="ignore")

    app_database_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("ONEMAP_APP_DATABASE_URL"),
        description="The application role's URL; `onemap serve` passes it when unset.",
    )
    title: str = "警网融合一张图"
