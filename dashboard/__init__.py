"""onemap dashboard: the one map, drill-down pages, wall screen and reports (reads ``serve`` only)."""
