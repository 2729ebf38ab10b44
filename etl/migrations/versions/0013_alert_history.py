"""Every verdict on an alert is kept, and officers read the verdicts of the alerts they see.

Revision ID: 0013
Revises: 0012
"""

from alembic import op

from etl.migrate import run_sql_file

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add ops.alert_verdict_log and the read policies on it and on ops.alert_verdicts."""
    run_sql_file("0013_alert_history.sql")


def downgrade() -> None:
    """Drop the log and the policies (serve.alerts names the verdicts and serve.alert_history the log:
    they go first; serve.alerts is remade)."""
    op.execute("drop view if exists serve.alert_history")
    op.execute("drop view if exists serve.alerts")
    op.execute("drop table if exists ops.alert_verdict_log")
    op.execute("drop policy if exists seen_with_alert on ops.alert_verdicts")
    op.execute("alter table ops.alert_verdicts no force row level security")
    op.execute("alter table ops.alert_verdicts disable row level security")
