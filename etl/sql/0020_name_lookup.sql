-- 0020: the names the warehouse holds, looked up by name: serve.mask_names finds a person's or a
-- landlord's name typed into free text (a dispute's result, a grid event's title, a note) by
-- probing these indexes with the text's pieces, so a name is masked wherever it is written.
create index if not exists persons_name on core.persons (name);
create index if not exists rental_units_landlord_name on core.rental_units (landlord_name);
