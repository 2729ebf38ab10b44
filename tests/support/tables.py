"""What a warehouse holds, as digests that two loads of the same files share however they got there."""

from __future__ import annotations

import dataclasses

from sqlalchemy import Engine, text

from etl.demo.scales import SMALL, Scale

# every column of core and of the quarantine but identities, batch numbers and load times, which
# differ between a clean load and a rerun after a kill
_COLUMNS = """
select c.table_schema || '.' || c.table_name, c.column_name
from information_schema.columns c
join information_schema.tables t using (table_schema, table_name)
where t.table_type = 'BASE TABLE'
  and (c.table_schema = 'core' or (c.table_schema, c.table_name) = ('ops', 'quarantine'))
  and c.table_name not like 'access_events\\_%'
  and c.is_identity = 'NO' and c.column_name <> 'batch_id'
  and coalesce(c.column_default, '') not like '%now()%'
order by 1, c.ordinal_position
"""


def content_digests(engine: Engine) -> dict[str, str]:
    """Row count and digest of every core table and of the quarantine (see ``_COLUMNS``)."""
    out: dict[str, str] = {}
    with engine.connect() as conn:
        columns: dict[str, list[str]] = {}
        for table, column in conn.execute(text(_COLUMNS)).all():
            columns.setdefault(table, []).append(f'"{column}"')
        for table, cols in columns.items():
            row = f"row({', '.join(cols)})::text"
            out[table] = conn.execute(
                text(
                    f"select count(*) || ':' || coalesce(md5(string_agg({row}, '|' order by {row})), '') "
                    f"from {table}"
                )
            ).scalar()
    return out


def tiny_county() -> Scale:
    """The small demo county cut to a quarter or so: every kind, defect and alert, loaded in seconds."""
    return dataclasses.replace(
        SMALL,
        buildings=1_500,
        persons=6_000,
        communities=20,
        smart_communities=6,
        sensors=100,
        cameras=50,
        access_events=40_000,
        incidents=1_200,
        grid_events=800,
        disputes=200,
        hazards=400,
    )
