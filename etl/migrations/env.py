"""Alembic environment: runs migrations on the connection handed over by etl.migrate."""

from alembic import context

connection = context.config.attributes["connection"]

connection.exec_driver_sql("create schema if not exists ops")
context.configure(
    connection=connection,
    target_metadata=None,
    version_table="alembic_version",
    version_table_schema="ops",
    transactional_ddl=True,
)
with context.begin_transaction():
    context.run_migrations()
