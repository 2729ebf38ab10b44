"""研判: analysis units, weekly Gi*, emerging hot-spot classes, next-week risk and back-test scores.

Revision ID: 0011
Revises: 0010
"""

from alembic import op

from etl.migrate import run_sql_file

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the analysis tables (core.analysis_units … core.backtest_scores)."""
    run_sql_file("0011_analysis.sql")


def downgrade() -> None:
    """Drop them again, with the serve views that read them."""
    for view in (
        "hotspot_trends",
        "hotspot_weeks",
        "risk_scores",
        "risk_inputs",
        "backtest_scores",
        "analysis_units",
    ):
        op.execute(f"drop view if exists serve.{view}")
    for table in (
        "backtest_scores",
        "risk_inputs",
        "risk_scores",
        "hotspot_trends",
        "hotspot_weeks",
        "analysis_units",
    ):
        op.execute(f"drop table if exists core.{table}")
