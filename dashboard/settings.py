"""Typed settings of the dashboard, read from the environment (``ONEMAP_*``)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from common.china import TZ
from common.paths import PROJECT_ROOT

WALL_VIEWS = ("area", "stations", "red_cards", "hot_spots")


class DashboardSettings(BaseSettings):
    """How the dashboard connects and behaves."""

    model_config = SettingsConfigDict(env_prefix="ONEMAP_", env_file=".env", extra="ignore")

    app_database_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("ONEMAP_APP_DATABASE_URL"),
        description="The application role's URL; `onemap serve` passes it when unset.",
    )
    replica_urls: list[str] = Field(
        default=[],
        description="Streaming-replication standbys of the database, the application role's URL of "
        'each as a JSON list (e.g. ["postgresql://onemap_app:…@10.0.0.2:5432/onemap"]): plain page '
        "reads go to a healthy one; sessions, writes and reads of one's own writes to the primary.",
    )
    replica_max_lag_seconds: float = Field(
        default=5.0,
        ge=0.5,
        description="A standby this far behind the primary serves no reads until it catches up.",
    )
    replica_check_seconds: float = Field(
        default=1.0, ge=0.2, le=5, description="How often each standby's health and lag are checked."
    )
    title: str = "警网融合一张图"
    basemap_url: str | None = Field(
        default=None,
        description="XYZ tile URL of a basemap on the local network, "
        "e.g. http://tiles.local/{z}/{x}/{y}.png; "
        "unset: a basemap drawn from the loaded surveying layers (roads, water, green areas, outlines).",
    )
    basemap_crs: str = Field(default="WGS84", description="Datum of the basemap tiles: WGS84 or GCJ02.")
    basemap_attribution: str = ""
    as_of: date | None = Field(
        default=None,
        description="The last day the screens treat as past: they stand at the midnight ending it "
        "(default: now, Beijing time); the default period is the last week over by then.",
    )
    wall_refresh_seconds: int = Field(default=60, ge=5, description="How often /wall reloads its figures.")
    wall_rotate_seconds: int = Field(default=20, ge=3, description="How long /wall shows each station.")
    wall_playlist: str = Field(
        default="area,stations,red_cards,hot_spots",
        description="/wall's views in turn, each optionally with its seconds (e.g. area:30,stations:20): "
        "area (whole area), stations (each station in turn), red_cards, hot_spots; "
        "without seconds a view stays ONEMAP_WALL_ROTATE_SECONDS.",
    )
    wall_stale_refreshes: int = Field(
        default=3,
        ge=2,
        description="/wall's stale-data banner: red after this many missed refreshes (yellow after one).",
    )
    score_weight_base_work: float = Field(default=50, ge=0, description="Station score: base work weight.")
    score_weight_incident_control: float = Field(
        default=30, ge=0, description="Station score: incident control."
    )
    score_weight_daily_management: float = Field(
        default=20, ge=0, description="Station score: daily management."
    )
    cache_seconds: int = Field(
        default=7 * 86400,
        ge=0,
        description="The longest pages, map layers and heat are cached (0: not at all); a load, a new "
        "period or what else they show changing ends them sooner (dashboard/cache.py).",
    )
    cache_warm_check_seconds: int = Field(
        default=60,
        ge=0,
        description="How often each served process looks whether the cache needs warming (after a "
        "load that did not warm it, a new period or day) and, if no other is at it, warms it; 0: never.",
    )
    cache_dir: Path = Field(
        default=PROJECT_ROOT / "data" / "cache",
        description="The cache shared by the dashboard's worker processes (dashboard/cache.py).",
    )
    statement_timeout_ms: int = Field(
        default=15_000, ge=100, description="PostgreSQL cancels any dashboard query running longer."
    )
    request_timeout_seconds: int = Field(
        default=60, ge=5, description="A server worker busy with one request this long is restarted."
    )
    login_max_failures: int = Field(
        default=5, ge=1, description="Failed logins in a row that lock an account."
    )
    login_lockout_minutes: int = Field(
        default=15, ge=1, description="How long a locked account stays locked."
    )
    session_idle_minutes: int = Field(default=30, ge=1, description="A session unused this long ends.")
    wall_session_idle_hours: int = Field(
        default=72,
        ge=1,
        description="A wall account's session unused this long ends (the wall renews it on every "
        "refresh, so this is the longest outage it rides out signed in).",
    )
    trusted_user_header: str | None = Field(
        default=None,
        description="Off by default. A header (e.g. X-Remote-User) naming the signed-in user, set by a "
        "reverse proxy that has authenticated them; only believed from ONEMAP_TRUSTED_PROXIES.",
    )
    trusted_proxies: list[str] = Field(
        default=["127.0.0.1"], description="Addresses whose identity header is believed."
    )
    public_url: str | None = Field(
        default=None,
        description="The dashboard's address as its users reach it (e.g. https://onemap.example.local); "
        "set, each station's PDF report prints the link to that station's page for its week.",
    )
    secure_cookies: bool = Field(
        default=False, description="Send the session cookie over HTTPS only (set behind a TLS proxy)."
    )

    @field_validator("replica_urls")
    @classmethod
    def _replicas(cls, v: list[str]) -> list[str]:
        for url in v:
            try:
                parsed = make_url(url)
            except ArgumentError:
                parsed = None
            if parsed is None or not parsed.host or not parsed.drivername.startswith("postgres"):
                raise ValueError("ONEMAP_REPLICA_URLS: each is a postgresql:// URL with a host")
        return v

    @field_validator("public_url")
    @classmethod
    def _public(cls, v: str | None) -> str | None:
        if not v:
            return None
        parts = urlsplit(v.strip())
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
            raise ValueError("ONEMAP_PUBLIC_URL: an http:// or https:// address, without query")
        return v.strip().rstrip("/")

    @field_validator("basemap_crs")
    @classmethod
    def _crs(cls, v: str) -> str:
        v = v.upper().replace("-", "")
        if v not in ("WGS84", "GCJ02"):
            raise ValueError("ONEMAP_BASEMAP_CRS must be WGS84 or GCJ02")
        return v

    @field_validator("wall_playlist")
    @classmethod
    def _playlist(cls, v: str) -> str:
        for item in v.split(","):
            kind, _, seconds = item.strip().partition(":")
            if kind not in WALL_VIEWS:
                raise ValueError(f"ONEMAP_WALL_PLAYLIST: {kind!r} is none of {', '.join(WALL_VIEWS)}")
            if seconds and (not seconds.isdigit() or int(seconds) < 3):
                raise ValueError(f"ONEMAP_WALL_PLAYLIST: {item!r} needs whole seconds, at least 3")
        return v

    def wall_views(self) -> list[tuple[str, int]]:
        """The wall's playlist: (view, seconds) in order."""
        out = []
        for item in self.wall_playlist.split(","):
            kind, _, seconds = item.strip().partition(":")
            out.append((kind, int(seconds) if seconds else self.wall_rotate_seconds))
        return out

    def now(self) -> datetime:
        """The moment the screens and reports stand at: now, Beijing time; with ``as_of`` set, the
        midnight that ends that day (so a week ending that day is over)."""
        if self.as_of is not None:
            return datetime.combine(self.as_of + timedelta(days=1), time(), TZ)
        return datetime.now(TZ)

    def score_weights(self) -> dict[str, float]:
        return {
            "base_work": self.score_weight_base_work,
            "incident_control": self.score_weight_incident_control,
            "daily_management": self.score_weight_daily_management,
        }
