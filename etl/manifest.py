"""The load manifest: which files, of which kind, in which format, encoding and datum."""

from __future__ import annotations

import glob
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from common.coords import canonical_crs
from common.errors import OnemapError
from common.text import header_name
from etl.contract import KINDS

FORMATS = ("csv", "xlsx", "gpkg", "shp", "geojson")


class Area(BaseModel):
    """The area being loaded: points outside its district are quarantined."""

    model_config = ConfigDict(extra="forbid")

    district_code: str = Field(pattern=r"^[0-9]{6}$")
    name: str
    city: str | None = None


class Source(BaseModel):
    """One source: a file (or a glob of files) of one kind from one agency."""

    model_config = ConfigDict(extra="forbid")

    name: str
    kind: str
    path: str
    format: Literal["csv", "xlsx", "gpkg", "shp", "geojson"]
    columns: dict[str, str]
    encoding: str | None = None
    crs: str | None = None
    layer: str | None = None
    sheet: str | None = None
    header_row: int = Field(default=1, ge=1)  # CSV line / XLSX row of the header (title rows above it)
    agency: str = ""

    @field_validator("kind")
    @classmethod
    def _known_kind(cls, v: str) -> str:
        if v not in KINDS:
            raise ValueError(f"unknown kind {v!r}; expected one of {', '.join(KINDS)}")
        return v

    @field_validator("columns")
    @classmethod
    def _header_form(cls, v: dict[str, str]) -> dict[str, str]:
        # the form the readers give a header's names (etl/readers.py)
        return {field: header_name(col) for field, col in v.items()}

    @field_validator("crs")
    @classmethod
    def _known_crs(cls, v: str | None) -> str | None:
        if v is not None:
            canonical_crs(v)
        return v

    @model_validator(mode="after")
    def _fields_and_crs(self) -> Source:
        kind = KINDS[self.kind]
        known = {f.name for f in kind.fields}
        unknown = sorted(set(self.columns) - known)
        if unknown:
            raise ValueError(f"columns maps unknown fields {unknown} for kind {self.kind}")
        missing = [f for f in kind.required if f not in self.columns and f not in ("lon", "lat")]
        if missing:
            raise ValueError(f"columns does not map the required fields {missing} of kind {self.kind}")
        spatial = kind.geometry in ("point", "polygon", "line")
        if spatial and not self.crs:
            raise ValueError(
                f"kind {self.kind} carries coordinates: say their crs (WGS84, GCJ02, BD09, CGCS2000)"
            )
        return self


class Manifest(BaseModel):
    """A whole delivery: the area and its sources."""

    model_config = ConfigDict(extra="forbid")

    version: int = 1
    area: Area
    sources: list[Source]
    generated: dict[str, object] | None = None
    root: Path = Path(".")
    path: Path = Path("manifest.yaml")

    def files(self, source: Source) -> list[Path]:
        """The files of a source, sorted (a glob may name many daily partitions)."""
        if any(ch in source.path for ch in "*?["):
            found = sorted(self.root.glob(source.path))
        else:
            found = [self.root / source.path]
        missing = [p for p in found if not p.exists()]
        if not found or missing:
            raise OnemapError(f"{self.path}: source {source.name!r}: no file at {self.root / source.path}")
        # a delivery is its folder: a path out of it (absolute, ../, or a link to elsewhere) would
        # load whatever file of this machine it names into the warehouse and its quarantine
        home = self.root.resolve()
        parts = [
            q for p in found if p.suffix.lower() == ".shp" for q in p.parent.glob(f"{glob.escape(p.stem)}.*")
        ]
        for p in [*found, *parts]:  # a Shapefile's .dbf, .shx … beside it too
            if not p.resolve().is_relative_to(home):
                raise OnemapError(
                    f"{self.path}: source {source.name!r}: {p} is outside the manifest's folder {home} "
                    f"(it resolves to {p.resolve()}); put the delivery's files in that folder"
                )
        return found


def read_manifest(path: Path) -> Manifest:
    """Parse and check a manifest; any problem is one line naming the file and the place."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise OnemapError(f"manifest {path} does not exist") from exc
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise OnemapError(f"manifest {path} is not valid UTF-8 YAML: {str(exc).splitlines()[0]}") from exc
    if not isinstance(data, dict):
        raise OnemapError(f"manifest {path}: expected a mapping with 'area' and 'sources'")
    try:
        manifest = Manifest.model_validate({**data, "root": path.parent, "path": path})
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        if err["loc"][:1] == ("sources",) and len(err["loc"]) > 1 and isinstance(err["loc"][1], int):
            src = data.get("sources", [])[err["loc"][1]]
            where = f"source {src.get('name', err['loc'][1])!r}" + (
                f", {'.'.join(str(p) for p in err['loc'][2:])}" if len(err["loc"]) > 2 else ""
            )
        raise OnemapError(f"manifest {path}: {where}: {err['msg']}") from exc
    names = [s.name for s in manifest.sources]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise OnemapError(f"manifest {path}: source names must be unique; repeated: {dupes}")
    return manifest
