"""SQL files of the warehouse, shipped as package resources."""

from importlib.resources import files


def read_sql(name: str) -> str:
    """Return the text of ``etl/sql/<name>``."""
    return files(__name__).joinpath(name).read_text(encoding="utf-8")
