"""A folder tree far deeper than any repository (1,500 levels, a path of ~3,000 bytes): every
command reports the folders it did not walk (exit 2) and still reads the rest; no RecursionError."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import ROOT
from kcompat.core import limits
from kcompat.sources.discover import Missing, discover

INGRESS = "apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata: {name: NAME}\n"


@pytest.fixture(autouse=True)
def _remove_deep_trees(tmp_path: Path) -> Iterator[None]:
    """shutil.rmtree recurses once per level too: remove the tree bottom-up."""
    yield
    for folder, dirs, files in _bottom_up(tmp_path):
        for name in files:
            os.unlink(os.path.join(folder, name))
        for name in dirs:
            os.rmdir(os.path.join(folder, name))


def _bottom_up(root: Path) -> list[tuple[str, list[str], list[str]]]:
    found, stack = [], [str(root)]
    while stack:
        folder = stack.pop()
        with os.scandir(folder) as listing:
            entries = list(listing)
        dirs = [e.name for e in entries if e.is_dir(follow_symlinks=False)]
        found.append((folder, dirs, [e.name for e in entries if not e.is_dir(follow_symlinks=False)]))
        stack.extend(os.path.join(folder, d) for d in dirs)
    return found[::-1]


def deep_tree(root: Path, levels: int) -> Path:
    folder = root / "tree"
    path = str(folder)
    os.mkdir(path)
    for _ in range(levels):  # not os.makedirs: it recurses once per level
        path = os.path.join(path, "d")
        os.mkdir(path)
    Path(path, "deepest.yaml").write_text(INGRESS.replace("NAME", "deepest"))
    Path(folder, "top.yaml").write_text(INGRESS.replace("NAME", "top"))
    shallow = os.path.join(str(folder), *(["d"] * 100))
    Path(shallow, "shallow.yaml").write_text(INGRESS.replace("NAME", "shallow"))
    return folder


def test_discover_stops_at_the_depth_limit_in_order(tmp_path: Path) -> None:
    folder = deep_tree(tmp_path, 1500)
    found = list(discover([str(folder)]))
    files = [Path(f).name for f in found if isinstance(f, str)]
    assert files == ["top.yaml", "shallow.yaml"]
    (missing,) = [f for f in found if isinstance(f, Missing)]
    assert missing.path.count("/d") == limits.MAX_DIRECTORY_DEPTH
    assert f"more than {limits.MAX_DIRECTORY_DEPTH} levels" in missing.reason


def test_discover_keeps_os_walk_order_and_skips(tmp_path: Path) -> None:
    for name in ("b/x.yaml", "a/z.yml", "a/.hidden/h.yaml", ".git/c.yaml", "a/notes.txt", "m.json", "a/b/c/d.yaml"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("{}")
    (tmp_path / "linked").symlink_to(tmp_path / "b")  # links to folders are not followed
    (tmp_path / "dangling.yaml").symlink_to(tmp_path / "nowhere.yaml")  # listed; reading reports it
    found = [os.path.relpath(f, tmp_path) for f in discover([str(tmp_path)]) if isinstance(f, str)]
    expected = [os.path.relpath(os.path.join(d, f), tmp_path)
                for d, dirs, files in _os_walk(str(tmp_path)) for f in files]
    assert found == expected == ["dangling.yaml", "m.json", "a/z.yml", "a/b/c/d.yaml", "b/x.yaml"]


def _os_walk(root: str) -> list[tuple[str, list[str], list[str]]]:
    result = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        result.append((folder, dirs, sorted(f for f in files if not f.startswith(".")
                                            and f.endswith((".yaml", ".yml", ".json")))))
    return result


@pytest.mark.parametrize("command", [["check"], ["fix"], ["graph"], ["plan", "-c", "1.20", "-t", "1.29"],
                                     ["report", "-c", "1.20", "-t", "1.29"]])
def test_every_command_reports_the_deep_folders(tmp_path: Path, command: list[str]) -> None:
    folder = deep_tree(tmp_path, 1500)
    done = subprocess.run([sys.executable, "-m", "kcompat", *command, str(folder)], capture_output=True,
                          text=True, timeout=60, cwd=ROOT)
    assert "Traceback" not in done.stderr and "RecursionError" not in done.stderr, done.stderr[-2000:]
    assert done.returncode == 2, done.stderr[-2000:]
    assert f"more than {limits.MAX_DIRECTORY_DEPTH} levels" in done.stderr
    if command[0] in ("check", "fix"):
        assert "shallow" in done.stdout + done.stderr and "top" in done.stdout + done.stderr
