-- 0009 contract fields: every field of the data contract with its Chinese name, so a page that
-- names a field (the quarantine's "which field") says it as the agencies' files do. Only the
-- table: etl/migrate.py fills it from etl/contract.py after every migration (contract_fields_sync.sql).

create table core.contract_fields (
    kind text not null,
    field text not null,
    label_zh text not null,
    primary key (kind, field)
);
comment on table core.contract_fields is
    'One row per field of each kind of the data contract with its Chinese name; a copy of etl/contract.py.';
