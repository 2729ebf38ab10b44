"""研判 (analysis): hot spots by Gi*, their emerging classes, next week's risk and its back-test.

Run after each load (``etl/load.py``) and by ``onemap analyse run``; never by a page. Results go to
the ``core`` tables of revision 0011 and are read through ``serve`` (docs/analysis.md).
"""
