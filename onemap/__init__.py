"""The ``onemap`` command: the one composition root that imports both ``etl`` and ``dashboard``."""
