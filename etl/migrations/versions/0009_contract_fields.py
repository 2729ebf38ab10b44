"""The data contract's field names in the warehouse: core.contract_fields, each field's Chinese name.

Revision ID: 0009
Revises: 0008
"""

from alembic import op

from etl.migrate import run_sql_file

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create core.contract_fields (filled from etl/contract.py after every migration)."""
    run_sql_file("0009_contract_fields.sql")


def downgrade() -> None:
    """Drop core.contract_fields and the view naming fields by it (the next migrate makes it anew)."""
    op.execute("drop view if exists serve.quarantine_counts")
    op.execute("drop table if exists core.contract_fields")
