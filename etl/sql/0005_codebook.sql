-- 0005 codebook: every coded value and its Chinese label, so SQL and whoever reads the warehouse
-- see the words the screens show. Only the table: etl/migrate.py fills it from common/codebook.py
-- after every migration (etl/sql/codebook_sync.sql), so it always equals the code's book.

create table core.codes (
    field text not null,
    code text not null,
    label_zh text not null,
    primary key (field, code)
);
comment on table core.codes is
    'One row per coded value (field, code) with its Chinese label; a copy of common/codebook.py.';
