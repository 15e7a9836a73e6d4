"""A non-editable install carries its knowledge and works from any folder, offline."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT


@pytest.mark.slow
def test_wheel_ships_the_knowledge_and_runs_elsewhere(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(wheels), str(ROOT)], check=True, capture_output=True, timeout=600)
    (wheel,) = wheels.glob("kcompat-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "kcompat/_schemas/catalog.json" in names
    assert "kcompat/report/check-result.schema.json" in names

    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "-q",
                    "--target", str(target), str(wheel)], check=True, capture_output=True, timeout=600)
    manifest = tmp_path / "elsewhere" / "pdb.yaml"
    manifest.parent.mkdir()
    manifest.write_text("apiVersion: policy/v1beta1\nkind: PodDisruptionBudget\nmetadata: {name: x}\n")
    env = {**os.environ, "PYTHONPATH": str(target)}
    run = subprocess.run([sys.executable, "-m", "kcompat", "check", "pdb.yaml", "-t", "1.25"],
                         cwd=manifest.parent, env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 1, run.stderr
    assert "pdb.yaml:1:1: error removed-api" in run.stdout
    where = subprocess.run([sys.executable, "-c", "import kcompat; print(kcompat.__file__)"],
                           cwd=manifest.parent, env=env, capture_output=True, text=True, check=True)
    assert where.stdout.startswith(str(target))


def test_every_package_is_listed_for_the_wheel() -> None:
    """pyproject lists packages explicitly: a new package missing there installs as a broken wheel."""
    import tomllib

    from conftest import ROOT

    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {".".join(path.parent.relative_to(ROOT).parts) for path in (ROOT / "kcompat").rglob("__init__.py")}
    assert found - listed == set()
