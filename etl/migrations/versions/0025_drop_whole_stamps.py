"""The whole warehouse's verdict and supervision stamps, read by nothing since 0023, are dropped.

Revision ID: 0025
Revises: 0024
"""

from etl.migrate import run_sql_file

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Drop ops.alert_verdicts_stamp and ops.supervisions_stamp."""
    run_sql_file("0025_drop_whole_stamps.sql")


def downgrade() -> None:
    """Nothing to undo here: the stamps were made by the re-applied files (etl/sql/functions), and
    the code of revision 0024 makes them anew when it migrates."""
