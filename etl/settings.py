"""Typed settings of the warehouse, read from the environment (``ONEMAP_*``, ``DATABASE_URL``)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from common.paths import PROJECT_ROOT


class DatabaseSettings(BaseSettings):
    """Where the warehouse lives: an external server (``DATABASE_URL``) or the embedded cluster."""

    model_config = SettingsConfigDict(env_prefix="ONEMAP_", env_file=".env", extra="ignore")

    database_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("DATABASE_URL", "ONEMAP_DATABASE_URL"),
        description="Owner's URL of an external PostGIS; when set, nothing embedded is started.",
    )
    app_database_url: str | None = Field(
        default=None,
        description="Application role's URL on the external server (defaults to DATABASE_URL).",
    )
    test_database_url: str | None = Field(
        default=None,
        description="URL of a database the tests may drop and recreate (external server only).",
    )
    pgdata: Path = Field(
        default=PROJECT_ROOT / "data" / "pgdata",
        description="Data directory of the embedded cluster.",
    )
    pg_port: int | None = Field(
        default=None, description="Port of the embedded cluster; default: first free from 55432."
    )
    pg_first_port: int = 55432
    pg_bindir: Path | None = Field(
        default=None, description="Directory of initdb/pg_ctl; default: /usr/lib/postgresql/15/bin."
    )
    pg_os_user: str = Field(
        default="postgres", description="OS user that runs the embedded server when we are root."
    )
    db_name: str = "onemap"
    owner_role: str = "onemap_owner"
    app_role: str = "onemap_app"

    @property
    def external(self) -> bool:
        """True when an external server is configured with ``DATABASE_URL``."""
        return bool(self.database_url)


@lru_cache(maxsize=1)
def get_database_settings() -> DatabaseSettings:
    """Return the process-wide database settings (cached)."""
    return DatabaseSettings()


class EtlSettings(BaseSettings):
    """Thresholds of the derived alerts (``ONEMAP_ALERT_*``) and loader limits."""

    model_config = SettingsConfigDict(env_prefix="ONEMAP_", env_file=".env", extra="ignore")

    chunk_rows: int = Field(
        default=50_000,
        description="Rows read, checked and copied at a time (the next is checked while one copies).",
    )
    alert_window_days: int = Field(
        default=14, description="Window for counting active access cards per unit."
    )
    alert_group_rental_ratio: float = Field(default=2.0, description="Cards above tenants × this …")
    alert_group_rental_margin: int = Field(default=4, description="… plus this many: suspected group rental.")
    alert_elderly_age: int = Field(default=70, description="Age from which a person living alone is watched.")
    alert_elderly_days: int = Field(default=7, description="Days without gate access before an alert.")
    alert_sensor_offline_hours: int = Field(default=24, description="Hours since a sensor's heartbeat.")

    def alert_params(self) -> dict[str, float]:
        """Parameters of etl/sql/derive_alerts.sql."""
        return {
            "window_days": self.alert_window_days,
            "group_ratio": self.alert_group_rental_ratio,
            "group_margin": self.alert_group_rental_margin,
            "elderly_age": self.alert_elderly_age,
            "elderly_days": self.alert_elderly_days,
            "offline_hours": self.alert_sensor_offline_hours,
        }


@lru_cache(maxsize=1)
def get_etl_settings() -> EtlSettings:
    """Return the process-wide loader settings (cached)."""
    return EtlSettings()
