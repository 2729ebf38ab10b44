"""A wall account: the role ``wall``, which sees the wall's aggregate figures and no person's row.

Revision ID: 0015
Revises: 0014
"""

from alembic import op

from etl.migrate import run_sql_file

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Allow the role ``wall`` in ops.users and keep person-level rows from it (restrictive policies)."""
    run_sql_file("0015_wall_account.sql")


def downgrade() -> None:
    """Drop the policies and the wall users (their sessions go with them), and allow the old roles only."""
    op.execute(
        """
        do $$
        declare t regclass;
        begin
            for t in select polrelid::regclass from pg_policy where polname = 'people' loop
                execute format('drop policy people on %s', t);
            end loop;
        end
        $$
        """
    )
    op.execute("delete from ops.users where role = 'wall'")
    op.execute("alter table ops.users drop constraint if exists users_wall_check")
    op.execute("alter table ops.users drop constraint users_role_check")
    op.execute(
        "alter table ops.users add constraint users_role_check "
        "check (role in ('leadership', 'station_chief', 'grid_worker'))"
    )
