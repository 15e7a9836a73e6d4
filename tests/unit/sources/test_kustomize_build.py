"""`kcompat check --kustomize`: real Kustomize builds, findings mapped to overlay and base files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from helpers.tools import require_kustomize

from conftest import CLI, FIXTURES, Run

OVERLAY = FIXTURES / "kustomize/overlay"
BASE = FIXTURES / "kustomize/base"


def json_findings(run: Run) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = run.json()["findings"]
    return result


def line_of(path: Path, text: str) -> int:
    return path.read_text().splitlines().index(text) + 1


def test_findings_point_at_overlay_and_base_files(run_cli: CLI) -> None:
    require_kustomize()
    run = run_cli("check", "--kustomize", str(OVERLAY), "-t", "1.25", "-o", "json")
    assert run.code == 1, run.err
    found = {(f["kind"], f["name"]): f for f in json_findings(run) if f["rule"].endswith("-api")}
    assert set(found) == {("PodDisruptionBudget", "prod-web"), ("CronJob", "prod-job"), ("Ingress", "prod-web")}
    pdb, cronjob, ingress = (found[("PodDisruptionBudget", "prod-web")], found[("CronJob", "prod-job")],
                             found[("Ingress", "prod-web")])
    assert Path(pdb["path"]).resolve() == (BASE / "pdb.yaml").resolve()
    assert pdb["line"] == line_of(BASE / "pdb.yaml", "apiVersion: policy/v1beta1")
    assert Path(cronjob["path"]).resolve() == (OVERLAY / "cj.yaml").resolve()
    assert cronjob["line"] == 1
    assert Path(ingress["path"]).resolve() == (BASE / "deploy.yaml").resolve()
    assert ingress["line"] == line_of(BASE / "deploy.yaml", "apiVersion: extensions/v1beta1")
    assert ingress["details"]["rendered"]["path"].startswith("<kustomize")


def test_broken_overlay_is_a_usage_error(run_cli: CLI, tmp_path: Path) -> None:
    require_kustomize()
    (tmp_path / "kustomization.yaml").write_text("resources:\n- missing.yaml\n")
    run = run_cli("check", "--kustomize", str(tmp_path))
    assert run.code == 2
    assert "build failed" in run.err and "missing.yaml" in run.err


def test_not_an_overlay(run_cli: CLI, tmp_path: Path) -> None:
    run = run_cli("check", "--kustomize", str(tmp_path))
    assert run.code == 2 and "no kustomization.yaml" in run.err


def test_without_a_tool_the_message_says_how_to_get_one(run_cli: CLI, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KCOMPAT_KUSTOMIZE", "none")
    run = run_cli("check", "--kustomize", str(OVERLAY))
    assert run.code == 2 and "pip install 'kcompat[kustomize]'" in run.err
