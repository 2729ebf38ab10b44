"""Alerts carry a score and an officer's verdict; a person may name their own gate-access credential.

Revision ID: 0010
Revises: 0009
"""

from alembic import op

from etl.migrate import run_sql_file

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add core.alerts.score, core.persons.card_no and ops.alert_verdicts."""
    run_sql_file("0010_alert_score.sql")


def downgrade() -> None:
    """Drop them again (serve.alerts names the score: it goes first and is remade)."""
    op.execute("drop view if exists serve.alerts")
    op.execute("drop view if exists serve.alert_precision")
    op.execute("drop function if exists ops.alert_verdict(text, text, text, text)")
    op.execute("drop table if exists ops.alert_verdicts")
    op.execute("alter table core.alerts drop column if exists score")
    op.execute("alter table core.persons drop column if exists card_no")
