"""The place search reads plain texts only inside a function returning masked labels, on indexes.

Revision ID: 0026
Revises: 0025
"""

from alembic import op

from etl.migrate import run_sql_file

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Drop the search view (made anew without its plain column) and index what the search probes."""
    run_sql_file("0026_search_sealed.sql")


def downgrade() -> None:
    """Drop the indexes; the view is made anew by etl/sql/views/40_search.sql."""
    for index in (
        "buildings_address_code_idx",
        "standard_addresses_length_idx",
        "standard_addresses_code_upper_idx",
        "buildings_code_upper_idx",
    ):
        op.execute(f"drop index if exists core.{index}")
