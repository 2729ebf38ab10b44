"""The codebook in the warehouse: core.codes, one row per coded value with its Chinese label.

Revision ID: 0005
Revises: 0004
"""

from alembic import op

from etl.migrate import run_sql_file

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create core.codes (filled from common/codebook.py after every migration)."""
    run_sql_file("0005_codebook.sql")


def downgrade() -> None:
    """Drop core.codes (the codebook itself lives in the code)."""
    op.execute("drop table if exists core.codes")
