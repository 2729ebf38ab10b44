"""A delivery is its folder: a manifest whose source names a file outside the folder it lies in
(an absolute path, ``../``, a glob reaching up, or a link in the folder to a file elsewhere,
a Shapefile's .dbf included) is refused naming the source and where the path leads, before
anything of that file is read; a link that stays inside the folder is a file like any other.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

from common.errors import OnemapError
from etl.contract_doc import EXAMPLE
from etl.manifest import read_manifest


def _delivery(tmp_path: Path, path: str, fmt: str = "csv") -> tuple[Path, Path]:
    """A delivery folder whose manifest's one source (buildings) names ``path``; the manifest and a
    file outside the folder (a stand-in for one of the machine's own)."""
    folder = tmp_path / "delivery"
    folder.mkdir(exist_ok=True)
    secret = tmp_path / "secret.csv"
    secret.write_text("房屋编码\nroot:x:0:0\n", encoding="utf-8")
    example = yaml.safe_load(EXAMPLE)
    source = next(s for s in example["sources"] if s["kind"] == "building")
    source.update(path=path, format=fmt)
    manifest = folder / "manifest.yaml"
    manifest.write_text(
        yaml.safe_dump({"area": example["area"], "sources": [source]}, allow_unicode=True), encoding="utf-8"
    )
    return manifest, secret


@pytest.mark.parametrize("how", ["parent", "absolute", "glob", "link", "linked folder"])
def test_a_source_outside_the_manifest_folder_is_refused(tmp_path: Path, how: str) -> None:
    manifest, secret = _delivery(tmp_path, "x")
    folder = manifest.parent
    path = {"parent": "../secret.csv", "absolute": str(secret), "glob": "../secret*.csv"}.get(how)
    if how == "link":
        (folder / "buildings.csv").symlink_to(secret)
        path = "buildings.csv"
    if how == "linked folder":
        (folder / "housing").symlink_to(tmp_path)
        path = "housing/secret.csv"
    manifest, _ = _delivery(tmp_path, str(path))
    m = read_manifest(manifest)
    with pytest.raises(OnemapError, match=r"楼栋.*outside the manifest's folder.*secret\.csv"):
        m.files(m.sources[0])


def test_a_shapefile_whose_dbf_links_outside_is_refused(tmp_path: Path) -> None:
    manifest, secret = _delivery(tmp_path, "buildings.shp", "shp")
    folder = manifest.parent
    (folder / "buildings.shp").write_bytes(b"\0" * 100)
    os.symlink(secret, folder / "buildings.dbf")
    m = read_manifest(manifest)
    with pytest.raises(OnemapError, match=r"buildings\.dbf is outside the manifest's folder"):
        m.files(m.sources[0])


def test_links_and_paths_inside_the_folder_are_files_like_any_other(tmp_path: Path) -> None:
    manifest, _ = _delivery(tmp_path, "housing/../housing/linked.csv")
    folder = manifest.parent
    (folder / "housing").mkdir()
    (folder / "housing" / "buildings.csv").write_text("房屋编码\nB1\n", encoding="utf-8")
    (folder / "housing" / "linked.csv").symlink_to(folder / "housing" / "buildings.csv")
    m = read_manifest(manifest)
    assert m.files(m.sources[0]) == [folder / "housing/../housing/linked.csv"]
