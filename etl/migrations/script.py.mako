"""${message}

Revision ID: ${up_revision}
Revises: ${down_revision | comma,n}
"""

# Tables, columns, indexes and data belong here. Views and functions never do: they live in
# etl/sql/functions and etl/sql/views, re-applied after every migration; a revision only drops one
# that `create or replace` cannot change. Once this revision ships, record its hashes in
# etl/migrations/released.txt and never edit it again.

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
