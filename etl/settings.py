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
    standby_pgdata: Path = Field(
        default=PROJECT_ROOT / "data" / "standby",
        description="Data directory of the embedded cluster's streaming-replication standby.",
    )
    standby_port: int | None = Field(
        default=None, description="Port of the standby; default: the first free from ONEMAP_PG_FIRST_PORT."
    )
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
    # the alert rules (docs/data-contract.md, "Derived alerts"); every one reads its feed's own "now"
    alert_window_days: int = Field(
        default=14, ge=1, le=28, description="Days of gate events in which occupants are counted."
    )
    alert_history_days: int = Field(
        default=28,
        ge=2,
        le=56,
        description="Days of gate events read at all (elderly baselines, a unit's previous window).",
    )
    alert_clock_tolerance_minutes: int = Field(
        default=10,
        ge=0,
        description="A reader or sensor clock ahead of the others by more than this is not 'now'.",
    )
    alert_night_start_hour: int = Field(default=22, ge=0, le=23, description="Nights start at this hour.")
    alert_night_end_hour: int = Field(default=6, ge=0, le=23, description="… and end at this hour.")
    alert_group_rental_min_nights: int = Field(
        default=3, ge=1, description="Nights a credential must be active on to count as an occupant."
    )
    alert_group_rental_margin: int = Field(
        default=2, ge=0, description="Occupants above the registered people plus this many: group rental."
    )
    alert_group_rental_m2_per_person: float = Field(
        default=5.0, gt=0, description="Floor area per person by the municipal norm (occupants above it)."
    )
    alert_unregistered_min_days: int = Field(
        default=3, ge=1, description="Days a credential must enter a unit nobody is registered in."
    )
    alert_elderly_age: int = Field(default=70, description="Age from which a person living alone is watched.")
    alert_elderly_hours: float = Field(default=48, gt=0, description="Hours without gate access: alert.")
    alert_elderly_old_age: int = Field(default=80, description="Age of the higher-risk tier …")
    alert_elderly_old_hours: float = Field(default=24, gt=0, description="… and its hours without access.")
    alert_elderly_max_hours: float = Field(
        default=168, gt=0, description="Hours past which even a sparse personal baseline no longer delays."
    )
    alert_elderly_baseline_factor: float = Field(
        default=1.25, ge=0, description="Silence must exceed the person's longest earlier gap × this."
    )
    alert_elderly_reader_quiet_hours: float = Field(
        default=12, gt=0, description="A building reader silent this long is taken as dead: no alert."
    )
    alert_heartbeat_camera_minutes: float = Field(
        default=10, gt=0, description="Heartbeat interval of face and vehicle cameras."
    )
    alert_heartbeat_gate_minutes: float = Field(
        default=30, gt=0, description="Heartbeat interval of barriers and access-control points."
    )
    alert_heartbeat_smoke_minutes: float = Field(
        default=480, gt=0, description="Heartbeat interval of NB-IoT smoke detectors."
    )
    alert_heartbeat_other_minutes: float = Field(
        default=60, gt=0, description="Heartbeat interval of other sensing devices."
    )
    alert_missed_heartbeats: int = Field(
        default=3, ge=1, description="Heartbeats missed in a row before a sensor is offline (debounce)."
    )

    def alert_params(self) -> dict[str, float]:
        """Parameters of etl/sql/derive_alerts.sql: each alert setting without its ``alert_`` prefix."""
        return {
            name.removeprefix("alert_"): value
            for name, value in self.model_dump().items()
            if name.startswith("alert_")
        }


@lru_cache(maxsize=1)
def get_etl_settings() -> EtlSettings:
    """Return the process-wide loader settings (cached)."""
    return EtlSettings()
