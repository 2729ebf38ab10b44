"""${message}

Revision ID: ${up_revision}
Revises: ${down_revision | comma,n}
"""

from etl.migrate import run_sql_file

revision = ${repr(up_revision)}
down_revision = ${repr(down_revision)}
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    run_sql_file("${up_revision}.sql")


def downgrade() -> None:
    """Revert this revision."""
    raise NotImplementedError("write the downgrade SQL for this revision")
