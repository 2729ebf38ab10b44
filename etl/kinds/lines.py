"""Kinds drawn as lines (roads): converted to WGS-84 MultiLineStrings, never attributed."""

from __future__ import annotations

from typing import ClassVar

import pandas as pd

from etl.convert import Located, convert_lines
from etl.kinds.base import OwnGeometry
from etl.manifest import Source


class Lines(OwnGeometry):
    """Lines in WGS-84, as MultiLineStrings."""

    extra_columns: ClassVar[dict[str, str]] = {"geom": "geometry(Geometry, 4326)"}

    def convert(self, chunk: pd.DataFrame, source: Source) -> Located | None:
        """The chunk's lines in WGS-84."""
        return convert_lines(chunk, source)
