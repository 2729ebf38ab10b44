"""SQL files of the warehouse, shipped as package resources."""

from importlib.resources import files


def read_sql(name: str) -> str:
    """Return the text of ``etl/sql/<name>`` (``name`` may name a sub-folder: ``views/x.sql``)."""
    resource = files(__name__)
    for part in name.split("/"):
        resource = resource.joinpath(part)
    return resource.read_text(encoding="utf-8")


def sql_names(folder: str) -> list[str]:
    """Return ``<folder>/<file>`` of every ``.sql`` file in ``etl/sql/<folder>``, in file-name order.

    Parameters
    ----------
    folder
        A sub-folder of ``etl/sql``, e.g. ``"views"``.
    """
    found = files(__name__).joinpath(folder).iterdir()
    return sorted(f"{folder}/{f.name}" for f in found if f.name.endswith(".sql"))
