"""Every read the pages and the reports make: the serve schema only, always within a scope.

One module per what the reads serve: :mod:`~dashboard.queries.areas` (areas, their names, bounds
and the scope filter), :mod:`~dashboard.queries.indicators` (headline figures, trends, scores,
rankings, per-area tables), :mod:`~dashboard.queries.breakdowns` (counts by category),
:mod:`~dashboard.queries.elements` (open items, buildings, red cards, places, search),
:mod:`~dashboard.queries.people` (persons) and :mod:`~dashboard.queries.operations` (loads,
quarantine, data quality, audit). Their statements live in ``dashboard/sql`` and are composed by
:mod:`~dashboard.queries.sql`. Callers import the module they need.
"""
