"""Alembic environment: runs migrations on the connection handed over by etl.migrate.

``target_metadata`` is the tables' declaration (etl/tables), so ``command.revision(cfg, message,
autogenerate=True)`` drafts a new revision from what the declaration has and the database lacks.
"""

from alembic import context
from geoalchemy2.alembic_helpers import render_item

from etl.tables import METADATA
from etl.tables.compare import COMPARE_OPTIONS

connection = context.config.attributes["connection"]

connection.exec_driver_sql("create schema if not exists ops")
context.configure(
    connection=connection,
    target_metadata=METADATA,
    version_table="alembic_version",
    version_table_schema="ops",
    transactional_ddl=True,
    render_item=render_item,  # geometry columns render with their import
    **COMPARE_OPTIONS,
)
with context.begin_transaction():
    context.run_migrations()
