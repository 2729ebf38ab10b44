"""Indexes on the names of persons and landlords, for masking names typed into free text.

Revision ID: 0020
Revises: 0019
"""

from alembic import op

from etl.migrate import run_sql_file

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Index core.persons.name and core.rental_units.landlord_name."""
    run_sql_file("0020_name_lookup.sql")


def downgrade() -> None:
    """Drop both indexes."""
    op.execute("drop index if exists core.persons_name")
    op.execute("drop index if exists core.rental_units_landlord_name")
