"""${message}

Revision ID: ${up_revision}
Revises: ${down_revision | comma,n}
"""

# Tables, columns, indexes and data belong here (and every table and column in etl/tables too).
# Views and functions never do: they live in etl/sql/functions and etl/sql/views, re-applied after
# every migration; a revision only drops one that `create or replace` cannot change. Once this
# revision ships, record its hashes in etl/migrations/released.txt and never edit it again.
<% drafted = upgrades is not UNDEFINED and upgrades.strip() not in ("", "pass") %>
% if drafted:
import sqlalchemy as sa
from alembic import op
${imports if imports else ""}
% else:
from etl.migrate import run_sql_file
% endif

revision = ${repr(up_revision)}
down_revision = ${repr(down_revision)}
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
% if drafted:
    ${upgrades}
% else:
    run_sql_file("${up_revision}.sql")
% endif


def downgrade() -> None:
    """Revert this revision."""
% if drafted:
    ${downgrades}
% else:
    raise NotImplementedError("write the downgrade SQL for this revision")
% endif
