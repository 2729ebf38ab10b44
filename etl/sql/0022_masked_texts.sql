-- 0022 masked texts kept: serve.mask_text looks a text up here before masking it afresh. Masking a
-- text probes the stored names (serve.mask_names) and costs about 0.1 ms; the biggest county
-- station's page masked its 801 grid names (and their villages) three times over, a third of the
-- page's time. What a text masks to depends only on the text and on the stored names of people
-- (core.persons.name) and landlords (core.rental_units.landlord_name): every statement that writes
-- either empties this table in its own transaction (triggers in etl/sql/functions/10_serve_masks.sql
-- that fire even while a load writes with session_replication_role = replica), and
-- ops.refresh_masked_texts fills it again after the load and after each migration. Only the owner
-- reads and writes it.
create table ops.masked_texts (
    plain text primary key,
    masked text not null
);
comment on table ops.masked_texts is
    'One row per place name, road name or kind as serve.mask_text masks it, kept from the last fill (ops.refresh_masked_texts) until a stored name of a person or landlord next changes.';
revoke all on ops.masked_texts from public;
