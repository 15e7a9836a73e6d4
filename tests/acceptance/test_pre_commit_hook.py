"""The hook in .pre-commit-hooks.yaml, run by real pre-commit against this working tree."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

PDB = "apiVersion: {api}\nkind: PodDisruptionBudget\nmetadata:\n  name: web\nspec:\n  minAvailable: 1\n"


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


def _try_repo(repo: Path, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), "kcompat", "--color", "never",
         "--verbose"],
        cwd=repo, env=env, capture_output=True, text=True, timeout=600,
    )


@pytest.mark.slow
def test_commit_with_removed_api_fails_then_passes_after_fix(tmp_path: Path) -> None:
    if shutil.which("git") is None:
        pytest.fail("git is required for the pre-commit test")
    repo = tmp_path / "manifests"
    repo.mkdir()
    _git(repo, "init", "-q")
    (repo / "deploy").mkdir()
    manifest = repo / "deploy" / "pdb.yaml"
    manifest.write_text("# disruption budget\n" + PDB.format(api="policy/v1beta1"))
    (repo / "README.txt").write_text("not a manifest\n")
    _git(repo, "add", ".")

    failed = _try_repo(repo, tmp_path / "pre-commit-home")
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "deploy/pdb.yaml:2:1: error removed-api" in failed.stdout
    assert "README.txt" not in failed.stdout

    manifest.write_text("# disruption budget\n" + PDB.format(api="policy/v1"))
    _git(repo, "add", ".")
    passed = _try_repo(repo, tmp_path / "pre-commit-home")
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "0 errors" in passed.stdout


@pytest.mark.slow
def test_tree_with_charts_and_overlays_reports_only_true_findings(tmp_path: Path) -> None:
    """pre-commit names every staged YAML file: chart templates, values, Chart.yaml, kustomizations and
    patches included. Templates are not parsed as manifests, patches are partial objects, kustomizations
    are configuration: the only error is the real one (a removed API in a plain manifest)."""
    if shutil.which("git") is None:
        pytest.fail("git is required for the pre-commit test")
    real = ROOT / "fixtures/realworld/argocd-example-apps"
    repo = tmp_path / "manifests"
    repo.mkdir()
    _git(repo, "init", "-q")
    shutil.copytree(real / "helm-guestbook", repo / "charts/guestbook")
    shutil.copytree(real / "kustomize-guestbook", repo / "base")
    (repo / "overlay").mkdir()
    shutil.copy(real / "plugins/kustomized-helm/overlays/guestbook-deployment.yaml", repo / "overlay/patch.yaml")
    (repo / "overlay/kustomization.yaml").write_text("resources: [../base]\npatches:\n- path: patch.yaml\n")
    (repo / "base/pdb.yaml").write_text(PDB.format(api="policy/v1beta1"))
    _git(repo, "add", ".")

    failed = _try_repo(repo, tmp_path / "pre-commit-home")
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "base/pdb.yaml:1:1: error removed-api" in failed.stdout
    assert "1 error," in failed.stdout, failed.stdout
    assert "parse-error" not in failed.stdout and "patch.yaml" not in failed.stdout

    (repo / "base/pdb.yaml").write_text(PDB.format(api="policy/v1"))
    _git(repo, "add", ".")
    passed = _try_repo(repo, tmp_path / "pre-commit-home")
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "0 errors" in passed.stdout
