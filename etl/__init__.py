"""onemap warehouse: embedded PostGIS, migrations, readers, validation, loading, demo data."""
