"""Masked texts kept: a place's name is masked once per load, not once per row a page reads.

Revision ID: 0022
Revises: 0021
"""

from alembic import op

from etl.migrate import run_sql_file

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create ops.masked_texts (serve.mask_text reads it, ops.refresh_masked_texts fills it, the
    triggers of etl/sql/functions/10_serve_masks.sql empty it when a stored name changes)."""
    run_sql_file("0022_masked_texts.sql")


def downgrade() -> None:
    """Drop the kept texts and their triggers; serve.mask_text masks every text afresh again."""
    for table in ("core.persons", "core.rental_units"):
        op.execute(f"drop trigger if exists names_changed on {table}")
        op.execute(f"drop trigger if exists names_truncated on {table}")
    op.execute("drop function if exists ops.forget_masked_texts() cascade")
    op.execute("drop function if exists ops.refresh_masked_texts()")
    op.execute("drop table ops.masked_texts")
