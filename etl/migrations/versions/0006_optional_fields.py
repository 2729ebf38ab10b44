"""Optional fields of the contract may be empty: drop NOT NULL from their columns.

Revision ID: 0006
Revises: 0005
"""

from etl.migrate import run_sql_file

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Let every optional field's column hold null (not stated)."""
    run_sql_file("0006_optional_fields.sql")


def downgrade() -> None:
    """Fill nulls with the column defaults and make the columns NOT NULL again."""
    run_sql_file("0006_optional_fields_down.sql")
