"""Verdicts and supervision changes counted per area, so a cached page ends only with its own.

Revision ID: 0023
Revises: 0022
"""

from alembic import op

from etl.migrate import run_sql_file

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create ops.judged_counts, with the open supervisions' deadlines of each area."""
    run_sql_file("0023_judged_counts.sql")


def downgrade() -> None:
    """Drop the triggers keeping the counts, their functions, the read function, then the table."""
    op.execute("drop trigger if exists judged_verdicts on ops.alert_verdict_log")
    op.execute("drop trigger if exists judged_steps on ops.supervision_log")
    for event in ("insert", "update", "delete"):
        op.execute(f"drop trigger if exists judged_supervisions_{event} on ops.supervisions")
    op.execute("drop function if exists ops.judged_stamps(text, text[])")
    op.execute("drop function if exists ops.judged_verdicts_logged()")
    op.execute("drop function if exists ops.judged_steps_logged()")
    op.execute("drop function if exists ops.judged_supervisions_changed()")
    op.execute("drop function if exists ops.judged_touch(text[], text[], integer, integer)")
    op.execute("drop function if exists ops.judged_due(text, text)")
    op.execute("drop function if exists ops.refresh_judged_due()")
    op.execute("drop table if exists ops.judged_counts")
