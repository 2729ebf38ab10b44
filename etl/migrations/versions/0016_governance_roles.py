"""The governance roles: a town leader and a village or community officer, scoped by the grids of
their towns or villages.

Revision ID: 0016
Revises: 0015
"""

from alembic import op

from etl.migrate import run_sql_file

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

PEOPLE_ROLES = "array[''leadership'', ''station_chief'', ''grid_worker'']"


def upgrade() -> None:
    """Allow the roles, give users their towns and villages, let the roles read rows about people."""
    run_sql_file("0016_governance_roles.sql")


def downgrade() -> None:
    """Drop the governance users (their sessions go with them) and columns, and narrow the policies back."""
    op.execute(
        f"""
        do $$
        declare t regclass;
        begin
            for t in select polrelid::regclass from pg_policy where polname = 'people' loop
                execute format('alter policy people on %s using %s with check %s', t,
                               '((select ops.scope_role()) = any ({PEOPLE_ROLES}))',
                               '((select ops.scope_role()) = any ({PEOPLE_ROLES}))');
            end loop;
        end
        $$
        """
    )
    op.execute("delete from ops.users where role in ('town_leader', 'village_officer')")
    op.execute("alter table ops.users drop constraint users_role_check")
    op.execute(
        "alter table ops.users add constraint users_role_check "
        "check (role in ('leadership', 'station_chief', 'grid_worker', 'wall'))"
    )
    op.execute("alter table ops.users drop column towns, drop column villages")
