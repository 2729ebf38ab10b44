"""Supervisions (督办) of carded items and their log, read with the item they supervise.

Revision ID: 0018
Revises: 0017
"""

from alembic import op

from etl.migrate import run_sql_file

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add ops.supervisions and ops.supervision_log with their read policies."""
    run_sql_file("0018_supervision.sql")


def downgrade() -> None:
    """Drop the view over them, the functions writing them, then the tables."""
    op.execute("drop view if exists serve.supervision_marks")
    op.execute("drop view if exists serve.supervisions")
    op.execute("drop function if exists ops.supervise(text, text, text, text, date)")
    op.execute("drop function if exists ops.supervise_close(text, text, text)")
    op.execute("drop function if exists ops.supervisions_close_done()")
    op.execute("drop function if exists ops.supervisions_stamp()")
    op.execute("drop function if exists ops.supervision_item(text, text)")
    op.execute("drop function if exists ops.supervision_roles()")
    op.execute("drop table if exists ops.supervision_log")
    op.execute("drop table if exists ops.supervisions")
