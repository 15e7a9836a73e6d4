"""--exclude matches a pattern against the whole path and each of its components, split as pathlib splits."""

from __future__ import annotations

from pathlib import PurePosixPath

import pytest

from kcompat.sources.discover import _excluded, _parts

PATHS = ["a/b", "/a/b", "//a/b", "///a", "a//b/./c/", "./a", ".", "", "a/../b", "/", "charts/x/templates/y.yaml"]


@pytest.mark.parametrize("path", PATHS)
def test_components_are_pathlibs(path: str) -> None:
    assert _parts(path) == PurePosixPath(path).parts


def test_a_pattern_matches_a_component_or_the_whole_path() -> None:
    assert _excluded("deploy/vendor/crd.yaml", ["vendor"])
    assert _excluded("deploy/vendor/crd.yaml", ["deploy/*"])
    assert not _excluded("deploy/vendored/crd.yaml", ["vendor"])
    assert not _excluded("deploy/x.yaml", [])
