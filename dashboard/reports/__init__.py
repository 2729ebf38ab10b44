"""Weekly reports (PDF and XLSX) built from the same serve queries as the pages."""
