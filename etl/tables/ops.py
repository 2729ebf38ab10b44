"""ops: load bookkeeping, quarantine, the scope key, users, sessions, the append-only audit, alert
verdicts and supervisions (督办) with their log."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    Double,
    ForeignKey,
    Identity,
    Integer,
    LargeBinary,
    Numeric,
    Table,
    Text,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

from etl.tables.base import METADATA, TIME, code

load_batch = Table(
    "load_batch",
    METADATA,
    Column("batch_id", BigInteger, Identity(always=True), primary_key=True),
    Column("source", Text, nullable=False),
    Column("kind", Text, nullable=False),
    Column("file_path", Text, nullable=False),
    Column("file_sha256", Text),
    Column("manifest_path", Text),
    Column("started_at", TIME, nullable=False, server_default=text("now()")),
    Column("finished_at", TIME),
    Column("status", Text, nullable=False, server_default=text("'running'")),
    Column("rows_in", BigInteger, nullable=False, server_default=text("0")),
    Column("loaded", BigInteger, nullable=False, server_default=text("0")),
    Column("repaired", BigInteger, nullable=False, server_default=text("0")),
    Column("quarantined", BigInteger, nullable=False, server_default=text("0")),
    Column("message", Text),
    Column("area_code", Text),
    schema="ops",
)
quarantine = Table(
    "quarantine",
    METADATA,
    Column("quarantine_id", BigInteger, Identity(always=True), primary_key=True),
    Column("batch_id", BigInteger, ForeignKey("ops.load_batch.batch_id", ondelete="CASCADE"), nullable=False),
    Column("source", Text, nullable=False),
    Column("kind", Text, nullable=False),
    Column("file_path", Text, nullable=False),
    Column("line_no", BigInteger, nullable=False),
    Column("reason_code", Text, nullable=False),
    Column("field", Text),
    Column("detail", Text),
    Column("raw", JSONB, nullable=False),
    Column("created_at", TIME, nullable=False, server_default=text("now()")),
    schema="ops",
)
derived = Table(
    "derived",
    METADATA,
    Column("name", Text, primary_key=True),
    Column("through_batch", BigInteger, nullable=False),
    Column("built_at", TIME, nullable=False, server_default=text("now()")),
    schema="ops",
)
scope_key = Table(
    "scope_key",
    METADATA,
    Column("id", Boolean, primary_key=True, server_default=text("true")),  # one row: id is true
    Column("key", LargeBinary, nullable=False),
    Column("set_at", TIME, nullable=False, server_default=text("now()")),
    schema="ops",
)
users = Table(
    "users",
    METADATA,
    Column("username", Text, primary_key=True),
    Column("display_name", Text, nullable=False, server_default=text("''")),
    Column("role", Text, nullable=False),
    Column("stations", ARRAY(Text), nullable=False, server_default=text("'{}'")),
    Column("grids", ARRAY(Text), nullable=False, server_default=text("'{}'")),
    Column("towns", ARRAY(Text), nullable=False, server_default=text("'{}'")),
    Column("villages", ARRAY(Text), nullable=False, server_default=text("'{}'")),
    Column("password_hash", Text, nullable=False),
    Column("disabled", Boolean, nullable=False, server_default=text("false")),
    Column("last_login_at", TIME),
    Column("created_at", TIME, nullable=False, server_default=text("now()")),
    Column("password_changed_at", TIME, nullable=False, server_default=text("now()")),
    schema="ops",
)
sessions = Table(
    "sessions",
    METADATA,
    Column("token_sha256", Text, primary_key=True),
    code("username", "ops.users.username", ondelete="CASCADE"),
    Column("mac", Text, nullable=False),
    Column("created_at", TIME, nullable=False, server_default=text("now()")),
    Column("last_seen", TIME, nullable=False, server_default=text("now()")),
    Column("ended_at", TIME),
    Column("client", Text),
    schema="ops",
)
login_failures = Table(
    "login_failures",
    METADATA,
    Column("username", Text, primary_key=True),
    Column("client", Text, primary_key=True),
    Column("failures", Integer, nullable=False, server_default=text("0")),
    Column("locked_until", TIME),
    Column("last_failed_at", TIME, nullable=False, server_default=text("now()")),
    schema="ops",
)
audit = Table(
    "audit",
    METADATA,
    Column("audit_id", BigInteger, Identity(always=True), primary_key=True),
    Column("at", TIME, nullable=False, server_default=text("now()")),
    Column("username", Text, nullable=False),
    Column("role", Text),
    Column("action", Text, nullable=False),
    Column("params", JSONB, nullable=False, server_default=text("'{}'")),
    Column("row_count", BigInteger),
    Column("result", Text, nullable=False),
    Column("client", Text),
    schema="ops",
)

alert_verdicts = Table(
    "alert_verdicts",
    METADATA,
    Column("alert_kind", Text, primary_key=True),
    Column("subject_code", Text, primary_key=True),
    Column("state", Text, nullable=False),
    Column("note", Text, nullable=False, server_default=text("''")),
    Column("metric", Double),
    Column("reason", Text, nullable=False),
    Column("decided_by", Text, nullable=False),
    Column("decided_at", TIME, nullable=False, server_default=text("now()")),
    schema="ops",
)

alert_verdict_log = Table(
    "alert_verdict_log",
    METADATA,
    Column("verdict_id", BigInteger, Identity(always=True), primary_key=True),
    Column("alert_kind", Text, nullable=False),
    Column("subject_code", Text, nullable=False),
    Column("state", Text, nullable=False),
    Column("note", Text, nullable=False, server_default=text("''")),
    Column("metric", Double),
    Column("decided_by", Text, nullable=False),
    Column("decided_at", TIME, nullable=False, server_default=text("now()")),
    schema="ops",
)

station_score_parts = Table(
    "station_score_parts",
    METADATA,
    Column("w0", TIME, primary_key=True),
    Column("w1", TIME, primary_key=True),
    Column("p0", TIME, primary_key=True),
    Column("station_code", Text, primary_key=True),
    Column("name", Text),
    Column("three_codes", Numeric),
    Column("registration", Numeric),
    Column("smart", Numeric),
    Column("incidents_week", BigInteger, nullable=False),
    Column("incidents_prev", BigInteger, nullable=False),
    Column("on_time", Numeric),
    Column("cleared", Numeric),
    schema="ops",
)

# the people and rental units of every attribution, counted after each load (revision 0021)
area_counts = Table(
    "area_counts",
    METADATA,
    Column("count_id", BigInteger, Identity(always=True), primary_key=True),
    Column("batch_id", BigInteger, nullable=False),
    Column("station_code", Text),
    Column("zone_code", Text),
    Column("grid_code", Text),
    Column("population", BigInteger, nullable=False),
    Column("migrants", BigInteger, nullable=False),
    Column("migrants_registered", BigInteger, nullable=False),
    Column("rental_units", BigInteger, nullable=False),
    schema="ops",
)

# masked texts kept: each place name, road name or kind a page shows, as serve.mask_text masks it;
# emptied in the statement that changes a stored name, filled after each load (revision 0022)
masked_texts = Table(
    "masked_texts",
    METADATA,
    Column("plain", Text, primary_key=True),
    Column("masked", Text, nullable=False),
    schema="ops",
)

# 督办: a leader's supervision of a carded item, keyed by the item's source key (kind and number as
# the delivering system names it), never by a warehouse id, so reloads never orphan it
supervisions = Table(
    "supervisions",
    METADATA,
    Column("supervision_id", BigInteger, Identity(always=True), primary_key=True),
    Column("item_kind", Text, nullable=False),
    Column("item_no", Text, nullable=False),
    Column("card", Text, nullable=False),
    Column("note", Text, nullable=False),
    Column("unit", Text, nullable=False),
    Column("deadline", Date, nullable=False),
    Column("state", Text, nullable=False, server_default=text("'open'")),
    Column("opened_by", Text, nullable=False),
    Column("opened_at", TIME, nullable=False, server_default=text("now()")),
    Column("closed_by", Text),
    Column("closed_at", TIME),
    Column("closed_reason", Text),
    Column("result", Text),
    schema="ops",
)

# per area, the verdicts and supervision changes counted by triggers, and when its open
# supervisions turn overdue: what the dashboard keys its cached pages by (revision 0023)
judged_counts = Table(
    "judged_counts",
    METADATA,
    Column("level", Text, primary_key=True),
    Column("code", Text, primary_key=True),
    Column("verdicts", BigInteger, nullable=False, server_default=text("0")),
    Column("steps", BigInteger, nullable=False, server_default=text("0")),
    Column("due", ARRAY(TIME), nullable=False, server_default=text("'{}'")),
    schema="ops",
)

supervision_log = Table(
    "supervision_log",
    METADATA,
    Column("log_id", BigInteger, Identity(always=True), primary_key=True),
    Column(
        "supervision_id",
        BigInteger,
        ForeignKey("ops.supervisions.supervision_id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("action", Text, nullable=False),
    Column("detail", Text, nullable=False, server_default=text("''")),
    Column("done_by", Text),
    Column("done_at", TIME, nullable=False, server_default=text("now()")),
    schema="ops",
)
